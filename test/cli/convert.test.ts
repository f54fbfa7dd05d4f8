/** `gitlab-workspaces convert`: where the result goes, what is printed, exit codes; and the built command. */
import { spawnSync } from 'child_process';
import { chmodSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { basename, join } from 'path';
import { runConvert } from '../../lib/cli/convert';
import { CliIo } from '../../lib/cli/io';
import { loadDevfile } from '../../lib/devfile';

const CASES = join(__dirname, '..', 'devfile', 'convert-fixtures');
const REPO = join(__dirname, '..', '..');
const NOTE_LINE = /^(.+):(\d+):(\d+): note: (.+)$/;

async function run(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; } };
  const code = await runConvert(args, io);
  return { code, stdout, stderr };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'convert-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of a convert fixture in the temporary folder. */
function copy(name: string, as = `${name}.yaml`): string {
  const path = join(dir, as);
  writeFileSync(path, readFileSync(join(CASES, `${name}.yaml`), 'utf8'));
  return path;
}

describe('gitlab-workspaces convert', () => {
  it('prints the converted devfile on stdout and one note line per change on stderr; exit 0', async () => {
    const file = copy('registry-nodejs');
    const r = await run(file);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(CASES, 'registry-nodejs.converted.yaml'), 'utf8'));
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(5);
    for (const l of lines) expect(l).toMatch(NOTE_LINE);
    expect(lines.every((l) => l.startsWith(`${file}:`))).toBe(true);
    expect(loadDevfile(r.stdout, { file: 'out.yaml', mode: 'gitlab' }).ok).toBe(true);
  });

  it('writes -o FILE and leaves the input as it was', async () => {
    const file = copy('registry-nodejs');
    const out = join(dir, 'out.devfile.yaml');
    const before = readFileSync(file, 'utf8');
    const r = await run(file, '-o', out);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(join(CASES, 'registry-nodejs.converted.yaml'), 'utf8'));
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('rewrites the file with --in-place, and leaves a file GitLab accepts untouched', async () => {
    const file = copy('registry-nodejs', '.devfile.yaml');
    expect((await run('--in-place', file)).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(readFileSync(join(CASES, 'registry-nodejs.converted.yaml'), 'utf8'));
    const mtime = statSync(file).mtimeMs;
    const again = await run('--in-place', file);
    expect(again).toEqual({ code: 0, stdout: '', stderr: `${file}: GitLab accepts it as it is; nothing changed\n` });
    expect(statSync(file).mtimeMs).toBe(mtime);
  });

  it('--in-place never writes through a link planted at a temporary name, and keeps the file\'s permissions', async () => {
    const file = copy('registry-nodejs', '.devfile.yaml');
    chmodSync(file, 0o640);
    const victimDir = mkdtempSync(join(tmpdir(), 'convert-victim-'));
    try {
      const victim = join(victimDir, 'authorized_keys');
      writeFileSync(victim, 'ssh-ed25519 AAAA owner\n');
      // The name the old code wrote to (predictable: the process id), and a few more of the same pattern.
      const planted = [process.pid, process.pid + 1, 0].map((n) => join(dir, `.devfile.yaml.${n}.tmp`));
      for (const p of planted) symlinkSync(victim, p);
      expect((await run('--in-place', file)).code).toBe(0);
      expect(readFileSync(victim, 'utf8')).toBe('ssh-ed25519 AAAA owner\n');
      expect(readFileSync(file, 'utf8')).toBe(readFileSync(join(CASES, 'registry-nodejs.converted.yaml'), 'utf8'));
      expect(statSync(file).mode & 0o777).toBe(0o640);
      for (const p of planted) expect(lstatSync(p).isSymbolicLink()).toBe(true);
      // Nothing else is left behind.
      expect(readdirSync(dir).sort()).toEqual(['.devfile.yaml', ...planted.map((p) => basename(p))].sort());
    } finally {
      rmSync(victimDir, { recursive: true, force: true });
    }
  });

  it('exits 1 and writes nothing when something cannot be converted', async () => {
    const file = copy('refused');
    const before = readFileSync(file, 'utf8');
    const out = join(dir, 'out.yaml');
    const r = await run(file, '-o', out);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
    expect((await run('--in-place', file)).code).toBe(1);
    expect(readFileSync(file, 'utf8')).toBe(before);
    for (const l of r.stderr.trimEnd().split('\n')) expect(l).toMatch(/^.+:\d+:\d+: error: /);
  });

  it('uses --editor-component', async () => {
    const r = await run(copy('editor-marked-twice'), '--editor-component', 'two');
    expect(r.code).toBe(0);
    expect(loadDevfile(r.stdout, { file: 'o.yaml', mode: 'gitlab' }).ok && /- name: two\n {4}attributes:\n {6}gl\/inject-editor: true/.test(r.stdout)).toBe(true);
  });

  it('exits 1 for an unreadable file, with a located line', async () => {
    const r = await run(join(dir, 'missing.yaml'));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`${join(dir, 'missing.yaml')}:1:1: error: cannot read the file: it does not exist\n`);
  });

  it.each([
    [[], /no devfile given/],
    [['a.yaml', 'b.yaml'], /one devfile is converted at a time/],
    [['a.yaml', '-o', 'x.yaml', '--in-place'], /-o and --in-place exclude each other/],
    [['a.yaml', '--editor-component', ''], /--editor-component needs a component name/],
    [['a.yaml', '--mode', 'gitlab'], /unknown option '--mode'/],
  ])('exits 2 for usage errors: %j', async (args, message) => {
    const r = await run(...(args as string[]));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message as RegExp);
    expect(r.stderr).toContain('Usage: gitlab-workspaces convert');
  });

  it('prints its help on stdout', async () => {
    const r = await run('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--in-place');
  });
});

it('the built command converts a file without loading cdktf', () => {
  const file = copy('registry-nodejs');
  const r = spawnSync(process.execPath, [join(REPO, 'bin', 'gitlab-workspaces.js'), 'convert', file], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  expect(r.stdout).toBe(readFileSync(join(CASES, 'registry-nodejs.converted.yaml'), 'utf8'));
  const probe = `require(${JSON.stringify(join(REPO, 'dist', 'lib', 'cli', 'main.js'))}).main(['convert', ${JSON.stringify(file)}])
    .then(() => { const bad = Object.keys(require.cache).filter((m) => /node_modules\\/(cdktf|constructs|@cdktf)\\//.test(m)); process.stderr.write('LOADED' + JSON.stringify(bad)); });`;
  const p = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' });
  expect(p.stderr).toContain('LOADED[]');
}, 30_000);
