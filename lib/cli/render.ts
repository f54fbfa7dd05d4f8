/**
 * `gitlab-workspaces render <devfile> [--agent-config F] [--workspace F] [--mode gitlab|devfile]
 *  [--editor-component NAME] [--format yaml|json] [--tools-injector-image IMAGE]`
 *
 * Prints the Kubernetes objects GitLab would create for one workspace. stdout carries only the objects
 * (a YAML stream, or a JSON array); problems go to stderr as `<file>:<line>:<col>: error: ...` and
 * nothing is printed on stdout. Warnings go to stderr and the objects are still printed.
 * Exit 0 rendered, 1 an input is invalid or unreadable, 2 usage error. Loads no cdktf or provider package.
 */
import { AGENT_CONFIG_MAX_BYTES, defaultAgentConfig, parseAgentConfig } from '../agent-config';
import { Diagnostic, hasErrors, Result } from '../common/diagnostics';
import { readTextFile } from '../common/read-file';
import type { YamlSource } from '../common/yaml-source';
import { loadDevfileWithSource, MAX_DEVFILE_BYTES } from '../devfile';
import { DEFAULT_WORKSPACE_IDENTITY, parseWorkspaceIdentity, WORKSPACE_IDENTITY_MAX_BYTES } from '../workspace/identity';
import { renderWorkspaceResult } from '../workspace/render';
import { OutputFormat, serializeObjects } from '../workspace/serialize';
import { choiceOption, CliIo, devfileModeOptions, EXIT_INVALID, EXIT_OK, guard, parseCliArgs, printDiagnostics, processIo, usageError } from './io';

export const RENDER_USAGE = `Usage: gitlab-workspaces render <devfile> [options]

Prints the Kubernetes objects GitLab creates for one workspace of this devfile: a YAML stream
(default) or a JSON array on stdout. Problems go to stderr as <file>:<line>:<col>: error: ...

Options:
  --agent-config FILE        the agent config (.gitlab/agents/<agent>/config.yaml, key remote_development);
                             default: GitLab's defaults with dns_zone workspaces.example.dev
  --workspace FILE           the workspace identity (name, namespace, id, agentId, desiredState, project,
                             user, variables); default: workspace-7-42-abc123, Running, no project,
                             user Ada Lovelace <ada@example.com> (git user.name and user.email in the
                             env Secret; a file with 'user: null' renders none)
  --mode gitlab|devfile      gitlab (default): GitLab's devfile rules. devfile: devfiles written for other
                             tools (composite commands, container-overrides resources, mountSources)
  --editor-component NAME    devfile mode: the container that gets the editor when no component has
                             the attribute gl/inject-editor (default: the first container)
  --format yaml|json         yaml (default): one document per object, '---' separated. json: an array
  --tools-injector-image IMAGE
                             the tools injector image (GitLab instance setting tools_injector_image)
  -h, --help                 show this help

Exit status: 0 rendered, 1 an input is invalid or unreadable, 2 usage error.
`;

const FORMATS: readonly OutputFormat[] = ['yaml', 'json'];

export async function runRender(argv: string[], io: CliIo = processIo): Promise<number> {
  return guard(io, 'render', () => renderCommand(argv, io));
}

function renderCommand(argv: string[], io: CliIo): number {
  const parsed = parseCliArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'agent-config': { type: 'string' },
      workspace: { type: 'string' },
      mode: { type: 'string' },
      'editor-component': { type: 'string' },
      format: { type: 'string' },
      'tools-injector-image': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (!parsed.ok) return usageError(io, 'render', parsed.message, RENDER_USAGE);
  const { values, positionals } = parsed.args;
  if (values.help) {
    io.stdout(RENDER_USAGE);
    return EXIT_OK;
  }
  const modeOptions = devfileModeOptions(values);
  if (!modeOptions.ok) return usageError(io, 'render', modeOptions.message, RENDER_USAGE);
  const { mode, editorComponent } = modeOptions;
  const formatOption = choiceOption('format', values.format, FORMATS, 'yaml');
  if (!formatOption.ok) return usageError(io, 'render', formatOption.message, RENDER_USAGE);
  const format = formatOption.value;
  if (positionals.length === 0) return usageError(io, 'render', 'no devfile given', RENDER_USAGE);
  if (positionals.length > 1) return usageError(io, 'render', `exactly one devfile is rendered at a time; got ${positionals.length}: ${positionals.join(', ')}`, RENDER_USAGE);
  const devfilePath = positionals[0];
  const toolsInjectorImage = values['tools-injector-image'];
  if (toolsInjectorImage !== undefined && toolsInjectorImage.trim() === '') {
    return usageError(io, 'render', '--tools-injector-image must name an image', RENDER_USAGE);
  }

  // Read and check every input once; report the problems of all of them at once.
  const devfile = readInput(devfilePath, MAX_DEVFILE_BYTES, 'devfile', (text, file) =>
    loadDevfileWithSource(text, { file, mode, ...(editorComponent !== undefined && { editorComponent }) }));
  const agentConfig = readOptional(values['agent-config'], AGENT_CONFIG_MAX_BYTES, 'agent-config', parseAgentConfig, () => defaultAgentConfig());
  const workspace = readOptional(values.workspace, WORKSPACE_IDENTITY_MAX_BYTES, 'workspace', parseWorkspaceIdentity, () => DEFAULT_WORKSPACE_IDENTITY);
  const inputDiagnostics = [...devfile.diagnostics, ...agentConfig.diagnostics, ...workspace.diagnostics];
  if (!devfile.ok || !agentConfig.ok || !workspace.ok) return fail(io, inputDiagnostics);

  // The parsed sources let render diagnostics (a name over a limit, a bad quantity) point at lines and columns.
  const sources = { ...(devfile.source && { devfile: devfile.source }), ...(workspace.source && { workspace: workspace.source }) };
  const options = { ...(toolsInjectorImage !== undefined && { toolsInjectorImage }), sources };
  const rendered = renderWorkspaceResult({ devfile: devfile.value, agentConfig: agentConfig.value, workspace: workspace.value, options });
  const all = [...inputDiagnostics, ...rendered.diagnostics];
  if (!rendered.ok || hasErrors(all)) return fail(io, all);
  printDiagnostics(all, io.stderr);
  io.stdout(serializeObjects(rendered.value, format));
  return EXIT_OK;
}

function fail(io: CliIo, diagnostics: readonly Diagnostic[]): number {
  printDiagnostics(diagnostics, io.stderr);
  return EXIT_INVALID;
}

/** A checked input and, when it was read from a file, that file's parsed source. */
type Loaded<T> = Result<T> & { readonly source?: YamlSource };

/** Reads (size-checked before reading) and parses an input file; an unreadable file is a diagnostic. */
function readInput<T>(path: string, maxBytes: number, rulePrefix: string, parse: (text: string, file: string) => Loaded<T>): Loaded<T> {
  const read = readTextFile(path, { maxBytes, rulePrefix });
  return read.ok ? parse(read.text, path) : { ok: false, diagnostics: [read.diagnostic] };
}

/** `readInput` for an optional input, or the default when no file is named. */
function readOptional<T>(
  path: string | undefined,
  maxBytes: number,
  rulePrefix: string,
  parse: (text: string, file: string) => Loaded<T>,
  fallback: () => T,
): Loaded<T> {
  return path === undefined ? { ok: true, value: fallback(), diagnostics: [] } : readInput(path, maxBytes, rulePrefix, parse);
}
