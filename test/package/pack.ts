/**
 * Packing the library as npm publishes it (`npm pack`), for the tests that check what a consumer gets.
 * The package is built from dist/, which `npm ci` builds (prepare); when a source is newer than the build,
 * it is rebuilt first, so the tests never check a stale package.
 */
import { spawnSync, SpawnSyncReturns } from 'child_process';
import { mkdirSync, rmSync } from 'fs';
import { join } from 'path';

export const ROOT = join(__dirname, '..', '..');

/** Runs a command in `cwd`, failing with its output when it exits non-zero. */
export function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} (in ${cwd}) exited ${result.status ?? result.signal}:\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}

/**
 * Rebuilds dist/ when a source changed since the last build (as scripts/cdktf-app.js decides). Jest runs
 * test files in parallel and the build starts from an empty dist/, so one process builds at a time (a lock
 * directory beside dist/) and the others wait for it, then check again.
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
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500); // another test file is building
      continue;
    }
    try {
      if (!upToDate(ROOT)) run('npm', ['run', 'build', '--silent'], ROOT);
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

export interface PackedFile {
  readonly path: string;
  readonly size: number;
}

export interface Packed {
  /** The tarball's file name (in the destination folder). */
  readonly filename: string;
  readonly files: readonly PackedFile[];
}

/** `npm pack` (without the prepare script: ensureBuilt has built dist/), into `destination` or as a dry run. */
export function pack(destination?: string): Packed {
  ensureBuilt();
  const args = ['pack', '--json', '--ignore-scripts', ...(destination ? ['--pack-destination', destination] : ['--dry-run'])];
  const out = run('npm', args, ROOT).stdout;
  const [packed] = JSON.parse(out.slice(out.indexOf('['))) as Packed[];
  return packed;
}
