/**
 * Reading an input file for a checker, which may run in CI on files anyone can propose: only regular
 * files are read (a FIFO would hang, `/dev/zero` never ends), the size cap holds while reading (not only
 * as the size a stat reports), and a symbolic link, or a path through one, whose real target lies outside
 * the working directory is refused with the target named (a merge request could otherwise point a devfile
 * at a file of the CI runner and have parts of it quoted in error messages). Links that stay inside the
 * working directory are followed. Every I/O failure becomes a diagnostic, never an exception. The only
 * I/O helper the checkers share; the CLI, `readDevfileFile` and the stack config loader use it.
 */
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, Stats } from 'fs';
import { isAbsolute, relative, resolve } from 'path';
import { Diagnostic } from './diagnostics';

export type ReadTextResult = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly diagnostic: Diagnostic };

export interface ReadTextOptions {
  /** Name used in diagnostics (default: the path). */
  readonly file?: string;
  /** Refuse larger files, from their size and while reading. */
  readonly maxBytes?: number;
  /** Rule id prefix, e.g. `devfile` gives `devfile/unreadable` and `devfile/too-large`. */
  readonly rulePrefix?: string;
  /** Symbolic links are followed only to targets inside this directory (default: the working directory). */
  readonly linksWithin?: string;
}

// Not blocking on open: a FIFO would otherwise wait for a writer before fstat could refuse it. Not
// following a final link: the path opened is the already resolved one, so a link there is a swap.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0);
const CHUNK = 64 * 1024;

export function readTextFile(path: string, options: ReadTextOptions = {}): ReadTextResult {
  const file = options.file ?? path;
  const prefix = options.rulePrefix ?? 'file';
  const fail = (rule: string, message: string): ReadTextResult => ({
    ok: false,
    diagnostic: { severity: 'error', file, line: 1, column: 1, path: '', message, rule: `${prefix}/${rule}` },
  });
  let fd: number | undefined;
  try {
    const absolute = resolve(path);
    const real = realpathSync(absolute);
    if (real !== absolute) {
      const within = realpathSync(options.linksWithin ?? process.cwd());
      const rel = relative(within, real);
      if (rel.startsWith('..') || isAbsolute(rel)) {
        return fail('unreadable', `cannot read the file: it is a symbolic link, or its path goes through one, to ${real}, which is outside the working directory ${within}; links are followed only to files inside it`);
      }
    }
    fd = openSync(real, OPEN_FLAGS);
    const stat = fstatSync(fd);
    if (!stat.isFile()) return fail('unreadable', `cannot read the file: it is ${kindOf(stat)}${stat.isDirectory() ? '' : '; only regular files are read'}`);
    if (options.maxBytes !== undefined && stat.size > options.maxBytes) {
      return fail('too-large', `the file is ${stat.size} bytes; at most ${options.maxBytes} bytes (${formatBytes(options.maxBytes)}) are allowed`);
    }
    const text = readCapped(fd, options.maxBytes);
    if (text === undefined) {
      return fail('too-large', `the file is more than ${options.maxBytes} bytes; at most ${options.maxBytes} bytes (${formatBytes(options.maxBytes!)}) are allowed`);
    }
    return { ok: true, text };
  } catch (err) {
    return fail('unreadable', `cannot read the file: ${ioReason(err)}`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The whole file as UTF-8, or undefined as soon as it holds more than `maxBytes` (a file can grow after fstat). */
function readCapped(fd: number, maxBytes: number | undefined): string | undefined {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const buffer = Buffer.allocUnsafe(CHUNK);
    const n = readSync(fd, buffer, 0, CHUNK, null);
    if (n === 0) break;
    total += n;
    if (maxBytes !== undefined && total > maxBytes) return undefined;
    chunks.push(n === CHUNK ? buffer : buffer.subarray(0, n));
  }
  return Buffer.concat(chunks, total).toString('utf8');
}

function kindOf(stat: Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a named pipe (FIFO)';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

function ioReason(err: unknown): string {
  const code = (err as { code?: string } | null)?.code;
  switch (code) {
    case 'ENOENT': return 'it does not exist';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'EISDIR': return 'it is a directory';
    case 'ENOTDIR': return 'a part of the path is not a directory';
    case 'ELOOP': return 'it is a symbolic link that was changed while it was read, or a loop of links';
    default: return err instanceof Error ? err.message.split('\n')[0] : String(err);
  }
}

function formatBytes(n: number): string {
  return n % (1024 * 1024) === 0 ? `${n / (1024 * 1024)} MB` : `${n} bytes`;
}
