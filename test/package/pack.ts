/**
 * Packing the library as npm publishes it (`npm pack`), for the tests that check what a consumer gets.
 * The package is built from dist/, which `npm ci` builds (prepare); when a source is newer than the build,
 * jest's global setup rebuilds it first, so the tests never check a stale package.
 */
import { spawnSync, SpawnSyncReturns } from 'child_process';
import { join } from 'path';
import { ensureBuilt } from '../setup/build';

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
 * dist/ is up to date for every test file: jest's global setup (test/setup/build.ts) rebuilds it before
 * any test runs when a source changed. Run outside jest, this does the same.
 */
export { ensureBuilt };

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
