/**
 * The house's floors: which folder of lib/ may import which, so no arrow points up (GitLab's contract,
 * YAML and diagnostics on the ground floor; the pure devfile, agent-config and renderer code above it; the
 * constructs beside them; the CLI and the ready app on top), and the pure parts load no cdktf.
 */
import { readdirSync, readFileSync, statSync } from 'fs';
import { dirname, join, relative, resolve } from 'path';

const ROOT = resolve(__dirname, '..');
const LIB = join(ROOT, 'lib');

/** What each folder of lib/ may import from lib/ (besides itself). */
const MAY_IMPORT: Record<string, readonly string[]> = {
  common: [],
  devfile: ['common'],
  'agent-config': ['common'],
  workspace: ['common', 'devfile', 'agent-config'],
  cluster: ['common'],
  runtimes: ['common', 'agent-config', 'cluster'],
  gitlab: ['common', 'agent-config', 'cluster'],
  capacity: ['common', 'devfile', 'agent-config', 'workspace'],
  // ../stacks: only the stack config loader (stacks/config, no cdktf), for commands that read the config.
  cli: ['common', 'devfile', 'agent-config', 'workspace', 'preflight', 'capacity', '../stacks'],
  // The config's pins resolved as the stacks resolve them (lib/cluster's pure tables, stacks/config).
  preflight: ['common', 'cluster', '../stacks'],
};

/**
 * Files of lib/ that may import the ready app's pure config loader (stacks/config): `doctor` checks a
 * deploy against the config it was deployed with, read as synth reads it.
 */
const APP_CONFIG_READERS = new Set(['lib/cli/doctor-config.ts']);

/** Files that make up the CLI's load: no cdktf, constructs or provider may be imported from them. */
const PURE = ['common', 'devfile', 'agent-config', 'cli', 'workspace', 'preflight', 'capacity'];
/** The one construct among the pure folders (loaded only from the package root). */
const PURE_EXCEPTIONS = new Set(['lib/workspace/workspace-construct.ts']);

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** Every module specifier a file imports or requires (static imports, `import type`, `require`, `import()`). */
function specifiers(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:\bfrom\s+|\brequire\(\s*|\bimport\(\s*)'([^']+)'/g)].map((m) => m[1]);
}

const files = tsFiles(LIB).filter((f) => dirname(f) !== LIB);

describe('lib/ floors', () => {
  it.each(Object.keys(MAY_IMPORT))('lib/%s imports only what is below it', (folder) => {
    const wrong: string[] = [];
    for (const file of files.filter((f) => relative(LIB, f).split('/')[0] === folder)) {
      for (const spec of specifiers(file).filter((s) => s.startsWith('.'))) {
        const target = relative(LIB, resolve(dirname(file), spec)).split('/');
        const into = target[0] === '..' ? `../${target[1]}` : target[0];
        if (into === '../stacks' && target[2] === 'config' && APP_CONFIG_READERS.has(relative(ROOT, file))) continue;
        if (into !== folder && !MAY_IMPORT[folder].includes(into)) wrong.push(`${relative(ROOT, file)} imports ${spec}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('lets lib/cli read only the stack config (stacks/config), never the stacks', () => {
    const wrong = files
      .filter((f) => relative(LIB, f).split('/')[0] === 'cli')
      .flatMap((f) => specifiers(f).filter((s) => s.startsWith('.')).map((s) => [f, relative(ROOT, resolve(dirname(f), s))]))
      .filter(([, target]) => target.startsWith('stacks/') && !target.startsWith('stacks/config/'))
      .map(([f, target]) => `${relative(ROOT, f)} imports ${target}`);
    expect(wrong).toEqual([]);
  });

  it('covers every folder of lib/', () => {
    const folders = readdirSync(LIB).filter((n) => statSync(join(LIB, n)).isDirectory()).sort();
    expect(folders).toEqual(Object.keys(MAY_IMPORT).sort());
  });

  it('keeps cdktf, constructs and the providers out of the pure folders', () => {
    const wrong = files
      .filter((f) => PURE.includes(relative(LIB, f).split('/')[0]) && !PURE_EXCEPTIONS.has(relative(ROOT, f)))
      .flatMap((f) => specifiers(f).filter((s) => /^(cdktf|constructs|@cdktf\/)/.test(s)).map((s) => `${relative(ROOT, f)} imports ${s}`));
    expect(wrong).toEqual([]);
  });
});
