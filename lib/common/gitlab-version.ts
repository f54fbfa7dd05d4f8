/**
 * The GitLab versions this project renders and checks for, and what changed between them: one table
 * (`GITLAB_CHANGES`), each row keyed by the GitLab version that introduced the change. Everything that
 * differs by version (the renderer's steps, the devfile rules, the agent config keys) asks
 * `gitlabBehaviour(version)` instead of comparing version numbers itself. Pure.
 *
 * Sources for each row are in docs/gitlab-compatibility.md ("Version table"); rows marked `estimated`
 * there are dated from GitLab's merge requests, not from a release's code.
 */

/** Every GitLab version whose behaviour the renderer and the rules reproduce, oldest first. */
export const SUPPORTED_GITLAB_VERSIONS = ['18.2', '18.3', '18.4', '18.5', '18.6', '18.7', '18.8', '18.9'] as const;
export type GitLabVersion = (typeof SUPPORTED_GITLAB_VERSIONS)[number];

/** The newest supported version: what `render`, `validate` and the constructs target by default. */
export const DEFAULT_GITLAB_VERSION: GitLabVersion = '18.9';

/** GitLab's tools injector images (setting `tools_injector_image`), pinned by digest as GitLab pins them. */
const TOOLS_INJECTOR_IMAGE_2506 =
  'registry.gitlab.com/gitlab-org/gitlab-build-images:20250627091546-workspaces-tools@sha256:9bf96edd6a7e64ee898d774f55e153f78b85e2a911e565158e374efdd2def2c5';
const TOOLS_INJECTOR_IMAGE_2509 =
  'registry.gitlab.com/gitlab-org/gitlab-build-images:20250903132715-workspaces-tools@sha256:0f92a034804994de1cd5fa3b77833f3f167b652ae9bc89f478d1e74319378f0e';

/** What GitLab does, at one version. Built from `GITLAB_CHANGES`; never compare version numbers elsewhere. */
export interface GitLabBehaviour {
  readonly version: GitLabVersion;
  /** The tools injector image GitLab uses when the instance sets none. */
  readonly toolsInjectorImage: string;
  /** Exec commands may set `workingDir`; the postStart runners `cd` there (the main component's default: the project). */
  readonly execWorkingDir: boolean;
  /**
   * The `overrideCommand` component attribute: true (the main component's default) replaces the
   * container's command with the keep-alive; `command`/`args` only with `overrideCommand: false`.
   * Before it, the main component's command and args were always replaced.
   */
  readonly overrideCommandAttribute: boolean;
  /** Agent config `gitlab_workspaces_proxy.http_enabled` and `ssh_enabled`; both false: no proxy ingress rule. */
  readonly proxyEnablementSettings: boolean;
  /** Workspaces get names like `date-butterfly-darkturquoise`, which carry no agent id. */
  readonly randomWorkspaceNames: boolean;
  /**
   * postStart per container component: scripts under `/workspace-scripts/<component>/`, runners named
   * `<component>-gl-run-*-poststart-commands.sh`, logs under `${GL_WORKSPACE_LOGS_DIR}/<component>/`,
   * and each command runs only in its own component's container. Before it: two runners for the whole pod.
   */
  readonly perComponentPostStart: boolean;
  /** `hostUsers: false` with user namespaces on (before: `true`, which turned them off). */
  readonly hostUsersFixed: boolean;
  /** The devfile may not set `mountSources` (before flattening) or `sourceMapping`. */
  readonly mountSourcesRefused: boolean;
  /**
   * The agent for workspaces (agentw): the `GL_AGENTW_*` and `GL_GITLAB_AGENT_SERVER_ADDRESS` variables and
   * file `gl_agentw_token`, and the `gl-start-agentw-command` postStart command when the proxy serves no
   * HTTP and the instance serves workspaces itself.
   */
  readonly agentw: boolean;
  /**
   * The default extension marketplace's resource URL template (`GL_VSCODE_EXTENSION_MARKETPLACE_RESOURCE_URL_TEMPLATE`
   * when the instance sets none): Open VSX's `unpkg` endpoint with `{versionRaw}` (18.9) or `{version}` (before).
   */
  readonly extensionMarketplaceResourceUrlTemplate: string;
}

/** One change: the version that introduced it, what it is (for the docs), and the behaviour it sets. */
export interface GitLabChange {
  readonly since: GitLabVersion;
  readonly what: string;
  readonly set: Partial<Omit<GitLabBehaviour, 'version'>>;
}

/** The baseline: GitLab 18.2 (the oldest supported version). */
const BASELINE: Omit<GitLabBehaviour, 'version'> = {
  toolsInjectorImage: TOOLS_INJECTOR_IMAGE_2506,
  execWorkingDir: false,
  overrideCommandAttribute: false,
  proxyEnablementSettings: false,
  randomWorkspaceNames: false,
  perComponentPostStart: false,
  hostUsersFixed: false,
  mountSourcesRefused: false,
  agentw: false,
  extensionMarketplaceResourceUrlTemplate: 'https://open-vsx.org/vscode/unpkg/{publisher}/{name}/{version}/{path}',
};

/** Every difference between the supported versions, keyed by the version that introduced it. */
export const GITLAB_CHANGES: readonly GitLabChange[] = [
  { since: '18.4', what: 'exec `workingDir` accepted; postStart runners `cd` into it (main component default: `${PROJECT_SOURCE}/<project path>`; internal commands: `/projects`)', set: { execWorkingDir: true } },
  { since: '18.4', what: 'agent config `gitlab_workspaces_proxy.http_enabled` / `ssh_enabled` (default true); both false: the NetworkPolicy has no proxy ingress rule', set: { proxyEnablementSettings: true } },
  { since: '18.4', what: '`overrideCommand` attribute (default true for the main component, false for others); `command`/`args` need `overrideCommand: false`', set: { overrideCommandAttribute: true } },
  { since: '18.4', what: 'agent for workspaces: `GL_AGENTW_*`, `GL_GITLAB_AGENT_SERVER_ADDRESS`, file `gl_agentw_token`; `gl-start-agentw-command` first when the proxy serves no HTTP on an instance that serves workspaces', set: { agentw: true } },
  { since: '18.4', what: 'tools injector image `20250903132715-workspaces-tools` (the first with agentw)', set: { toolsInjectorImage: TOOLS_INJECTOR_IMAGE_2509 } },
  { since: '18.4', what: 'workspace names like `date-butterfly-darkturquoise` (no agent id in the name)', set: { randomWorkspaceNames: true } },
  { since: '18.5', what: 'postStart per container component (scripts, runners, logs and hooks per component; ConfigMap projected with `items`)', set: { perComponentPostStart: true } },
  { since: '18.6', what: '`hostUsers: false` with `use_kubernetes_user_namespaces` (before: `true`)', set: { hostUsersFixed: true } },
  { since: '18.8', what: 'devfile `mountSources` and `sourceMapping` refused', set: { mountSourcesRefused: true } },
  { since: '18.9', what: 'default extension marketplace resource URL template `.../unpkg/{publisher}/{name}/{versionRaw}/{path}` (before: `{version}`)', set: { extensionMarketplaceResourceUrlTemplate: 'https://open-vsx.org/vscode/unpkg/{publisher}/{name}/{versionRaw}/{path}' } },
];

/** `a` before `b` (-1), same (0), after (1). */
export function compareGitLabVersions(a: GitLabVersion, b: GitLabVersion): number {
  return Math.sign(SUPPORTED_GITLAB_VERSIONS.indexOf(a) - SUPPORTED_GITLAB_VERSIONS.indexOf(b));
}

const behaviours = new Map<GitLabVersion, GitLabBehaviour>();

/** What GitLab `version` does: the baseline with every change up to and including that version applied. */
export function gitlabBehaviour(version: GitLabVersion = DEFAULT_GITLAB_VERSION): GitLabBehaviour {
  let b = behaviours.get(version);
  if (!b) {
    b = Object.freeze(GITLAB_CHANGES
      .filter((c) => compareGitLabVersions(c.since, version) <= 0)
      .reduce<GitLabBehaviour>((acc, c) => ({ ...acc, ...c.set }), { ...BASELINE, version }));
    behaviours.set(version, b);
  }
  return b;
}

/**
 * A GitLab version as people write it (`18.9`, `18.9.1`, `v18.9.0-ee`) as a supported version, or why
 * it is not one. The patch level and edition do not change workspace behaviour.
 */
export function parseGitLabVersion(text: string): { ok: true; value: GitLabVersion } | { ok: false; message: string } {
  const supported = `supported: ${SUPPORTED_GITLAB_VERSIONS[0]} to ${SUPPORTED_GITLAB_VERSIONS[SUPPORTED_GITLAB_VERSIONS.length - 1]}`;
  const m = /^v?(\d+)\.(\d+)(?:\.\d+)?(?:-(?:ee|ce|pre|rc\d*))?$/i.exec(text.trim());
  if (!m) return { ok: false, message: `"${text}" is not a GitLab version such as 18.9 or 18.9.1 (${supported})` };
  const version = `${Number(m[1])}.${Number(m[2])}`;
  if ((SUPPORTED_GITLAB_VERSIONS as readonly string[]).includes(version)) return { ok: true, value: version as GitLabVersion };
  const older = Number(m[1]) < 18 || (Number(m[1]) === 18 && Number(m[2]) < 2);
  return {
    ok: false,
    message: older
      ? `GitLab ${version} is not supported (${supported}); its workspaces differ in ways this tool does not reproduce`
      : `GitLab ${version} is newer than this tool knows (${supported}); target ${DEFAULT_GITLAB_VERSION} (the newest it knows) or update this tool`,
  };
}

/** True when `value` is a supported version string exactly as the table writes it (`18.9`). */
export function isGitLabVersion(value: unknown): value is GitLabVersion {
  return typeof value === 'string' && (SUPPORTED_GITLAB_VERSIONS as readonly string[]).includes(value);
}

/**
 * A GitLab version from a configuration value (YAML, JSON, construct props): a string as
 * `parseGitLabVersion` reads it. A number is refused with the quoting to use: YAML reads `18.10` as the
 * number 18.1, so versions must be strings.
 */
export function gitlabVersionFromValue(value: unknown): { ok: true; value: GitLabVersion } | { ok: false; message: string } {
  if (typeof value === 'string') return parseGitLabVersion(value);
  if (typeof value === 'number') {
    return { ok: false, message: `the GitLab version must be a string: write "${String(value)}" in quotes (unquoted, 18.10 would be read as 18.1)` };
  }
  return { ok: false, message: `the GitLab version must be a string such as "${DEFAULT_GITLAB_VERSION}"` };
}

/**
 * The agent (agentk) image GitLab's gitlab-agent chart runs. The chart's own default tag follows the
 * chart (2.26.0 ships an 18.11 agent), not the GitLab instance, so the stack sets `image.tag` itself.
 */
export const AGENTK_IMAGE_REPOSITORY = 'registry.gitlab.com/gitlab-org/cluster-integration/gitlab-agent/agentk';

/**
 * The agentk image tag for a GitLab version as the config writes it: `v<major>.<minor>.<patch>`, the
 * patch level when the version gives one (`18.9.2` -> `v18.9.2`), else `.0` (the one tag every minor has;
 * write the instance's full version to get its patch fixes). GitLab's own install command pins the
 * agent to the instance's KAS version the same way (gitlab-org/gitlab!88188). Undefined when the text is
 * not a supported version (reported elsewhere).
 */
export function agentImageTagFor(versionText: unknown): string | undefined {
  if (typeof versionText !== 'string') return undefined;
  const parsed = parseGitLabVersion(versionText);
  if (!parsed.ok) return undefined;
  const patch = /^v?\d+\.\d+\.(\d+)/.exec(versionText.trim())?.[1];
  return `v${parsed.value}.${patch === undefined ? 0 : Number(patch)}`;
}

/** An agentk image tag (`v18.9.1`, `v18.9.0-rc1`): its major and minor, or undefined when it is not one. */
export function parseAgentImageTag(tag: string): { major: number; minor: number } | undefined {
  const m = /^v(\d+)\.(\d+)\.\d+(?:-[0-9A-Za-z.-]+)?$/.exec(tag);
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : undefined;
}

/**
 * Why an agent at `tag` is outside what GitLab `gitlab` supports, or undefined. GitLab supports an agent
 * of its own minor version or one minor behind (docs.gitlab.com, "Installing the agent for Kubernetes",
 * agent version compatibility; agentk and KAS share their version numbers).
 */
export function agentVersionWindowProblem(tag: string, gitlab: GitLabVersion): string | undefined {
  const agent = parseAgentImageTag(tag);
  if (!agent) return `${tag} is not an agentk version tag such as v${gitlab}.0`;
  const [major, minor] = gitlab.split('.').map(Number);
  const previous = minor > 0 ? `${major}.${minor - 1}` : `the last ${major - 1}.x`;
  const window = `GitLab ${gitlab} supports agents ${gitlab} and ${previous}`;
  const newer = agent.major > major || (agent.major === major && agent.minor > minor);
  if (newer) return `agent ${tag} is newer than GitLab ${gitlab}: ${window} (a newer agent may call APIs the instance does not have yet)`;
  // One behind across a major (19.0 and 18.x) is accepted: the table does not know a major's last minor.
  const oneBehind = agent.major === major ? minor - agent.minor <= 1 : agent.major === major - 1 && minor === 0;
  if (!oneBehind) return `agent ${tag} is more than one minor version behind GitLab ${gitlab}: ${window}`;
  return undefined;
}
