/**
 * `gitlab-workspaces convert <devfile> [-o FILE | --in-place] [--editor-component NAME]`
 *
 * Rewrites a devfile written for other tools so GitLab accepts it, editing the YAML in place (comments,
 * key order and formatting stay where no value changes). Each change is one `<file>:<line>:<col>: note:`
 * line on stderr; what cannot be converted is an `error:` line and nothing is written. The converted
 * devfile goes to stdout, to `-o FILE`, or back into the file with `--in-place`.
 * Exit 0 converted (it passes GitLab's rules), 1 refused or unreadable, 2 usage error. Loads no cdktf.
 */
import { randomBytes } from 'crypto';
import { closeSync, openSync, renameSync, statSync, unlinkSync, writeFileSync } from 'fs';
import { basename, dirname, join } from 'path';
import { readTextFile } from '../common/read-file';
import { MAX_DEVFILE_BYTES } from '../devfile';
import { convertDevfile } from '../devfile/convert';
import { CliIo, EXIT_INVALID, EXIT_OK, FILES_USAGE, guard, parseCliArgs, printDiagnostics, processIo, usageError } from './io';

export const CONVERT_USAGE = `Usage: gitlab-workspaces convert <devfile> [options]

Rewrites a devfile written for other tools (the devfile registry, Che, odo) so that GitLab workspaces
accept it: schemaVersion 2.2.0, projects removed, the editor container marked gl/inject-editor,
composite commands expanded into the events that run them, exec options GitLab refuses dropped,
names that clash with GitLab's renamed, container-overrides resources folded into the container.
Comments, key order and formatting are kept wherever no value changes.

Each change is printed on stderr as <file>:<line>:<col>: note: <path>: <what changed>.
What cannot be converted without guessing (a parent, kubernetes/openshift/image components,
pod-overrides) is an error line saying what to do instead, and nothing is written.

Options:
  -o, --output FILE          write the converted devfile to FILE (default: stdout)
  --in-place                 rewrite <devfile> itself (only when something changed)
  --editor-component NAME    the container that gets the editor when none has the attribute
                             gl/inject-editor (default: the first container that runs as a container)
  -h, --help                 show this help

${FILES_USAGE}
Exit status: 0 converted (the result passes GitLab's rules), 1 refused or unreadable (nothing
written), 2 usage error.
`;

export async function runConvert(argv: string[], io: CliIo = processIo): Promise<number> {
  return guard(io, 'convert', () => convertCommand(argv, io));
}

function convertCommand(argv: string[], io: CliIo): number {
  const parsed = parseCliArgs({
    args: argv,
    allowPositionals: true,
    options: {
      output: { type: 'string', short: 'o' },
      'in-place': { type: 'boolean' },
      'editor-component': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (!parsed.ok) return usageError(io, 'convert', parsed.message, CONVERT_USAGE);
  const { values, positionals } = parsed.args;
  if (values.help) {
    io.stdout(CONVERT_USAGE);
    return EXIT_OK;
  }
  if (positionals.length !== 1) {
    return usageError(io, 'convert', positionals.length === 0 ? 'no devfile given' : `one devfile is converted at a time; got ${positionals.length}: ${positionals.join(', ')}`, CONVERT_USAGE);
  }
  if (values.output !== undefined && values['in-place']) return usageError(io, 'convert', '-o and --in-place exclude each other', CONVERT_USAGE);
  if (values.output === '') return usageError(io, 'convert', '-o needs a file name', CONVERT_USAGE);
  const editorComponent = values['editor-component'];
  if (editorComponent !== undefined && editorComponent.trim() === '') return usageError(io, 'convert', '--editor-component needs a component name', CONVERT_USAGE);

  const file = positionals[0];
  const read = readTextFile(file, { maxBytes: MAX_DEVFILE_BYTES, rulePrefix: 'devfile' });
  if (!read.ok) {
    printDiagnostics([read.diagnostic], io.stderr);
    return EXIT_INVALID;
  }
  const result = convertDevfile(read.text, { file, ...(editorComponent !== undefined && { editorComponent }) });
  printDiagnostics(result.diagnostics, io.stderr);
  if (!result.ok) return EXIT_INVALID;
  if (!result.changed) io.stderr(`${file}: GitLab accepts it as it is; nothing changed\n`);

  if (values['in-place']) {
    if (result.changed) return writeOrFail(io, file, result.text);
  } else if (values.output !== undefined) {
    return writeOrFail(io, values.output, result.text);
  } else {
    io.stdout(result.text);
  }
  return EXIT_OK;
}

/**
 * Writes `text` to `path` through a temporary file in the same folder and a rename, so a failed write
 * never leaves half a devfile. The temporary file has a random name and is created exclusively
 * (O_CREAT|O_EXCL: an existing file or a link planted at that name makes the open fail rather than be
 * followed), so nothing outside the folder can be written through it.
 */
function writeOrFail(io: CliIo, path: string, text: string): number {
  // Set only once this process has created the file: never remove a file someone else put there.
  let temp: string | undefined;
  try {
    const mode = existingMode(path);
    let fd: number | undefined;
    for (let attempt = 0; fd === undefined; attempt++) {
      const name = join(dirname(path), `.${basename(path)}.${randomBytes(8).toString('hex')}.tmp`);
      try {
        fd = openSync(name, 'wx', mode);
        temp = name;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 4) throw err;
      }
    }
    try {
      writeFileSync(fd, text);
    } finally {
      closeSync(fd);
    }
    renameSync(temp!, path);
    temp = undefined;
    return EXIT_OK;
  } catch (err) {
    if (temp !== undefined) {
      try {
        unlinkSync(temp);
      } catch {
        // Already gone.
      }
    }
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    io.stderr(`${path}:1:1: error: cannot write the converted devfile: ${reason}\n`);
    return EXIT_INVALID;
  }
}

/** The permission bits of the file being replaced (kept by the rewrite), or the default for a new file. */
function existingMode(path: string): number {
  try {
    return statSync(path).mode & 0o777;
  } catch {
    return 0o666;
  }
}
