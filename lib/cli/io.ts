/**
 * What every subcommand shares: where output goes (injectable for tests), printing diagnostics in the
 * compiler-style format, and option parsing errors as usage errors (exit 2).
 */
import { parseArgs, ParseArgsConfig } from 'util';
import { Diagnostic, formatDiagnostic, sortDiagnostics } from '../common/diagnostics';
import type { DevfileMode } from '../devfile/model';
import { DEFAULT_GITLAB_VERSION, GitLabVersion, parseGitLabVersion } from '../common/gitlab-version';

export { readTextFile } from '../common/read-file';

/** Output streams of a command; tests pass collectors. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

export const processIo: CliIo = {
  stdout: (text) => {
    endQuietlyOnClosedPipe();
    process.stdout.write(text);
  },
  stderr: (text) => {
    endQuietlyOnClosedPipe();
    process.stderr.write(text);
  },
};

let pipeHandlersInstalled = false;

/**
 * When the reader of our output goes away (`... | head -1`), Node reports EPIPE as an unhandled stream
 * error with a stack trace. Nothing more can be read by anyone then: drop the rest of the output, and
 * let the command finish with its own exit code.
 */
function endQuietlyOnClosedPipe(): void {
  if (pipeHandlersInstalled) return;
  pipeHandlersInstalled = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') return;
      throw err;
    });
  }
}

/** Every command's help on which files it reads (the rules of lib/common/read-file.ts). */
export const FILES_USAGE = `Input files: only regular files are read (not FIFOs, devices or directories), and reading stops
at the size cap. A symbolic link, or a path through one, is followed only when its real target is
inside the working directory; one that leads outside it is refused, naming the target.
`;

/** Exit codes shared by every subcommand. */
export const EXIT_OK = 0;
export const EXIT_INVALID = 1;
export const EXIT_USAGE = 2;

/** One `<file>:<line>:<col>: <severity>: <message>` line per diagnostic, in file order. */
export function printDiagnostics(diagnostics: readonly Diagnostic[], write: (text: string) => void): void {
  for (const d of sortDiagnostics(diagnostics)) write(`${formatDiagnostic(d)}\n`);
}

export type ParsedArgs<T extends ParseArgsConfig> = ReturnType<typeof parseArgs<T>>;

/**
 * `util.parseArgs` (strict unless the config says otherwise: unknown options and missing option values
 * are errors); a bad option becomes a usage error message instead of an exception.
 */
export function parseCliArgs<T extends ParseArgsConfig>(
  config: T,
): { ok: true; args: ParsedArgs<T> } | { ok: false; message: string } {
  let args: ParsedArgs<T> & { tokens?: Array<{ kind: string; name?: string }> };
  try {
    args = parseArgs({ ...config, tokens: true }) as typeof args;
  } catch (err) {
    return { ok: false, message: usageMessage(err) };
  }
  // parseArgs keeps the last of a repeated single-value option; silently dropping one is a trap.
  const seen = new Set<string>();
  for (const t of args.tokens ?? []) {
    if (t.kind !== 'option' || !t.name) continue;
    const option = config.options?.[t.name];
    if (option && !option.multiple && option.type === 'string') {
      if (seen.has(t.name)) return { ok: false, message: `option '--${t.name}' is given more than once` };
      seen.add(t.name);
    }
  }
  delete args.tokens;
  return { ok: true, args };
}

/** Node's parseArgs messages, shortened to what a user needs (the unknown option's own text). */
function usageMessage(err: unknown): string {
  const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
  const code = (err as { code?: string } | null)?.code;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const option = /'([^']+)'/.exec(message)?.[1];
    if (option) return `unknown option '${option}'`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const option = /'(-[^' ]+)/.exec(message)?.[1];
    if (option && /argument missing/.test(message)) return `option '${option}' needs a value`;
  }
  return message;
}

/** Prints `<command>: <message>` and the usage text on stderr; returns the usage exit code. */
export function usageError(io: CliIo, command: string, message: string, usage: string): number {
  io.stderr(`gitlab-workspaces ${command}: ${message}\n\n${usage}`);
  return EXIT_USAGE;
}

/** Runs a command body; an unexpected exception becomes one stderr line and exit 1, never a stack trace. */
export async function guard(io: CliIo, command: string, body: () => Promise<number> | number): Promise<number> {
  try {
    return await body();
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    io.stderr(`gitlab-workspaces ${command}: internal error: ${message}\n`);
    return EXIT_INVALID;
  }
}

/** The value of an option that takes one of a fixed set of words, or the usage message when it is none of them. */
export function choiceOption<T extends string>(
  option: string,
  value: string | undefined,
  allowed: readonly T[],
  fallback: T,
): { ok: true; value: T } | { ok: false; message: string } {
  const v = value ?? fallback;
  return (allowed as readonly string[]).includes(v)
    ? { ok: true, value: v as T }
    : { ok: false, message: `--${option} must be one of: ${allowed.join(', ')} (got "${v}")` };
}

const DEVFILE_MODES: readonly DevfileMode[] = ['gitlab', 'devfile'];

/** `--mode` and `--editor-component`, shared by every command that loads a devfile. */
export function devfileModeOptions(values: { mode?: string; 'editor-component'?: string }):
  | { ok: true; mode: DevfileMode; editorComponent?: string }
  | { ok: false; message: string } {
  const mode = choiceOption('mode', values.mode, DEVFILE_MODES, 'gitlab');
  if (!mode.ok) return mode;
  const editorComponent = values['editor-component'];
  if (editorComponent !== undefined && mode.value !== 'devfile') {
    return { ok: false, message: '--editor-component applies only with --mode devfile (GitLab mode requires the attribute gl/inject-editor)' };
  }
  return { ok: true, mode: mode.value, ...(editorComponent !== undefined && { editorComponent }) };
}

/** `--gitlab-version`, shared by every command whose rules or output differ by GitLab version. */
export function gitlabVersionOption(value: string | undefined): { ok: true; value: GitLabVersion } | { ok: false; message: string } {
  if (value === undefined) return { ok: true, value: DEFAULT_GITLAB_VERSION };
  const parsed = parseGitLabVersion(value);
  return parsed.ok ? parsed : { ok: false, message: `--gitlab-version: ${parsed.message}` };
}

/** The usage lines of `--gitlab-version`, the same in every command. */
export const GITLAB_VERSION_USAGE = `  --gitlab-version VERSION   the GitLab version to follow, 18.2 to 18.9 (default: ${DEFAULT_GITLAB_VERSION})
`;

/** `--resolve HOST:PORT:ADDRESS` and `--connect-to HOST:PORT:HOST2:PORT2`, as curl reads them. */
export interface Routing {
  /** Addresses a name resolves to (the dns check), instead of DNS. */
  readonly addresses: ReadonlyMap<string, readonly string[]>;
  /** Where a connection to `host:port` goes instead. */
  readonly connectTo: ReadonlyMap<string, { readonly host: string; readonly port: number }>;
}

export function parseRouting(resolve: readonly string[], connectTo: readonly string[]): { ok: true; value: Routing } | { ok: false; message: string } {
  const addresses = new Map<string, string[]>();
  const routes = new Map<string, { host: string; port: number }>();
  const port = (p: string) => (/^\d{1,5}$/.test(p) && Number(p) > 0 && Number(p) < 65536 ? Number(p) : undefined);
  for (const r of resolve) {
    const m = /^([^:\s]+):(\d+):(.+)$/.exec(r);
    const p = m ? port(m[2]) : undefined;
    if (!m || p === undefined) return { ok: false, message: `--resolve must be HOST:PORT:ADDRESS, as curl's (got "${r}")` };
    const address = m[3].replace(/^\[|\]$/g, '');
    const name = m[1].toLowerCase();
    addresses.set(name, [...(addresses.get(name) ?? []), address]);
    if (!routes.has(`${name}:${p}`)) routes.set(`${name}:${p}`, { host: address, port: p });
  }
  for (const c of connectTo) {
    const m = /^([^:\s]+):(\d+):([^:\s]+|\[[^\]]+\]):(\d+)$/.exec(c);
    const from = m ? port(m[2]) : undefined;
    const to = m ? port(m[4]) : undefined;
    if (!m || from === undefined || to === undefined) return { ok: false, message: `--connect-to must be HOST:PORT:HOST2:PORT2, as curl's (got "${c}")` };
    routes.set(`${m[1].toLowerCase()}:${from}`, { host: m[3].replace(/^\[|\]$/g, ''), port: to });
  }
  return { ok: true, value: { addresses, connectTo: routes } };
}
