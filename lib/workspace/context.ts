/**
 * Step 0 of the renderer: everything the later steps need that depends only on the agent config and
 * the workspace identity (object names, namespace, labels, annotations, replicas), computed once, and
 * the checks that the names fit Kubernetes' limits. Pure.
 */
import type { RemoteDevelopmentSettings } from '../agent-config/types';
import { maxResourcesSha256 } from '../agent-config/max-resources-sha256';
import { Diagnostic, Severity } from '../common/diagnostics';
import type { YamlPath, YamlSource } from '../common/yaml-source';
import { formatPath } from '../common/yaml-source';
import type { DevfileMode } from '../devfile/model';
import {
  ANNOTATION_HOST_TEMPLATE,
  ANNOTATION_MAX_RESOURCES_SHA256,
  ANNOTATION_OWNING_INVENTORY,
  ANNOTATION_WORKSPACE_ID,
  DEFAULT_TOOLS_INJECTOR_IMAGE,
  ENV_SECRET_SUFFIX,
  FILE_SECRET_SUFFIX,
  LABEL_AGENT_ID,
  LABEL_WORKSPACE_ID,
  SCRIPTS_CONFIGMAP_SUFFIX,
  SECRETS_INVENTORY_SUFFIX,
  WORKSPACE_INVENTORY_SUFFIX,
} from './constants';
import { desiredReplicas, WORKSPACE_NAME_MAX, WorkspaceIdentity } from './identity';
import type { StringMap } from './kubernetes';

/** Options that are GitLab instance settings rather than agent config or workspace data. */
export interface RenderOptions {
  /**
   * The image of the tools injector init container (GitLab setting `tools_injector_image`).
   * @default GitLab's default, DEFAULT_TOOLS_INJECTOR_IMAGE
   */
  readonly toolsInjectorImage?: string;
  /**
   * Whether the editor may use the extensions marketplace (`GL_VSCODE_ENABLE_MARKETPLACE`).
   * @default false
   */
  readonly extensionsMarketplaceEnabled?: boolean;
  /**
   * Content of the `gl_token` file variable. GitLab puts a personal access token it creates for the
   * workspace there; a renderer cannot mint one, so it is empty unless given.
   * @default ''
   */
  readonly token?: string;
  /**
   * Parsed sources of the input files, used only to point diagnostics at a line and column.
   * Without them diagnostics point at line 1 of `<workspace>` / `<devfile>`.
   */
  readonly sources?: { readonly workspace?: YamlSource; readonly devfile?: YamlSource };
}

/** Kubernetes' limit on a label value; the inventory-id label carries `<workspace>-workspace-inventory`. */
const LABEL_VALUE_MAX = 63;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export interface RenderContext {
  readonly mode: DevfileMode;
  readonly settings: RemoteDevelopmentSettings;
  readonly workspace: WorkspaceIdentity;
  /** Workspace name: the base of every object name. */
  readonly name: string;
  readonly namespace: string;
  readonly sharedNamespace: boolean;
  readonly workspaceId: string;
  readonly replicas: 0 | 1;
  readonly names: {
    readonly workspaceInventory: string;
    readonly secretsInventory: string;
    readonly scriptsConfigMap: string;
    readonly envSecret: string;
    readonly fileSecret: string;
  };
  /** On every object; selectors use them too. */
  readonly labels: StringMap;
  /** On the inventory ConfigMaps. */
  readonly commonAnnotations: StringMap;
  /** On objects of the workspace inventory (and the pod template). */
  readonly workspaceAnnotations: StringMap;
  /** On the Secrets. */
  readonly secretsAnnotations: StringMap;
  readonly toolsInjectorImage: string;
  readonly extensionsMarketplaceEnabled: boolean;
  readonly token: string;
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

export function buildContext(
  mode: DevfileMode,
  settings: RemoteDevelopmentSettings,
  workspace: WorkspaceIdentity,
  options: RenderOptions = {},
): { context: RenderContext; diagnostics: Diagnostic[] } {
  const diagnostic = (file: 'workspace' | 'devfile', path: YamlPath, message: string, rule: string, severity: Severity = 'error'): Diagnostic => {
    const source = options.sources?.[file];
    if (source) return source.diagnostic(severity, rule, path, message);
    return { severity, file: `<${file}>`, line: 1, column: 1, path: formatPath(path), message, rule };
  };
  const name = workspace.name;
  const sharedNamespace = settings.sharedNamespace !== '';
  const namespace = sharedNamespace ? settings.sharedNamespace : workspace.namespace;
  const workspaceId = String(workspace.id);
  const workspaceInventory = `${name}${WORKSPACE_INVENTORY_SUFFIX}`;
  const secretsInventory = `${name}${SECRETS_INVENTORY_SUFFIX}`;

  const diagnostics: Diagnostic[] = [];
  if (!DNS1035_LABEL.test(name)) {
    diagnostics.push(diagnostic('workspace', ['name'], `workspace name '${name}' is not a valid Kubernetes Service name: use lowercase letters, digits and '-', starting with a letter and ending with a letter or digit`, 'workspace/name-format'));
  }
  if (name.length > WORKSPACE_NAME_MAX) {
    diagnostics.push(diagnostic('workspace', ['name'], `workspace name '${name}' is ${name.length} characters; at most ${WORKSPACE_NAME_MAX} are allowed, because label value '${workspaceInventory}' (the name plus '${WORKSPACE_INVENTORY_SUFFIX}') must fit in ${LABEL_VALUE_MAX} characters`, 'workspace/name-length'));
  }
  if (!sharedNamespace && (!DNS1123_LABEL.test(namespace) || namespace.length > 63)) {
    diagnostics.push(diagnostic('workspace', ['namespace'], `namespace '${namespace}' is not a valid Kubernetes namespace name: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit`, 'workspace/namespace-format'));
  }

  const labels: Record<string, string> = { ...settings.labels, [LABEL_AGENT_ID]: String(workspace.agentId) };
  if (sharedNamespace) labels[LABEL_WORKSPACE_ID] = workspaceId;
  const commonAnnotations = sortedMap({
    ...settings.annotations,
    [ANNOTATION_HOST_TEMPLATE]: `{{.port}}-${name}.${settings.dnsZone}`,
    [ANNOTATION_WORKSPACE_ID]: workspaceId,
    [ANNOTATION_MAX_RESOURCES_SHA256]: maxResourcesSha256(settings),
  });

  const context: RenderContext = {
    mode,
    settings,
    workspace,
    name,
    namespace,
    sharedNamespace,
    workspaceId,
    replicas: desiredReplicas(workspace.desiredState),
    names: {
      workspaceInventory,
      secretsInventory,
      scriptsConfigMap: `${name}${SCRIPTS_CONFIGMAP_SUFFIX}`,
      envSecret: `${name}${ENV_SECRET_SUFFIX}`,
      fileSecret: `${name}${FILE_SECRET_SUFFIX}`,
    },
    labels: sortedMap(labels),
    commonAnnotations,
    workspaceAnnotations: sortedMap({ ...commonAnnotations, [ANNOTATION_OWNING_INVENTORY]: workspaceInventory }),
    secretsAnnotations: sortedMap({ ...commonAnnotations, [ANNOTATION_OWNING_INVENTORY]: secretsInventory }),
    toolsInjectorImage: options.toolsInjectorImage ?? DEFAULT_TOOLS_INJECTOR_IMAGE,
    extensionsMarketplaceEnabled: options.extensionsMarketplaceEnabled ?? false,
    token: options.token ?? '',
    pvcName: (volumeName) => `${name}-${volumeName}`,
    diagnostic,
  };
  return { context, diagnostics };
}
