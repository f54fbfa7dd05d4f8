/**
 * The installed command, `node bin/gitlab-workspaces.js preflight`, from its bundle (dist/cli/preflight.js,
 * which carries the AWS SDK: the package has no run-time dependency on it). Without any credentials in the
 * environment, and with the instance metadata lookup off, the SDK's credential chain fails before any
 * request: nothing touches the network. Skipped with a note when dist/ is not built.
 */
import { spawnSync } from 'child_process';
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { PREFLIGHT_USAGE } from '../../lib/cli/preflight';

const REPO = join(__dirname, '..', '..');
const BIN = join(REPO, 'bin', 'gitlab-workspaces.js');
const BUNDLE = join(REPO, 'dist', 'cli', 'preflight.js');
const built = existsSync(BUNDLE) && existsSync(join(REPO, 'dist', 'lib', 'cli', 'main.js'));

/** An environment with no AWS credentials anywhere the SDK looks. */
const NO_CREDENTIALS: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: join(REPO, 'no-such-home'),
  AWS_CONFIG_FILE: join(REPO, 'no-such-aws-config'),
  AWS_SHARED_CREDENTIALS_FILE: join(REPO, 'no-such-aws-credentials'),
  AWS_EC2_METADATA_DISABLED: 'true',
};

(built ? describe : describe.skip)('node bin/gitlab-workspaces.js preflight (built CLI)', () => {
  jest.setTimeout(30_000);

  it('prints its help from the bundle', () => {
    const r = spawnSync(process.execPath, [BIN, 'preflight', '--help'], { cwd: REPO, encoding: 'utf8', env: NO_CREDENTIALS });
    expect({ code: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 0, stdout: PREFLIGHT_USAGE, stderr: '' });
  });

  it('exits 2 without credentials, with one clear line and no stack trace', () => {
    const r = spawnSync(process.execPath, [BIN, 'preflight', join('examples', 'default', 'workspaces.config.yaml'), '--format', 'json'], { cwd: REPO, encoding: 'utf8', env: NO_CREDENTIALS });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^gitlab-workspaces preflight: no usable AWS credentials \(.+\): run it with read-only credentials/m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr).not.toContain('NodeVersionSupportWarning');
  });

  it('carries the SDK in the bundle, and the package does not depend on it at run time', () => {
    expect(readFileSync(BUNDLE, 'utf8')).toContain('GetCallerIdentity');
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(pkg.dependencies).filter((d) => d.startsWith('@aws-sdk/') || d.startsWith('@smithy/'))).toEqual([]);
  });
});

if (!built) it.skip('dist/ is not built (run `npm run build`): process tests skipped', () => undefined);
