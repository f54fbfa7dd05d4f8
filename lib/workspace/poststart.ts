/**
 * postStart, as GitLab's `ScriptsConfigmapAppender`, `ScriptsVolumeInserter` and
 * `KubernetesPoststartHookInserter` lay it out: the scripts ConfigMap data, the items the scripts
 * volume projects, and the postStart hook of each container. Three layouts:
 *
 * - legacy: no postStart command carries the `gl-internal-blocking` label (workspaces created before
 *   GitLab labelled its own commands): one runner `gl-run-poststart-commands.sh`, run blocking;
 * - pod-wide (before GitLab 18.5): `gl-run-internal-blocking-poststart-commands.sh` and
 *   `gl-run-non-blocking-poststart-commands.sh`, and every container a postStart command names runs both;
 * - per component (GitLab 18.5+): the scripts under `/workspace-scripts/<component>/`; the main
 *   component runs the blocking runner `<main>-gl-run-internal-blocking-poststart-commands.sh`, each
 *   component its own `<component>-gl-run-non-blocking-poststart-commands.sh`, logging under
 *   `${GL_WORKSPACE_LOGS_DIR}/<component>/`.
 *
 * From GitLab 18.4 the runners run each command in its `workingDir` (the main component's default: the
 * project's directory, `${PROJECT_SOURCE}/<project path>`). Pure.
 */
import type { Diagnostic } from '../common/diagnostics';
import { commandsRunBy } from '../devfile/commands';
import type { Devfile, ExecCommand } from '../devfile/model';
import {
  INTERNAL_BLOCKING_COMMAND_LABEL,
  LEGACY_RUN_POSTSTART_COMMANDS_SCRIPT,
  RUN_INTERNAL_BLOCKING_POSTSTART_COMMANDS_SCRIPT,
  RUN_NON_BLOCKING_POSTSTART_COMMANDS_SCRIPT,
  SCRIPTS_VOLUME_PATH,
} from '../common/gitlab-contract';
import { RenderContext, sortedMap } from './context';
import type { KeyToPath, StringMap } from './kubernetes';
import {
  componentPostStartHookScript,
  legacyPostStartHookScript,
  postStartHookScript,
  runnerScript,
  RunnerStep,
  workingDirWord,
} from './scripts';

export interface PostStartPlan {
  /** Scripts ConfigMap data, keys sorted; empty when there are no postStart commands (no ConfigMap, volume or hooks then). */
  readonly data: StringMap;
  /** What the scripts volume projects, per component (GitLab 18.5+); absent: every key at its own name. */
  readonly items?: readonly KeyToPath[];
  /** The postStart hook script of each container that has one, by container name. */
  readonly hooks: ReadonlyMap<string, string>;
  /** Warnings (postStart commands that cannot run) and errors (too large for one ConfigMap). */
  readonly diagnostics: readonly Diagnostic[];
}

/** Kubernetes' limit on the data of one ConfigMap. */
const CONFIGMAP_MAX_BYTES = 1024 * 1024;

export function planPostStart(devfile: Devfile, context: RenderContext): PostStartPlan {
  const leaves = devfile.events.postStart.flatMap((id) => commandsRunBy(devfile, id));
  const diagnostics: Diagnostic[] = leaves
    .filter((c) => c.kind !== 'exec')
    .map((c) => context.diagnostic('devfile', ['commands', devfile.commands.indexOf(c)],
      `postStart command '${c.id}' is not an exec command; only exec commands run after the workspace starts, so it is skipped`,
      'render/poststart-not-exec', 'warning'));
  const commands = leaves.filter((c): c is ExecCommand => c.kind === 'exec');
  if (commands.length === 0) return { data: {}, hooks: new Map(), diagnostics };

  const main = devfile.mainComponentName;
  const data: Record<string, string> = {};
  for (const c of commands) data[c.id] = commandScript(c, context);
  const components = [...new Set(commands.map((c) => c.exec.component))];
  const blocking = commands.filter((c) => c.exec.label === INTERNAL_BLOCKING_COMMAND_LABEL);
  const nonBlocking = commands.filter((c) => c.exec.label !== INTERNAL_BLOCKING_COMMAND_LABEL);
  const hooks = new Map<string, string>();
  let items: KeyToPath[] | undefined;

  if (blocking.length === 0) {
    const runner = `${SCRIPTS_VOLUME_PATH}/${LEGACY_RUN_POSTSTART_COMMANDS_SCRIPT}`;
    data[LEGACY_RUN_POSTSTART_COMMANDS_SCRIPT] = runnerScript(commands.map((c) => ({ script: `${SCRIPTS_VOLUME_PATH}/${c.id}` })));
    for (const name of components) hooks.set(name, legacyPostStartHookScript(runner));
  } else if (!context.gitlab.perComponentPostStart) {
    const step = (c: ExecCommand): RunnerStep => ({ script: `${SCRIPTS_VOLUME_PATH}/${c.id}`, ...workingDir(c, main, context) });
    data[RUN_INTERNAL_BLOCKING_POSTSTART_COMMANDS_SCRIPT] = runnerScript(blocking.map(step));
    data[RUN_NON_BLOCKING_POSTSTART_COMMANDS_SCRIPT] = runnerScript(nonBlocking.map(step));
    const hook = postStartHookScript(`${SCRIPTS_VOLUME_PATH}/${RUN_INTERNAL_BLOCKING_POSTSTART_COMMANDS_SCRIPT}`, `${SCRIPTS_VOLUME_PATH}/${RUN_NON_BLOCKING_POSTSTART_COMMANDS_SCRIPT}`);
    for (const name of components) hooks.set(name, hook);
  } else {
    const step = (c: ExecCommand): RunnerStep => ({ script: `${SCRIPTS_VOLUME_PATH}/${c.exec.component}/${c.id}`, ...workingDir(c, main, context) });
    data[`${main}-${RUN_INTERNAL_BLOCKING_POSTSTART_COMMANDS_SCRIPT}`] = runnerScript(blocking.map(step));
    for (const name of components) {
      const own = nonBlocking.filter((c) => c.exec.component === name);
      if (own.length > 0) data[`${name}-${RUN_NON_BLOCKING_POSTSTART_COMMANDS_SCRIPT}`] = runnerScript(own.map(step));
    }
    // GitLab projects a non-blocking runner item for every component with a postStart command.
    items = [
      ...commands.map((c) => ({ key: c.id, path: `${c.exec.component}/${c.id}` })),
      { key: `${main}-${RUN_INTERNAL_BLOCKING_POSTSTART_COMMANDS_SCRIPT}`, path: `${main}/${RUN_INTERNAL_BLOCKING_POSTSTART_COMMANDS_SCRIPT}` },
      ...components.map((name) => ({ key: `${name}-${RUN_NON_BLOCKING_POSTSTART_COMMANDS_SCRIPT}`, path: `${name}/${RUN_NON_BLOCKING_POSTSTART_COMMANDS_SCRIPT}` })),
    ];
    for (const name of components) {
      hooks.set(name, componentPostStartHookScript({
        logsDir: `\${GL_WORKSPACE_LOGS_DIR}/${name}`,
        ...(name === main && { blockingRunner: `${SCRIPTS_VOLUME_PATH}/${name}/${RUN_INTERNAL_BLOCKING_POSTSTART_COMMANDS_SCRIPT}` }),
        nonBlockingRunner: `${SCRIPTS_VOLUME_PATH}/${name}/${RUN_NON_BLOCKING_POSTSTART_COMMANDS_SCRIPT}`,
      }));
    }
  }

  const bytes = Object.entries(data).reduce((n, [k, v]) => n + Buffer.byteLength(k, 'utf8') + Buffer.byteLength(v, 'utf8'), 0);
  if (bytes > CONFIGMAP_MAX_BYTES) {
    diagnostics.push(context.diagnostic('devfile', ['events', 'postStart'],
      `the postStart commands and GitLab's scripts come to ${bytes} bytes; Kubernetes allows at most ${CONFIGMAP_MAX_BYTES} bytes in ConfigMap '${context.names.scriptsConfigMap}': move long scripts into the image or the project`,
      'render/configmap-size'));
  }
  return { data: sortedMap(data), ...(items && { items }), hooks, diagnostics };
}

/**
 * Where a runner runs a command (GitLab 18.4+): its `workingDir`; for the main component without one,
 * the project's directory; else the container's own working directory.
 */
function workingDir(c: ExecCommand, main: string, context: RenderContext): { cd?: string } {
  if (!context.gitlab.execWorkingDir) return {};
  if (c.exec.workingDir) return { cd: workingDirWord(c.exec.workingDir) };
  if (c.exec.component !== main) return {};
  const project = context.workspace.project;
  return { cd: workingDirWord(project ? `\${PROJECT_SOURCE}/${project.path}` : '${PROJECT_SOURCE}') };
}

/**
 * A command's script: its command line. In devfile mode the command's `env` (which GitLab's rules refuse)
 * is exported first, and, for GitLab versions whose runners do not change directory, its `workingDir`.
 */
function commandScript(c: ExecCommand, context: RenderContext): string {
  const { commandLine, env = [], workingDir: dir } = c.exec;
  if (context.mode !== 'devfile') return commandLine;
  const lines = env.map((e) => `export ${e.name}="${escapeDoubleQuoted(e.value)}"`);
  if (dir && !context.gitlab.execWorkingDir) lines.push(`cd "${escapeDoubleQuoted(dir)}" || exit 1`);
  return lines.length === 0 ? commandLine : `${lines.join('\n')}\n${commandLine}`;
}

/** Inside double quotes `$VAR` still expands (devfiles use `${PROJECT_SOURCE}`); quotes and backslashes do not break out. */
function escapeDoubleQuoted(value: string): string {
  return value.replace(/[\\"`]/g, (ch) => `\\${ch}`);
}
