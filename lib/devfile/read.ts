/** The devfile loader's one I/O function: read a file (size-checked before reading), then load it. */
import { Result } from '../common/diagnostics';
import { readTextFile } from '../common/read-file';
import { loadDevfile, LoadDevfileOptions, MAX_DEVFILE_BYTES } from './load';
import { Devfile } from './model';

/**
 * Reads and loads a devfile. Files over 3 MB are refused from their size, before reading; an unreadable
 * file is a diagnostic. Never throws. `options.file` (the name in diagnostics) defaults to `path`.
 */
export function readDevfileFile(path: string, options: Omit<LoadDevfileOptions, 'file'> & { readonly file?: string } = {}): Result<Devfile> {
  const file = options.file ?? path;
  const read = readTextFile(path, { file, maxBytes: MAX_DEVFILE_BYTES, rulePrefix: 'devfile' });
  if (!read.ok) return { ok: false, diagnostics: [read.diagnostic] };
  return loadDevfile(read.text, { ...options, file });
}
