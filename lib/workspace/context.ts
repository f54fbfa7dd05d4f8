/**
 * Step 0 of the renderer: everything the later steps need that depends only on the agent config and
 * the workspace identity (object names, namespace, labels, annotations, replicas), computed once, and
 * the checks that the names fit Kubernetes' limits (the identity checker's, `workspaceNameProblem`). Pure.
 */
import type { RemoteDevelopmentSettings } from '../agent-config/types';
import { maxResourcesSha256 } from '../agent-config/max-resources-sha256';
import { Diagnostic, Severity } from '../common/diagnostics';
import { diagnosticAt } from '../common/reporter';
import type { YamlPath, YamlSource } from '../common/yaml-source';
import type { DevfileMode } from '../devfile/model';
import {
  ANNOTATION_HOST_TEMPLATE,
  ANNOTATION_MAX_RESOURCES_SHA256,
  ANNOTATION_OWNING_INVENTORY,
  ANNOTATION_WORKSPACE_ID,
  DEFAULT_TOOLS_INJECTOR_IMAGE,
  LABEL_AGENT_ID,
  LABEL_WORKSPACE_ID,
} from './constants';
import {
  desiredReplicas,
  WorkspaceIdentity,
  workspaceNameProblem,
  workspaceNamespaceProblem,
  WorkspaceObjectNames,
  workspaceObjectNames,
  workspaceVolumeClaimName,
} from './identity';
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
   * Parsed sources of the input files (the `source` of `loadDevfileWithSource` and
   * `parseWorkspaceIdentity`), used only to point diagnostics at a line and column.
   * Without them diagnostics point at line 1 of `<workspace>` / `<devfile>`.
   */
  readonly sources?: { readonly workspace?: YamlSource; readonly devfile?: YamlSource };
}

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
  /** Every object name derived from the workspace name (`workspaceObjectNames`). */
  readonly names: WorkspaceObjectNames;
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
  const diagnostic = (file: 'workspace' | 'devfile', path: YamlPath, message: string, rule: string, severity: Severity = 'error'): Diagnostic =>
    diagnosticAt(`<${file}>`, options.sources?.[file], severity, rule, path, message);
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
    names,
    labels: sortedMap(labels),
    commonAnnotations,
    workspaceAnnotations: sortedMap({ ...commonAnnotations, [ANNOTATION_OWNING_INVENTORY]: names.workspaceInventory }),
    secretsAnnotations: sortedMap({ ...commonAnnotations, [ANNOTATION_OWNING_INVENTORY]: names.secretsInventory }),
    toolsInjectorImage: options.toolsInjectorImage ?? DEFAULT_TOOLS_INJECTOR_IMAGE,
    extensionsMarketplaceEnabled: options.extensionsMarketplaceEnabled ?? false,
    token: options.token ?? '',
    pvcName: (volumeName) => workspaceVolumeClaimName(name, volumeName),
    diagnostic,
  };
  return { context, diagnostics };
}
