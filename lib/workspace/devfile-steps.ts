/**
 * The create steps: what GitLab does to a devfile before turning it into Kubernetes objects (GitLab's
 * `ToolsInjectorComponentInserter`, `MainComponentUpdater`, `ContainerCommandUpdater`,
 * `InternalPoststartCommandsInserter`, `VolumeComponentInserter`), in GitLab's order. Each step takes a
 * devfile model and returns a new one; none mutates its input. `processDevfile` runs them all: its
 * result is GitLab's "processed devfile". What differs by GitLab version comes from `context.gitlab`. Pure.
 */
import type { Component, ContainerComponent, Devfile, EnvVar, ExecCommand } from '../devfile/model';
import {
  CLONE_PROJECT_COMMAND_ID,
  CLONE_UNSHALLOW_COMMAND_ID,
  CONTAINER_KEEPALIVE_ARGS,
  CONTAINER_KEEPALIVE_COMMAND,
  EDITOR_PORT,
  INIT_TOOLS_COMMAND_ID,
  INTERNAL_BLOCKING_COMMAND_LABEL,
  INTERNAL_COMMAND_LABEL,
  OVERRIDE_COMMAND_ATTRIBUTE,
  PROJECT_CLONING_SUCCESSFUL_FILE,
  RECONCILED_ACTUAL_STATE_FILE_NAME,
  SLEEP_UNTIL_RUNNING_COMMAND_ID,
  SSH_PORT,
  START_AGENTW_COMMAND_ID,
  START_SSHD_COMMAND_ID,
  TOOLS_DIR,
  TOOLS_DIR_ENV_VAR,
  TOOLS_INJECTOR_RESOURCES,
  TOOLS_INJECTOR_COMMAND_ID,
  TOOLS_INJECTOR_COMPONENT_NAME,
  VARIABLES_VOLUME_PATH,
  WORKSPACE_DATA_VOLUME_NAME,
  WORKSPACE_DATA_VOLUME_PATH,
  WORKSPACE_DATA_VOLUME_SIZE,
} from '../common/gitlab-contract';
import { overrideCommandValue } from '../devfile/override-command';
import type { RenderContext } from './context';
import {
  cloneProjectScript,
  cloneUnshallowScript,
  initToolsScript,
  sleepUntilRunningScript,
  startAgentwScript,
  startSshdScript,
} from './scripts';

export type DevfileStep = (devfile: Devfile, context: RenderContext) => Devfile;

/**
 * Adds the `gl-tools-injector` container component, an apply command for it and that command to
 * `preStart`, so the editor is copied into `/projects/.gl-tools` by an init container.
 */
export const insertToolsInjector: DevfileStep = (devfile, context) => {
  const injector: ContainerComponent = {
    kind: 'container',
    name: TOOLS_INJECTOR_COMPONENT_NAME,
    attributes: {},
    container: {
      image: context.instance.toolsInjectorImage,
      env: [{ name: TOOLS_DIR_ENV_VAR, value: TOOLS_DIR }],
      endpoints: [],
      volumeMounts: [],
      ...TOOLS_INJECTOR_RESOURCES,
    },
  };
  return {
    ...devfile,
    components: [...devfile.components, injector],
    commands: [
      ...devfile.commands,
      { kind: 'apply', id: TOOLS_INJECTOR_COMMAND_ID, attributes: {}, apply: { component: TOOLS_INJECTOR_COMPONENT_NAME } },
    ],
    events: { ...devfile.events, preStart: [...devfile.events.preStart, TOOLS_INJECTOR_COMMAND_ID] },
  };
};

/**
 * The main component (the editor's) gets the editor's environment and the `editor-server` (60001) and
 * `ssh-server` (60022) endpoints. Before the `overrideCommand` attribute, GitLab also replaced its
 * command and args with the keep-alive here, whatever the devfile said (devfile mode keeps the devfile's).
 */
export const updateMainComponent: DevfileStep = (devfile, context) => {
  const env: EnvVar[] = [
    { name: TOOLS_DIR_ENV_VAR, value: TOOLS_DIR },
    { name: 'GL_VSCODE_LOG_LEVEL', value: 'info' },
    { name: 'GL_VSCODE_PORT', value: String(EDITOR_PORT) },
    { name: 'GL_SSH_PORT', value: String(SSH_PORT) },
    { name: 'GL_VSCODE_ENABLE_MARKETPLACE', value: String(context.instance.extensionMarketplace.enabled) },
  ];
  return mapContainers(devfile, (component) => {
    if (component.name !== devfile.mainComponentName) return component;
    const c = component.container;
    const keepDevfileCommand = context.mode === 'devfile' && (c.command !== undefined || c.args !== undefined);
    const replaceCommand = !context.gitlab.overrideCommandAttribute && !keepDevfileCommand;
    return {
      ...component,
      container: {
        ...c,
        env: [...c.env, ...env],
        endpoints: [
          ...c.endpoints,
          { name: 'editor-server', targetPort: EDITOR_PORT, exposure: 'public', secure: true, protocol: 'https' },
          { name: 'ssh-server', targetPort: SSH_PORT, exposure: 'internal', secure: true },
        ],
        ...(replaceCommand && { command: [...CONTAINER_KEEPALIVE_COMMAND], args: [...CONTAINER_KEEPALIVE_ARGS] }),
      },
    };
  });
};

/**
 * GitLab 18.4+: every component gets the `overrideCommand` attribute when it has none (true for the
 * main component, false for the others), and each container whose attribute is true gets the keep-alive
 * command and args. In devfile mode a container that gives its own command or args keeps them, whatever
 * the attribute says: devfile tools run a container's own command, and GitLab's rules refuse `true`
 * together with a command anyway (so `convert` writes `false` there, and both render the same).
 */
export const updateContainerCommands: DevfileStep = (devfile, context) => {
  if (!context.gitlab.overrideCommandAttribute) return devfile;
  const components = devfile.components.map((component): Component => {
    const attributes = { ...component.attributes };
    const ownCommand = component.kind === 'container' && (component.container.command !== undefined || component.container.args !== undefined);
    const keepOwnCommand = context.mode === 'devfile' && ownCommand;
    // GitLab mode only gets here with a boolean or nothing (the rules refuse other values); devfile mode
    // reads "true"/"false" strings as booleans and takes any other value as not set, as convert does.
    const written = overrideCommandValue(attributes[OVERRIDE_COMMAND_ATTRIBUTE]);
    if (written === undefined || written === 'invalid') {
      const isMain = component.name === devfile.mainComponentName;
      attributes[OVERRIDE_COMMAND_ATTRIBUTE] = isMain && !keepOwnCommand;
    } else {
      attributes[OVERRIDE_COMMAND_ATTRIBUTE] = written;
    }
    if (component.kind !== 'container' || attributes[OVERRIDE_COMMAND_ATTRIBUTE] !== true || keepOwnCommand) return { ...component, attributes };
    return {
      ...component,
      attributes,
      container: { ...component.container, command: [...CONTAINER_KEEPALIVE_COMMAND], args: [...CONTAINER_KEEPALIVE_ARGS] },
    };
  });
  return { ...devfile, components };
};

/**
 * GitLab's own postStart commands, on the main component, run before the user's: start agentw (when
 * the instance serves the workspace, GitLab 18.4+), clone the project (when there is one) and fetch
 * its history, start sshd, start the editor (all blocking), then wait until GitLab reports the
 * workspace Running (non-blocking, so only the user's commands wait). GitLab 18.4+ gives them
 * `workingDir: /projects`.
 */
export const insertInternalPostStartCommands: DevfileStep = (devfile, context) => {
  const component = devfile.mainComponentName;
  const perComponentLogs = context.gitlab.perComponentPostStart;
  const exec = (id: string, commandLine: string, label: string): ExecCommand => ({
    kind: 'exec',
    id,
    attributes: {},
    exec: { commandLine, component, label, ...(context.gitlab.execWorkingDir && { workingDir: WORKSPACE_DATA_VOLUME_PATH }) },
  });
  const internal: ExecCommand[] = [];
  if (context.gitlab.agentw && context.instanceServesWorkspace) {
    internal.push(exec(START_AGENTW_COMMAND_ID, startAgentwScript(), INTERNAL_BLOCKING_COMMAND_LABEL));
  }
  const project = context.workspace.project;
  if (project) {
    const cloneDir = `${WORKSPACE_DATA_VOLUME_PATH}/${project.path}`;
    const markerFile = PROJECT_CLONING_SUCCESSFUL_FILE;
    internal.push(
      exec(CLONE_PROJECT_COMMAND_ID, cloneProjectScript({ url: project.url, ref: project.ref, cloneDir, markerFile }), INTERNAL_BLOCKING_COMMAND_LABEL),
      exec(CLONE_UNSHALLOW_COMMAND_ID, cloneUnshallowScript({ cloneDir, markerFile, logsSubdir: perComponentLogs ? component : undefined }), INTERNAL_BLOCKING_COMMAND_LABEL),
    );
  }
  internal.push(
    exec(START_SSHD_COMMAND_ID, startSshdScript(perComponentLogs ? component : undefined), INTERNAL_BLOCKING_COMMAND_LABEL),
    exec(INIT_TOOLS_COMMAND_ID, initToolsScript(perComponentLogs ? component : undefined), INTERNAL_BLOCKING_COMMAND_LABEL),
    exec(SLEEP_UNTIL_RUNNING_COMMAND_ID, sleepUntilRunningScript(`${VARIABLES_VOLUME_PATH}/${RECONCILED_ACTUAL_STATE_FILE_NAME}`), INTERNAL_COMMAND_LABEL),
  );
  return {
    ...devfile,
    commands: [...devfile.commands, ...internal],
    events: { ...devfile.events, postStart: [...internal.map((c) => c.id), ...devfile.events.postStart] },
  };
};

/**
 * Adds the `gl-workspace-data` volume component (50Gi) and mounts it at `/projects` in every
 * container component. In devfile mode a container with `mountSources: false` stays off `/projects`
 * (the main component and the tools injector always get it: the editor lives there).
 */
export const insertDataVolume: DevfileStep = (devfile, context) => {
  const mount = { name: WORKSPACE_DATA_VOLUME_NAME, path: WORKSPACE_DATA_VOLUME_PATH };
  const keepsOffSources = (c: ContainerComponent) =>
    context.mode === 'devfile' &&
    c.container.mountSources === false &&
    c.name !== devfile.mainComponentName &&
    c.name !== TOOLS_INJECTOR_COMPONENT_NAME;
  const components: Component[] = devfile.components.map((c) =>
    c.kind === 'container' && !keepsOffSources(c)
      ? { ...c, container: { ...c.container, volumeMounts: [...c.container.volumeMounts, mount] } }
      : c,
  );
  components.push({ kind: 'volume', name: WORKSPACE_DATA_VOLUME_NAME, attributes: {}, volume: { size: WORKSPACE_DATA_VOLUME_SIZE } });
  return { ...devfile, components };
};

/** GitLab's create steps in GitLab's order (`Create::Main`, after flattening). */
export const CREATE_STEPS: readonly DevfileStep[] = [
  insertToolsInjector,
  updateMainComponent,
  updateContainerCommands,
  insertInternalPostStartCommands,
  insertDataVolume,
];

/** A loaded devfile through every create step: GitLab's processed devfile. */
export function processDevfile(devfile: Devfile, context: RenderContext): Devfile {
  return CREATE_STEPS.reduce((d, step) => step(d, context), devfile);
}

function mapContainers(devfile: Devfile, update: (component: ContainerComponent) => ContainerComponent): Devfile {
  return { ...devfile, components: devfile.components.map((c) => (c.kind === 'container' ? update(c) : c)) };
}
