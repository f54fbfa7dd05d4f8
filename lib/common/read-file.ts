/**
 * Reading an input file for a checker: stat first and refuse files over a size cap before reading,
 * and turn every I/O failure into a diagnostic (never an exception). The only I/O helper the checkers
 * share; the CLI and `readDevfileFile` use it.
 */
import { readFileSync, statSync } from 'fs';
import { Diagnostic } from './diagnostics';

export type ReadTextResult = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly diagnostic: Diagnostic };

export interface ReadTextOptions {
  /** Name used in diagnostics (default: the path). */
  readonly file?: string;
  /** Refuse larger files without reading them. */
  readonly maxBytes?: number;
  /** Rule id prefix, e.g. `devfile` gives `devfile/unreadable` and `devfile/too-large`. */
  readonly rulePrefix?: string;
}

export function readTextFile(path: string, options: ReadTextOptions = {}): ReadTextResult {
  const file = options.file ?? path;
  const prefix = options.rulePrefix ?? 'file';
  const fail = (rule: string, message: string): ReadTextResult => ({
    ok: false,
    diagnostic: { severity: 'error', file, line: 1, column: 1, path: '', message, rule: `${prefix}/${rule}` },
  });
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) return fail('unreadable', 'cannot read the file: it is a directory');
    if (options.maxBytes !== undefined && stat.size > options.maxBytes) {
      return fail('too-large', `the file is ${stat.size} bytes; at most ${options.maxBytes} bytes (${formatBytes(options.maxBytes)}) are allowed`);
    }
    return { ok: true, text: readFileSync(path, 'utf8') };
  } catch (err) {
    return fail('unreadable', `cannot read the file: ${ioReason(err)}`);
  }
}

function ioReason(err: unknown): string {
  const code = (err as { code?: string } | null)?.code;
  switch (code) {
    case 'ENOENT': return 'it does not exist';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'EISDIR': return 'it is a directory';
    case 'ENOTDIR': return 'a part of the path is not a directory';
    default: return err instanceof Error ? err.message.split('\n')[0] : String(err);
  }
}

function formatBytes(n: number): string {
  return n % (1024 * 1024) === 0 ? `${n / (1024 * 1024)} MB` : `${n} bytes`;
}
