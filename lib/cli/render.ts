/**
 * `gitlab-workspaces render <devfile> [--agent-config F] [--workspace F] [--mode gitlab|devfile]
 *  [--editor-component NAME] [--format yaml|json] [--gitlab-version VERSION] [GitLab instance settings]`
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
import { RenderOptions, renderOptionProblems } from '../workspace/context';
import {
  choiceOption,
  CliIo,
  devfileModeOptions,
  EXIT_INVALID,
  EXIT_OK,
  FILES_USAGE,
  GITLAB_VERSION_USAGE,
  gitlabVersionOption,
  guard,
  parseCliArgs,
  printDiagnostics,
  processIo,
  usageError,
} from './io';

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
${GITLAB_VERSION_USAGE}
GitLab instance settings (what the workspace's variables and scripts are configured with):
  --tools-injector-image IMAGE
                             the tools injector image (setting tools_injector_image; default: the
                             GitLab version's image)
  --gitlab-url URL           the instance's URL (GITLAB_WORKFLOW_INSTANCE_URL; default https://gitlab.com/)
  --kas-address URL          the agent server's external URL (GL_GITLAB_AGENT_SERVER_ADDRESS; default
                             wss://<gitlab host>/-/kubernetes-agent/, or wss://kas.gitlab.com)
  --workspaces-host HOST     the host the instance serves workspaces under (gitlab.yml workspaces.host);
                             with gitlab_workspaces_proxy.http_enabled: false, workspaces are served
                             there and agentw runs in them
  --extension-marketplace    the user may use the extension marketplace (GL_VSCODE_ENABLE_MARKETPLACE)
  --extension-marketplace-service-url URL
  --extension-marketplace-item-url URL
  --extension-marketplace-resource-url-template URL
                             the instance's marketplace (default: Open VSX)
  -h, --help                 show this help

${FILES_USAGE}
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
      'gitlab-version': { type: 'string' },
      'gitlab-url': { type: 'string' },
      'kas-address': { type: 'string' },
      'workspaces-host': { type: 'string' },
      'extension-marketplace': { type: 'boolean' },
      'extension-marketplace-service-url': { type: 'string' },
      'extension-marketplace-item-url': { type: 'string' },
      'extension-marketplace-resource-url-template': { type: 'string' },
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
  const gitlabVersion = gitlabVersionOption(values['gitlab-version']);
  if (!gitlabVersion.ok) return usageError(io, 'render', gitlabVersion.message, RENDER_USAGE);
  const instance = instanceOptions(values);
  if (!instance.ok) return usageError(io, 'render', instance.message, RENDER_USAGE);

  // Read and check every input once; report the problems of all of them at once.
  const devfile = readInput(devfilePath, MAX_DEVFILE_BYTES, 'devfile', (text, file) =>
    loadDevfileWithSource(text, { file, mode, gitlabVersion: gitlabVersion.value, ...(editorComponent !== undefined && { editorComponent }) }));
  const agentConfig = readOptional(values['agent-config'], AGENT_CONFIG_MAX_BYTES, 'agent-config',
    (text, file) => parseAgentConfig(text, file, { gitlabVersion: gitlabVersion.value }), () => defaultAgentConfig());
  const workspace = readOptional(values.workspace, WORKSPACE_IDENTITY_MAX_BYTES, 'workspace', parseWorkspaceIdentity, () => DEFAULT_WORKSPACE_IDENTITY);
  const inputDiagnostics = [...devfile.diagnostics, ...agentConfig.diagnostics, ...workspace.diagnostics];
  if (!devfile.ok || !agentConfig.ok || !workspace.ok) return fail(io, inputDiagnostics);

  // The parsed sources let render diagnostics (a name over a limit, a bad quantity) point at lines and columns.
  const sources = { ...(devfile.source && { devfile: devfile.source }), ...(workspace.source && { workspace: workspace.source }) };
  const options: RenderOptions = { ...instance.options, gitlabVersion: gitlabVersion.value, sources };
  const rendered = renderWorkspaceResult({ devfile: devfile.value, agentConfig: agentConfig.value, workspace: workspace.value, options });
  const all = [...inputDiagnostics, ...rendered.diagnostics];
  if (!rendered.ok || hasErrors(all)) return fail(io, all);
  printDiagnostics(all, io.stderr);
  io.stdout(serializeObjects(rendered.value, format));
  return EXIT_OK;
}

/** The GitLab instance settings of the command line as render options, or the usage message of the first bad one. */
function instanceOptions(values: Record<string, string | boolean | undefined>):
  | { ok: true; options: RenderOptions }
  | { ok: false; message: string } {
  const text = (key: string): string | undefined => values[key] as string | undefined;
  for (const key of ['tools-injector-image', 'gitlab-url', 'kas-address', 'workspaces-host', 'extension-marketplace-service-url',
    'extension-marketplace-item-url', 'extension-marketplace-resource-url-template']) {
    const v = text(key);
    if (v !== undefined && v.trim() === '') return { ok: false, message: `--${key} needs a value` };
  }
  const marketplace = {
    ...(values['extension-marketplace'] !== undefined && { enabled: values['extension-marketplace'] === true }),
    ...(text('extension-marketplace-service-url') !== undefined && { serviceUrl: text('extension-marketplace-service-url') }),
    ...(text('extension-marketplace-item-url') !== undefined && { itemUrl: text('extension-marketplace-item-url') }),
    ...(text('extension-marketplace-resource-url-template') !== undefined && { resourceUrlTemplate: text('extension-marketplace-resource-url-template') }),
  };
  const options: RenderOptions = {
    ...(text('tools-injector-image') !== undefined && { toolsInjectorImage: text('tools-injector-image') }),
    ...(text('gitlab-url') !== undefined && { gitlabUrl: text('gitlab-url') }),
    ...(text('kas-address') !== undefined && { kasAddress: text('kas-address') }),
    ...(text('workspaces-host') !== undefined && { workspacesHost: text('workspaces-host') }),
    ...(Object.keys(marketplace).length > 0 && { extensionMarketplace: marketplace }),
  };
  const problem = renderOptionProblems(options)[0];
  return problem ? { ok: false, message: `--${OPTION_FLAGS[problem.option] ?? problem.option} ${problem.message}` } : { ok: true, options };
}

/** The command-line flag of each instance option. */
const OPTION_FLAGS: Record<string, string> = {
  toolsInjectorImage: 'tools-injector-image',
  gitlabUrl: 'gitlab-url',
  kasAddress: 'kas-address',
  workspacesHost: 'workspaces-host',
  'extensionMarketplace.serviceUrl': 'extension-marketplace-service-url',
  'extensionMarketplace.itemUrl': 'extension-marketplace-item-url',
  'extensionMarketplace.resourceUrlTemplate': 'extension-marketplace-resource-url-template',
};

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
