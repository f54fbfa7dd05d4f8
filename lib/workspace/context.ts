/**
 * Step 0 of the renderer: everything the later steps need that depends only on the agent config, the
 * workspace identity and the GitLab instance (object names, namespace, labels, annotations, replicas,
 * what the GitLab version does, the instance's URLs), computed once, and the checks that the names fit
 * Kubernetes' limits (the identity checker's, `workspaceNameProblem`). Pure.
 */
import type { RemoteDevelopmentSettings } from '../agent-config/types';
import { maxResourcesSha256 } from '../agent-config/max-resources-sha256';
import { Diagnostic, Severity } from '../common/diagnostics';
import { DEFAULT_GITLAB_VERSION, gitlabBehaviour, GitLabBehaviour, GitLabVersion } from '../common/gitlab-version';
import { diagnosticAt } from '../common/reporter';
import { defaultKasAddress } from '../common/gitlab-urls';
import type { YamlPath, YamlSource } from '../common/yaml-source';
import type { DevfileMode } from '../devfile/model';
import {
  ANNOTATION_HOST_TEMPLATE,
  ANNOTATION_INCLUDE_IN_PARTIAL_RECONCILIATION,
  ANNOTATION_MAX_RESOURCES_SHA256,
  ANNOTATION_OWNING_INVENTORY,
  ANNOTATION_WORKSPACE_ID,
  DEFAULT_EXTENSION_MARKETPLACE,
  LABEL_AGENT_ID,
  LABEL_WORKSPACE_ID,
} from '../common/gitlab-contract';
import {
  desiredReplicas,
  WorkspaceIdentity,
  workspaceNameProblem,
  workspaceNamespaceProblem,
  WorkspaceObjectNames,
  workspaceObjectNames,
  workspaceVolumeClaimName,
} from './identity';
import { hostNameProblem } from '../agent-config/kubernetes-rules';
import type { StringMap } from './kubernetes';

/** The extension marketplace of the GitLab instance (admin setting), as the editor is configured with it. */
export interface ExtensionMarketplace {
  /**
   * Whether the workspace's user may use the marketplace (`GL_VSCODE_ENABLE_MARKETPLACE`; the editor's
   * start then writes the gallery into its product.json).
   * @default false
   */
  readonly enabled?: boolean;
  /** @default https://open-vsx.org/vscode/gallery */
  readonly serviceUrl?: string;
  /** @default https://open-vsx.org/vscode/item */
  readonly itemUrl?: string;
  /** @default Open VSX: https://open-vsx.org/vscode/unpkg/{publisher}/{name}/{versionRaw}/{path} (GitLab 18.9; `{version}` before) */
  readonly resourceUrlTemplate?: string;
}

/** Options that are GitLab instance settings rather than agent config or workspace data. */
export interface RenderOptions {
  /**
   * The GitLab version to render for (`parseGitLabVersion` reads `18.9`, `18.9.1`...): postStart
   * layout, workingDir, hostUsers, proxy settings, tools image, agentw (lib/common/gitlab-version.ts).
   * @default DEFAULT_GITLAB_VERSION (the newest supported)
   */
  readonly gitlabVersion?: GitLabVersion;
  /**
   * The image of the tools injector init container (GitLab setting `tools_injector_image`).
   * @default the GitLab version's image (`gitlabBehaviour(version).toolsInjectorImage`)
   */
  readonly toolsInjectorImage?: string;
  /**
   * The GitLab instance's URL, with a trailing slash (`GITLAB_WORKFLOW_INSTANCE_URL`, which configures
   * the GitLab Workflow extension).
   * @default https://gitlab.com/
   */
  readonly gitlabUrl?: string;
  /**
   * The external URL of the instance's agent server (KAS), `GL_GITLAB_AGENT_SERVER_ADDRESS` (GitLab 18.4+).
   * @default derived from gitlabUrl as the stack derives it (`defaultKasAddress`): wss://<host>[/<relative root>]/-/kubernetes-agent/, ws:// for http://, GitLab.com: wss://kas.gitlab.com
   */
  readonly kasAddress?: string;
  /**
   * The host the instance itself serves workspaces under (`gitlab.yml` `workspaces.host`), when it does.
   * With GitLab 18.4+ and `gitlab_workspaces_proxy.http_enabled: false`, workspaces get their host
   * names there and the agent for workspaces (agentw) runs in the workspace.
   * @default none: the proxy serves workspaces under the agent's dns_zone
   */
  readonly workspacesHost?: string;
  /** The instance's extension marketplace. @default disabled, Open VSX URLs */
  readonly extensionMarketplace?: ExtensionMarketplace;
  /** @deprecated use `extensionMarketplace.enabled`. @default false */
  readonly extensionsMarketplaceEnabled?: boolean;
  /**
   * Content of the `gl_token` file variable. GitLab puts a personal access token it creates for the
   * workspace there; a renderer cannot mint one, so it is empty unless given.
   * @default ''
   */
  readonly token?: string;
  /**
   * Content of the `gl_agentw_token` file variable when agentw runs (a workspace token GitLab mints);
   * GitLab leaves it empty otherwise, and so does the renderer.
   * @default ''
   */
  readonly workspaceToken?: string;
  /**
   * Parsed sources of the input files (the `source` of `loadDevfileWithSource` and
   * `parseWorkspaceIdentity`), used only to point diagnostics at a line and column.
   * Without them diagnostics point at line 1 of `<workspace>` / `<devfile>`.
   */
  readonly sources?: { readonly workspace?: YamlSource; readonly devfile?: YamlSource };
}

/** The instance's settings with every default filled in. */
export interface InstanceSettings {
  readonly gitlabUrl: string;
  readonly kasAddress: string;
  readonly extensionMarketplace: Required<ExtensionMarketplace>;
  readonly toolsInjectorImage: string;
  readonly token: string;
  readonly workspaceToken: string;
}

export interface RenderContext {
  readonly mode: DevfileMode;
  /** What the targeted GitLab version does. */
  readonly gitlab: GitLabBehaviour;
  readonly settings: RemoteDevelopmentSettings;
  readonly instance: InstanceSettings;
  readonly workspace: WorkspaceIdentity;
  /** Workspace name: the base of every object name. */
  readonly name: string;
  readonly namespace: string;
  readonly sharedNamespace: boolean;
  readonly workspaceId: string;
  readonly replicas: 0 | 1;
  /** Every object name derived from the workspace name (`workspaceObjectNames`). */
  readonly names: WorkspaceObjectNames;
  /** On every object; selectors use them too. */
  readonly labels: StringMap;
  /** Agent annotations, host template, workspace id, max-resources digest: the secrets inventory's. */
  readonly commonAnnotations: StringMap;
  /** The workspace inventory ConfigMap's: common plus include-in-partial-reconciliation. */
  readonly workspaceInventoryConfigMapAnnotations: StringMap;
  /** Objects of the workspace inventory (Deployment and pod template, Service, PVCs, ServiceAccount, NetworkPolicy, scripts ConfigMap). */
  readonly workspaceAnnotations: StringMap;
  /** The ResourceQuota's: of the workspace inventory, but not in partial reconciliations. */
  readonly resourceQuotaAnnotations: StringMap;
  /** On the Secrets. */
  readonly secretsAnnotations: StringMap;
  /**
   * GitLab serves this workspace itself (18.4+: the proxy serves no HTTP and the instance has a
   * workspaces host): host names under that host, and agentw runs in the workspace.
   */
  readonly instanceServesWorkspace: boolean;
  /** `${PORT}-<name>.<host suffix>`: `GL_WORKSPACE_DOMAIN_TEMPLATE`. */
  readonly domainTemplate: string;
  /** PVC name of a devfile volume component. */
  readonly pvcName: (volumeName: string) => string;
  readonly diagnostic: (file: 'workspace' | 'devfile', path: YamlPath, message: string, rule: string, severity?: Severity) => Diagnostic;
}

export function sortedMap(map: Readonly<Record<string, string>>): StringMap {
  const out: Record<string, string> = {};
  for (const key of Object.keys(map).sort(compareStrings)) out[key] = map[key];
  return out;
}

/** Byte-wise comparison, as Go and Ruby sort strings (names here are ASCII). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export const DEFAULT_GITLAB_URL = 'https://gitlab.com/';

export function buildContext(
  mode: DevfileMode,
  settings: RemoteDevelopmentSettings,
  workspace: WorkspaceIdentity,
  options: RenderOptions = {},
): { context: RenderContext; diagnostics: Diagnostic[] } {
  const diagnostic = (file: 'workspace' | 'devfile', path: YamlPath, message: string, rule: string, severity: Severity = 'error'): Diagnostic =>
    diagnosticAt(`<${file}>`, options.sources?.[file], severity, rule, path, message);
  const gitlab = gitlabBehaviour(options.gitlabVersion ?? DEFAULT_GITLAB_VERSION);
  const name = workspace.name;
  const sharedNamespace = settings.sharedNamespace !== '';
  const namespace = sharedNamespace ? settings.sharedNamespace : workspace.namespace;
  const workspaceId = String(workspace.id);
  const names = workspaceObjectNames(name);

  // An identity built in code (not by parseWorkspaceIdentity) has not been checked yet: same rules, same ids.
  const diagnostics: Diagnostic[] = [];
  const nameProblem = workspaceNameProblem(name);
  if (nameProblem) diagnostics.push(diagnostic('workspace', ['name'], nameProblem.message, `workspace/${nameProblem.rule}`));
  const namespaceProblem = sharedNamespace ? undefined : workspaceNamespaceProblem(namespace);
  if (namespaceProblem) diagnostics.push(diagnostic('workspace', ['namespace'], namespaceProblem.message, `workspace/${namespaceProblem.rule}`));
  const instance = instanceSettings(options, gitlab, diagnostics);

  const labels: Record<string, string> = { ...settings.labels, [LABEL_AGENT_ID]: String(workspace.agentId) };
  if (sharedNamespace) labels[LABEL_WORKSPACE_ID] = workspaceId;
  // GitLab's WorkspaceUrlHelper: with the proxy serving no HTTP, an instance that serves workspaces takes over.
  const instanceServesWorkspace = gitlab.proxyEnablementSettings && !settings.gitlabWorkspacesProxy.httpEnabled && options.workspacesHost !== undefined;
  const hostSuffix = instanceServesWorkspace ? options.workspacesHost! : settings.dnsZone;
  const commonAnnotations = sortedMap({
    ...settings.annotations,
    [ANNOTATION_HOST_TEMPLATE]: `{{.port}}-${name}.${hostSuffix}`,
    [ANNOTATION_WORKSPACE_ID]: workspaceId,
    [ANNOTATION_MAX_RESOURCES_SHA256]: maxResourcesSha256(settings),
  });
  const partial = { [ANNOTATION_INCLUDE_IN_PARTIAL_RECONCILIATION]: 'true' };
  const workspaceInventoryAnnotations = { ...commonAnnotations, [ANNOTATION_OWNING_INVENTORY]: names.workspaceInventory };

  const context: RenderContext = {
    mode,
    gitlab,
    settings,
    instance,
    workspace,
    name,
    namespace,
    sharedNamespace,
    workspaceId,
    replicas: desiredReplicas(workspace.desiredState),
    names,
    labels: sortedMap(labels),
    commonAnnotations,
    workspaceInventoryConfigMapAnnotations: sortedMap({ ...commonAnnotations, ...partial }),
    workspaceAnnotations: sortedMap({ ...workspaceInventoryAnnotations, ...partial }),
    resourceQuotaAnnotations: sortedMap(workspaceInventoryAnnotations),
    secretsAnnotations: sortedMap({ ...commonAnnotations, [ANNOTATION_OWNING_INVENTORY]: names.secretsInventory }),
    instanceServesWorkspace,
    domainTemplate: `\${PORT}-${name}.${hostSuffix}`,
    pvcName: (volumeName) => workspaceVolumeClaimName(name, volumeName),
    diagnostic,
  };
  return { context, diagnostics };
}

/** An instance option that cannot be used: its key in `RenderOptions` (dotted when nested) and what it must be. */
export interface RenderOptionProblem {
  readonly option: string;
  readonly message: string;
}

/** The instance options that cannot be used, each with what it must be (no diagnostics: callers word them). */
export function renderOptionProblems(options: RenderOptions): RenderOptionProblem[] {
  const problems: RenderOptionProblem[] = [];
  const url = (option: string, value: string | undefined, schemes: readonly string[]): void => {
    if (value === undefined) return;
    let parsed: URL | undefined;
    try {
      parsed = new URL(value);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !schemes.includes(parsed.protocol.replace(/:$/, '')) || !parsed.hostname) {
      problems.push({ option, message: `"${value}" must be a ${schemes.join(' or ')} URL such as ${schemes[0]}://gitlab.example.com/` });
    }
  };
  url('gitlabUrl', options.gitlabUrl, ['https', 'http']);
  url('kasAddress', options.kasAddress, ['wss', 'ws', 'grpcs', 'grpc']);
  const m = options.extensionMarketplace ?? {};
  url('extensionMarketplace.serviceUrl', m.serviceUrl, ['https', 'http']);
  url('extensionMarketplace.itemUrl', m.itemUrl, ['https', 'http']);
  url('extensionMarketplace.resourceUrlTemplate', m.resourceUrlTemplate, ['https', 'http']);
  if (options.workspacesHost !== undefined) {
    const hostProblem = hostNameProblem(options.workspacesHost);
    if (hostProblem) problems.push({ option: 'workspacesHost', message: `"${options.workspacesHost}" must be ${hostProblem}` });
  }
  if (options.toolsInjectorImage !== undefined && options.toolsInjectorImage.trim() === '') {
    problems.push({ option: 'toolsInjectorImage', message: 'must name an image' });
  }
  return problems;
}

/** The instance options with their defaults, and a diagnostic (file `<options>`) for each that is not usable. */
function instanceSettings(options: RenderOptions, gitlab: GitLabBehaviour, diagnostics: Diagnostic[]): InstanceSettings {
  for (const p of renderOptionProblems(options)) {
    diagnostics.push({ severity: 'error', file: '<options>', line: 1, column: 1, path: p.option, message: `${p.option} ${p.message}`, rule: 'render/option' });
  }
  const m = options.extensionMarketplace ?? {};
  const gitlabUrl = withTrailingSlash(options.gitlabUrl ?? DEFAULT_GITLAB_URL);
  return {
    gitlabUrl,
    // An unusable gitlabUrl has been reported above (nothing is rendered then): no address to derive.
    kasAddress: options.kasAddress ?? (diagnostics.some((d) => d.path === 'gitlabUrl') ? '' : defaultKasAddress(gitlabUrl)),
    extensionMarketplace: {
      enabled: m.enabled ?? options.extensionsMarketplaceEnabled ?? false,
      serviceUrl: m.serviceUrl ?? DEFAULT_EXTENSION_MARKETPLACE.serviceUrl,
      itemUrl: m.itemUrl ?? DEFAULT_EXTENSION_MARKETPLACE.itemUrl,
      resourceUrlTemplate: m.resourceUrlTemplate ?? gitlab.extensionMarketplaceResourceUrlTemplate,
    },
    toolsInjectorImage: options.toolsInjectorImage ?? gitlab.toolsInjectorImage,
    token: options.token ?? '',
    workspaceToken: options.workspaceToken ?? '',
  };
}

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
