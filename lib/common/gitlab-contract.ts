/**
 * GitLab's contract: the names, ports, paths, labels and numbers GitLab fixes for every workspace
 * (reference section 2; GitLab's `workspace_operations_constants.rb` and `create_constants.rb`). On the
 * ground floor, so the devfile rules (lib/devfile), the cluster constructs (lib/cluster) and the renderer
 * (lib/workspace) read one copy without importing each other. What differs by GitLab version is in
 * ./gitlab-version.ts.
 */
import { DEFAULT_GITLAB_VERSION, gitlabBehaviour } from './gitlab-version';

/** The user id every workspace container runs as. */
export const RUN_AS_USER = 5001;

export const WORKSPACE_DATA_VOLUME_NAME = 'gl-workspace-data';
export const WORKSPACE_DATA_VOLUME_PATH = '/projects';
export const WORKSPACE_DATA_VOLUME_SIZE = '50Gi';
export const TOOLS_DIR_ENV_VAR = 'GL_TOOLS_DIR';
export const TOOLS_DIR = `${WORKSPACE_DATA_VOLUME_PATH}/.gl-tools`;
/** The tools injector init container's resources, as GitLab renders them (its requests count toward a workspace's). */
export const TOOLS_INJECTOR_RESOURCES = { cpuRequest: '100m', memoryRequest: '256Mi', cpuLimit: '500m', memoryLimit: '512Mi' } as const;
export const WORKSPACE_LOGS_DIR = `${WORKSPACE_DATA_VOLUME_PATH}/workspace-logs`;
export const PROJECT_CLONING_SUCCESSFUL_FILE = `${WORKSPACE_DATA_VOLUME_PATH}/.gl_project_cloning_successful`;
export const CLONE_DEPTH_OPTION = '--depth 10';

export const VARIABLES_VOLUME_NAME = 'gl-workspace-variables';
export const VARIABLES_VOLUME_PATH = '/.workspace-data/variables/file';
/** 0774 */
export const VARIABLES_VOLUME_DEFAULT_MODE = 0o774;

export const SCRIPTS_VOLUME_NAME = 'gl-workspace-scripts';
export const SCRIPTS_VOLUME_PATH = '/workspace-scripts';
/** 0555 */
export const SCRIPTS_VOLUME_DEFAULT_MODE = 0o555;
export const RUN_INTERNAL_BLOCKING_POSTSTART_COMMANDS_SCRIPT = 'gl-run-internal-blocking-poststart-commands.sh';
export const RUN_NON_BLOCKING_POSTSTART_COMMANDS_SCRIPT = 'gl-run-non-blocking-poststart-commands.sh';
/** The one runner of a workspace whose postStart commands carry no `gl-internal-blocking` label (created before GitLab 17.x labelled them). */
export const LEGACY_RUN_POSTSTART_COMMANDS_SCRIPT = 'gl-run-poststart-commands.sh';

export const TOKEN_FILE_NAME = 'gl_token';
/** The workspace token the agent for workspaces (agentw) authenticates to KAS with. */
export const AGENTW_TOKEN_FILE_NAME = 'gl_agentw_token';
/**
 * Where agentw serves its observability endpoints (`GL_AGENTW_OBSERVABILITY_LISTEN_ADDRESS`): GitLab's
 * constant, `:60031` in GitLab 18.9's output (reviewed field by field; `:8080`, written here before, was
 * agentk's own default, never GitLab's). agentw came with 18.4 with this variable; no other value is known.
 */
export const AGENTW_OBSERVABILITY_LISTEN_ADDRESS = ':60031';
export const GIT_CREDENTIAL_STORE_SCRIPT_FILE_NAME = 'gl_git_credential_store.sh';
export const RECONCILED_ACTUAL_STATE_FILE_NAME = 'gl_workspace_reconciled_actual_state.txt';

export const EDITOR_PORT = 60001;
export const SSH_PORT = 60022;

export const TOOLS_INJECTOR_COMPONENT_NAME = 'gl-tools-injector';
export const TOOLS_INJECTOR_COMMAND_ID = `${TOOLS_INJECTOR_COMPONENT_NAME}-command`;
/**
 * GitLab's default `tools_injector_image` setting (`WORKSPACE_TOOLS_IMAGE`) of the default GitLab version
 * (each version's: `gitlabBehaviour(version).toolsInjectorImage`). Instances may configure another;
 * pass `toolsInjectorImage` to the renderer.
 */
export const DEFAULT_TOOLS_INJECTOR_IMAGE = gitlabBehaviour(DEFAULT_GITLAB_VERSION).toolsInjectorImage;

/** Labels of the postStart commands GitLab inserts. */
export const INTERNAL_COMMAND_LABEL = 'gl-internal';
export const INTERNAL_BLOCKING_COMMAND_LABEL = 'gl-internal-blocking';

export const CLONE_PROJECT_COMMAND_ID = 'gl-clone-project-command';
export const CLONE_UNSHALLOW_COMMAND_ID = 'gl-clone-unshallow-command';
export const START_SSHD_COMMAND_ID = 'gl-start-sshd-command';
export const INIT_TOOLS_COMMAND_ID = 'gl-init-tools-command';
export const SLEEP_UNTIL_RUNNING_COMMAND_ID = 'gl-sleep-until-container-is-running-command';
export const START_AGENTW_COMMAND_ID = 'gl-start-agentw-command';

export const ENV_SECRET_SUFFIX = '-env-var';
export const FILE_SECRET_SUFFIX = '-file';
export const WORKSPACE_INVENTORY_SUFFIX = '-workspace-inventory';
export const SECRETS_INVENTORY_SUFFIX = '-secrets-inventory';
export const SCRIPTS_CONFIGMAP_SUFFIX = '-scripts-configmap';

/** The prefix of the namespace agentk creates for each workspace when the agent config sets no `shared_namespace`. */
export const WORKSPACE_NAMESPACE_PREFIX = 'gl-rd-ns-';

export const LABEL_AGENT_ID = 'agent.gitlab.com/id';
export const LABEL_WORKSPACE_ID = 'workspaces.gitlab.com/id';
export const LABEL_INVENTORY_ID = 'cli-utils.sigs.k8s.io/inventory-id';
export const ANNOTATION_HOST_TEMPLATE = 'workspaces.gitlab.com/host-template';
export const ANNOTATION_WORKSPACE_ID = 'workspaces.gitlab.com/id';
export const ANNOTATION_MAX_RESOURCES_SHA256 = 'workspaces.gitlab.com/max-resources-per-workspace-sha256';
export const ANNOTATION_OWNING_INVENTORY = 'config.k8s.io/owning-inventory';
/** On the objects agentk applies in a partial reconciliation (not on the Secrets, their inventory or the ResourceQuota). */
export const ANNOTATION_INCLUDE_IN_PARTIAL_RECONCILIATION = 'workspaces.gitlab.com/include-in-partial-reconciliation';

/** The component attribute that says whether GitLab replaces a container's command with the keep-alive. */
export const OVERRIDE_COMMAND_ATTRIBUTE = 'overrideCommand';

/** What keeps a container alive when GitLab overrides its command (the args end in the newline of GitLab's script file). */
export const CONTAINER_KEEPALIVE_COMMAND = ['/bin/sh', '-c'] as const;
export const CONTAINER_KEEPALIVE_ARGS = ['tail -f /dev/null\n'] as const;

/**
 * The extension marketplace GitLab configures when the instance sets none (Open VSX). Its resource URL
 * template differs by GitLab version: `gitlabBehaviour(version).extensionMarketplaceResourceUrlTemplate`.
 */
export const DEFAULT_EXTENSION_MARKETPLACE = Object.freeze({
  serviceUrl: 'https://open-vsx.org/vscode/gallery',
  itemUrl: 'https://open-vsx.org/vscode/item',
});

/** The workspaces proxy's pods, the only ingress a workspace accepts. */
export const PROXY_POD_LABELS = { 'app.kubernetes.io/name': 'gitlab-workspaces-proxy' } as const;

/** devfile/library: a container name is cut to this length before the init container suffix is added. */
export const INIT_CONTAINER_NAME_MAX_PREFIX = 55;
/** devfile/library: a container port name longer than this becomes `port-<number>`. */
export const PORT_NAME_MAX_LENGTH = 15;
/** Default size for a devfile volume component that gives none. */
export const DEFAULT_VOLUME_SIZE = '1Gi';
