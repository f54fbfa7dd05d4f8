/**
 * The real command: `node bin/gitlab-workspaces.js validate ...` as users and CI run it. Needs the build
 * (dist/), which `npm ci` makes through the `prepare` script; skipped with a note when it is absent.
 */
import { spawnSync } from 'child_process';
import { existsSync } from 'fs';
import { join } from 'path';

const REPO = join(__dirname, '..', '..');
const BIN = join(REPO, 'bin', 'gitlab-workspaces.js');
const built = existsSync(join(REPO, 'dist', 'lib', 'cli', 'validate.js'));
const fixture = (mode: string, name: string) => join('test', 'devfile', 'fixtures', mode, `${name}.yaml`);

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, 'validate', ...args], { cwd: REPO, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

(built ? describe : describe.skip)('node bin/gitlab-workspaces.js validate (built CLI)', () => {
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

  it('exits 2 for an unknown option', () => {
    const r = cli('--nope', fixture('gitlab', 'valid-full'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: gitlab-workspaces validate');
  });

  it('ends quietly, with its exit code, when the reader closes the output early (`| head`)', () => {
    // Enough output (about 250 KB) to fill the pipe, so writes fail with EPIPE after `head` exits.
    const corpus = join(REPO, '..', 'shared', 'corpus', 'devfile-registry');
    if (!existsSync(corpus)) return;
    const files = Array.from({ length: 3 }, () => `${JSON.stringify(corpus)}/*.yaml`).join(' ');
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

if (!built) it.skip('dist/ is not built (run `npm run build`): process tests skipped', () => undefined);
