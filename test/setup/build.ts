/**
 * dist/ as the tests that run the built code need it (the CLI bundles, the package, the cdktf app): `npm ci`
 * builds it (the prepare script); when a source changed since, it is rebuilt once, by jest's global setup,
 * before any test file runs. (Rebuilding from inside a test file would empty dist/ under the others.)
 */
import { spawnSync } from 'child_process';
import { mkdirSync, rmSync } from 'fs';
import { join } from 'path';

const ROOT = join(__dirname, '..', '..');

/**
 * Rebuilds dist/ when a source changed since the last build (as scripts/cdktf-app.js decides). One process
 * builds at a time (a lock directory beside dist/); another waits for it, then checks again.
 */
export function ensureBuilt(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { upToDate } = require('../../scripts/cdktf-app.js') as { upToDate(root: string): boolean };
  const lock = join(ROOT, '.build-lock');
  const deadline = Date.now() + 300_000;
  while (!upToDate(ROOT)) {
    try {
      mkdirSync(lock);
    } catch {
      if (Date.now() > deadline) throw new Error(`${lock} has been held for 5 minutes: remove it if no build is running`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
      continue;
    }
    try {
      if (!upToDate(ROOT)) {
        process.stderr.write('\nSources changed since the last build: rebuilding dist/ (npm run build) for the tests that run it.\n');
        const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, encoding: 'utf8' });
        if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}\n${build.stderr}`);
      }
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}
