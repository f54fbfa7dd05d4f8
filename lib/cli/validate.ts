/**
 * `gitlab-workspaces validate <file>... [--mode gitlab|devfile] [--editor-component NAME]
 *  [--format text|json|codequality|junit] [--gitlab-version VERSION]`
 *
 * Exit 0 when every file is valid, 1 when any is invalid or unreadable, 2 for a usage error. Text format:
 * problems on stderr, one `<file>:<line>:<col>: error|warning: <message>` line each and nothing else (so
 * every stderr line is something an editor or CI can annotate); one `<file>: ok` line on stdout per valid
 * file. JSON format: one array on stdout, nothing on stderr. Code Quality and JUnit formats (./reports.ts):
 * the report on stdout, for a CI artifact, and the text lines on stderr, for the job log.
 * Loads only the devfile checker (no cdktf, no providers).
 */
import { readDevfileFile } from '../devfile';
import { choiceOption, CliIo, devfileModeOptions, EXIT_INVALID, EXIT_OK, FILES_USAGE, GITLAB_VERSION_USAGE, gitlabVersionOption, guard, parseCliArgs, printDiagnostics, processIo, usageError } from './io';
import type { ValidationReport } from './reports';

export type { ValidationReport } from './reports';

export const VALIDATE_USAGE = `Usage: gitlab-workspaces validate <file>... [options]

Checks devfiles against GitLab's workspace rules: the devfile schema, then every GitLab restriction.

Options:
  --mode gitlab|devfile      gitlab (default): GitLab's rules exactly. devfile: devfiles written for other
                             tools (schemaVersion 2.0.0-2.3.x, composite commands, projects ignored)
  --editor-component NAME    devfile mode: the container that gets the editor when no component has
                             the attribute gl/inject-editor (default: the first container that
                             runs as a container, not only as a preStart init container)
  --format FORMAT            text (default): one line per problem on stderr,
                               <file>:<line>:<col>: error|warning: <path>: <message>
                             and "<file>: ok" on stdout for each valid file.
                             json: on stdout, one entry per file:
                               [{file, valid, diagnostics: [{severity, file, line, column, path, message, rule}]}]
                             codequality: a GitLab Code Quality report on stdout (artifacts:reports:codequality),
                               problems also on stderr as in text
                             junit: a JUnit XML report on stdout, one test case per devfile
                               (artifacts:reports:junit), problems also on stderr as in text
${GITLAB_VERSION_USAGE}  -h, --help                 show this help

Warnings (e.g. a {{variable}} that names no variable) do not make a file invalid.

${FILES_USAGE}
Exit status: 0 all files valid, 1 a file is invalid or unreadable, 2 usage error.
`;

const FORMATS = ['text', 'json', 'codequality', 'junit'] as const;

export async function runValidate(argv: string[], io: CliIo = processIo): Promise<number> {
  return guard(io, 'validate', () => validateCommand(argv, io));
}

function validateCommand(argv: string[], io: CliIo): number {
  const parsed = parseCliArgs({
    args: argv,
    allowPositionals: true,
    options: {
      mode: { type: 'string' },
      'editor-component': { type: 'string' },
      format: { type: 'string' },
      'gitlab-version': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (!parsed.ok) return usageError(io, 'validate', parsed.message, VALIDATE_USAGE);
  const { values, positionals } = parsed.args;
  if (values.help) {
    io.stdout(VALIDATE_USAGE);
    return EXIT_OK;
  }
  const modeOptions = devfileModeOptions(values);
  if (!modeOptions.ok) return usageError(io, 'validate', modeOptions.message, VALIDATE_USAGE);
  const { mode, editorComponent } = modeOptions;
  const format = choiceOption('format', values.format, FORMATS, 'text');
  if (!format.ok) return usageError(io, 'validate', format.message, VALIDATE_USAGE);
  if (positionals.length === 0) return usageError(io, 'validate', 'no devfile given', VALIDATE_USAGE);
  const gitlabVersion = gitlabVersionOption(values['gitlab-version']);
  if (!gitlabVersion.ok) return usageError(io, 'validate', gitlabVersion.message, VALIDATE_USAGE);

  const reports: ValidationReport[] = positionals.map((file) => {
    const result = readDevfileFile(file, { mode, gitlabVersion: gitlabVersion.value, ...(editorComponent !== undefined ? { editorComponent } : {}) });
    return { file, valid: result.ok, diagnostics: result.diagnostics };
  });

  if (format.value === 'json') {
    io.stdout(`${JSON.stringify(reports, null, 2)}\n`);
  } else if (format.value === 'codequality' || format.value === 'junit') {
    for (const r of reports) printDiagnostics(r.diagnostics, io.stderr);
    // Loaded only for these formats (the Code Quality fingerprints load `crypto`).
    const { codeQualityText, junitText } = require('./reports') as typeof import('./reports');
    io.stdout(format.value === 'codequality' ? codeQualityText(reports, process.cwd()) : junitText(reports, process.cwd()));
  } else {
    // Files in command-line order, each file's problems top to bottom.
    for (const r of reports) {
      printDiagnostics(r.diagnostics, io.stderr);
      if (r.valid) io.stdout(`${r.file}: ok\n`);
    }
  }
  return reports.every((r) => r.valid) ? EXIT_OK : EXIT_INVALID;
}
