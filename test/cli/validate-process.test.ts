/**
 * The real command: `node bin/gitlab-workspaces.js validate ...` as users and CI run it. Needs the build
 * (dist/), which `npm ci` makes through the `prepare` script; skipped with a note when it is absent.
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

const REPO = join(__dirname, '..', '..');
const BIN = join(REPO, 'bin', 'gitlab-workspaces.js');
const fixture = (mode: string, name: string) => join('test', 'devfile', 'fixtures', mode, `${name}.yaml`);

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, 'validate', ...args], { cwd: REPO, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('node bin/gitlab-workspaces.js validate (built CLI)', () => {
  // Each test starts node processes: allow for a busy machine.
  jest.setTimeout(30_000);

  it('exits 0 for a valid devfile', () => {
    expect(cli(fixture('gitlab', 'valid-full'))).toEqual({ code: 0, stdout: `${fixture('gitlab', 'valid-full')}: ok\n`, stderr: '' });
  });

  it('exits 1 with compiler-style lines and no stack trace for bad input', () => {
    for (const name of ['yaml-syntax', 'yaml-alias-bomb', 'root-list', 'reserved-component-name']) {
      const r = cli(fixture('gitlab', name));
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^${fixture('gitlab', name).replace(/[.]/g, '\\.')}:\\d+:\\d+: error: `));
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('checks a devfile with 40k bad list items in linear time, and lists 100 problems and one line with how many more', () => {
    // ajv gathers the errors of each item with Array.concat (quadratic: ~20 s for this file); the build rewrites it.
    const dir = mkdtempSync(join(tmpdir(), 'validate-many-'));
    try {
      const file = join(dir, 'devfile.yaml');
      writeFileSync(file, `schemaVersion: 2.2.0\ncomponents:\n${'  - 1\n'.repeat(40_000)}`);
      const t0 = Date.now();
      const r = cli(file);
      expect(Date.now() - t0).toBeLessThan(10_000);
      expect(r.code).toBe(1);
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(101);
      expect(lines[100]).toMatch(/^.+:\d+:\d+: error: components\[\d+\]: and \d+ more problems from here on \(only the first 100 are listed\)$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 2 for an unknown option', () => {
    const r = cli('--nope', fixture('gitlab', 'valid-full'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: gitlab-workspaces validate');
  });

  it('ends quietly, with its exit code, when the reader closes the output early (`| head`)', () => {
    // Enough output (the GitLab fixtures ten times over, about 600 KB) to fill the pipe, so writes fail
    // with EPIPE after `head` exits. (Fixtures of the repository: the test runs in every clone.)
    const fixtures = join('test', 'devfile', 'fixtures', 'gitlab');
    const files = Array.from({ length: 10 }, () => `${JSON.stringify(fixtures)}/*.yaml`).join(' ');
    const script = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} validate --format json ${files} | head -c 1 >/dev/null; echo "exit=\${PIPESTATUS[0]}" >&2`;
    const r = spawnSync('bash', ['-c', script], { cwd: REPO, encoding: 'utf8' });
    expect(r.stderr).toBe('exit=1\n');
  });

  it('does not load cdktf or provider packages', () => {
    const probe = `require(${JSON.stringify(join(REPO, 'dist', 'lib', 'cli', 'main.js'))}).main(['validate', ${JSON.stringify(fixture('gitlab', 'valid-full'))}])
      .then(() => { const bad = Object.keys(require.cache).filter((m) => /node_modules\\/(cdktf|constructs|@cdktf)\\//.test(m)); process.stderr.write(JSON.stringify(bad)); });`;
    const r = spawnSync(process.execPath, ['-e', probe], { cwd: REPO, encoding: 'utf8' });
    expect(r.stderr).toBe('[]');
  });

  it('renders without loading cdktf either (the renderer derives the agent server address with lib/common/gitlab-urls, which imports nothing)', () => {
    const devfile = join(REPO, 'examples', 'smoke-workspace', 'devfile.yaml');
    const probe = `process.stdout.write = () => true; require(${JSON.stringify(join(REPO, 'dist', 'lib', 'cli', 'main.js'))}).main(['render', ${JSON.stringify(devfile)}, '--gitlab-url', 'https://gitlab.acme.dev/gitlab'])
      .then((code) => { const bad = Object.keys(require.cache).filter((m) => /node_modules\\/(cdktf|constructs|@cdktf)\\//.test(m)); process.stderr.write(code + JSON.stringify(bad)); });`;
    const r = spawnSync(process.execPath, ['-e', probe], { cwd: REPO, encoding: 'utf8' });
    expect(r.stderr).toBe('0[]');
  });
});

describe('the bundled commands (dist/cli, scripts/build-cli.js)', () => {
  jest.setTimeout(60_000);
  const DIST_MAIN = join(REPO, 'dist', 'lib', 'cli', 'main.js');

  /** `main` as the launcher runs it (bundles), or with the modules of dist/lib (no loader). */
  function runMain(args: string[], bundled: boolean) {
    const loader = bundled ? `{ loadCommand: require(${JSON.stringify(join(REPO, 'dist', 'lib', 'cli', 'code-cache.js'))}).bundledCommandLoader(${JSON.stringify(join(REPO, 'dist', 'cli'))}) }` : '{}';
    const probe = `require(${JSON.stringify(DIST_MAIN)}).main(${JSON.stringify(args)}, ${loader}).then((c) => { process.exitCode = c; });`;
    const r = spawnSync(process.execPath, ['-e', probe], { cwd: REPO, encoding: 'utf8' });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  it('load a handful of files, not the ~107 modules of dist/lib and node_modules', () => {
    // Every file the process loads through require (the bundle itself is read by the code-cache loader).
    const probe = join(REPO, 'test', 'cli', 'fixtures', 'list-loaded-modules.js');
    const r = spawnSync(process.execPath, ['-r', probe, BIN, 'validate', fixture('gitlab', 'valid-full')], { cwd: REPO, encoding: 'utf8' });
    expect(r.status).toBe(0);
    const loaded = (JSON.parse(r.stderr) as string[]).map((f) => f.replace(REPO, '.'));
    expect(loaded).toEqual(['./bin/gitlab-workspaces.js', './dist/lib/cli/main.js', './dist/lib/cli/code-cache.js']);
  });

  it('use the code cache the build wrote (V8 accepts it)', () => {
    for (const command of ['validate', 'render', 'convert', 'doctor']) {
      const file = join(REPO, 'dist', 'cli', `${command}.js`);
      const probe = `process.stdout.write(String(require(${JSON.stringify(join(REPO, 'dist', 'lib', 'cli', 'code-cache.js'))}).loadBundle(${JSON.stringify(file)}).usedCodeCache))`;
      // As the launcher normally runs: a plain node (the build makes the cache without NODE_OPTIONS too).
      const env = { ...process.env };
      delete env.NODE_OPTIONS;
      expect(spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8', env }).stdout).toBe('true');
    }
  });

  it('print exactly what the unbundled modules print, for valid, invalid and unreadable files in every format', () => {
    const fixtures = readdirSync(join(REPO, 'test', 'devfile', 'fixtures', 'gitlab')).filter((f) => f.endsWith('.yaml')).map((f) => join('test', 'devfile', 'fixtures', 'gitlab', f));
    for (const args of [
      ['validate', ...fixtures, 'missing.yaml', 'test'],
      ['validate', '--format', 'json', ...fixtures],
      ['validate', '--format', 'codequality', ...fixtures.slice(0, 10)],
      ['render', join('examples', 'smoke-workspace', 'devfile.yaml'), '--format', 'json'],
      ['convert', join('test', 'devfile', 'convert-fixtures', 'container-overrides.yaml')],
      ['convert', fixture('gitlab', 'component-kubernetes')],
      ['doctor', '--help'],
      ['doctor', '--format', 'xml'],
    ]) {
      expect({ args, ...runMain(args, true) }).toEqual({ args, ...runMain(args, false) });
    }
  });
});

