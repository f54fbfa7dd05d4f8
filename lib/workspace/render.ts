/**
 * The workspace renderer: devfile + agent config + workspace identity -> the Kubernetes objects GitLab
 * sends agentk for that workspace (reference section 2), in GitLab's order, as the targeted GitLab
 * version (`RenderOptions.gitlabVersion`, default the newest) builds them. Pure and deterministic:
 * same input, same objects (and, serialized, same bytes). Read top to bottom, `renderWorkspaceResult`
 * is GitLab's pipeline:
 *
 *   0. names, labels, annotations, GitLab version and instance settings   (context.ts)
 *   1. GitLab's create steps (devfile-steps.ts): insert the tools injector, update the main component,
 *      set each container's command (overrideCommand), insert GitLab's internal postStart commands,
 *      insert the workspace data volume; the result is GitLab's processed devfile
 *   then GitLab's `DesiredConfig::Main` on the processed devfile (`renderProcessedDevfileResult`):
 *   2. generate containers, init containers, volumes, ports as GitLab's devfile parser does (pod-generator.ts)
 *   3. apply GitLab's pod settings: runtime class, user namespaces, security contexts, default resources,
 *      variables Secret mounts, service account
 *   4. postStart: scripts ConfigMap data, scripts volume, lifecycle hooks (poststart.ts)
 *   5. assemble the objects: inventories, Deployment, Service, PVCs, ServiceAccount, NetworkPolicy,
 *      scripts ConfigMap, ResourceQuota, Secrets
 *
 * Errors (names over Kubernetes limits, values that are not quantities) come back as diagnostics in
 * a Result, never as a half-built object list. `renderWorkspace` is the throwing convenience.
 */
import type { RemoteDevelopmentSettings } from '../agent-config/types';
import { Diagnostic, DiagnosticsError, hasErrors, Result } from '../common/diagnostics';
import type { Devfile } from '../devfile/model';
import {
  AGENTW_OBSERVABILITY_LISTEN_ADDRESS,
  AGENTW_TOKEN_FILE_NAME,
  GIT_CREDENTIAL_STORE_SCRIPT_FILE_NAME,
  LABEL_INVENTORY_ID,
  LABEL_WORKSPACE_ID,
  PROXY_POD_LABELS,
  RECONCILED_ACTUAL_STATE_FILE_NAME,
  RUN_AS_USER,
  SCRIPTS_VOLUME_DEFAULT_MODE,
  SCRIPTS_VOLUME_NAME,
  SCRIPTS_VOLUME_PATH,
  TOKEN_FILE_NAME,
  VARIABLES_VOLUME_DEFAULT_MODE,
  VARIABLES_VOLUME_NAME,
  VARIABLES_VOLUME_PATH,
  WORKSPACE_LOGS_DIR,
} from '../common/gitlab-contract';
import { buildContext, RenderContext, RenderOptions, sortedMap } from './context';
import { processDevfile } from './devfile-steps';
import type { WorkspaceIdentity } from './identity';
import type {
  ConfigMap,
  Container,
  Deployment,
  KubernetesObject,
  NetworkPolicy,
  ObjectMeta,
  PersistentVolumeClaim,
  PodSpec,
  ResourceQuota,
  Secret,
  Service,
  ServiceAccount,
  StringMap,
} from './kubernetes';
import { GeneratedPod, generatePod } from './pod-generator';
import { planPostStart, PostStartPlan } from './poststart';
import { AGENTW_TOKEN_FILE_PATH, GIT_CREDENTIAL_STORE_SCRIPT_PATH, gitCredentialStoreScript } from './scripts';

export interface RenderWorkspaceInput {
  /** A loaded devfile (`loadDevfile`); its `mode` selects GitLab's rules or devfile mode. */
  readonly devfile: Devfile;
  /** The agent's `remote_development` settings, defaults filled in. */
  readonly agentConfig: RemoteDevelopmentSettings;
  readonly workspace: WorkspaceIdentity;
  readonly options?: RenderOptions;
}

/** Renders the objects, or the diagnostics that say why it cannot. Warnings may accompany success. */
export function renderWorkspaceResult(input: RenderWorkspaceInput): Result<KubernetesObject[]> {
  return inContext(input.devfile, input, (context, diagnostics) => desiredConfig(processDevfile(input.devfile, context), context, diagnostics));
}

/** Renders the objects; throws `DiagnosticsError` when the input cannot be rendered. */
export function renderWorkspace(input: RenderWorkspaceInput): KubernetesObject[] {
  const result = renderWorkspaceResult(input);
  if (!result.ok) throw new DiagnosticsError(result.diagnostics);
  return result.value;
}

/** GitLab's create steps alone: the processed devfile GitLab would keep for this workspace (input of `renderProcessedDevfileResult`). */
export function processWorkspaceDevfile(input: RenderWorkspaceInput): Result<Devfile> {
  return inContext(input.devfile, input, (context, diagnostics) => ({ ok: true, value: processDevfile(input.devfile, context), diagnostics }));
}

/** A processed devfile (GitLab's create steps already applied: `processDevfile`, or GitLab's own) with the rest of the input. */
export interface RenderProcessedDevfileInput extends Omit<RenderWorkspaceInput, 'devfile'> {
  readonly processedDevfile: Devfile;
}

/**
 * GitLab's `DesiredConfig::Main` alone: the objects of an already processed devfile (steps 2 to 5), as
 * for GitLab's own expected outputs, which start from a processed devfile.
 */
export function renderProcessedDevfileResult(input: RenderProcessedDevfileInput): Result<KubernetesObject[]> {
  return inContext(input.processedDevfile, input, (context, diagnostics) => desiredConfig(input.processedDevfile, context, diagnostics));
}

/** Step 0 for a devfile and the rest of the input; `next` runs only when the names and options are usable. */
function inContext<T>(
  devfile: Devfile,
  input: Omit<RenderWorkspaceInput, 'devfile'>,
  next: (context: RenderContext, diagnostics: readonly Diagnostic[]) => Result<T>,
): Result<T> {
  const { context, diagnostics } = buildContext(devfile.mode, input.agentConfig, input.workspace, input.options);
  return hasErrors(diagnostics) ? { ok: false, diagnostics } : next(context, diagnostics);
}

function desiredConfig(processed: Devfile, context: RenderContext, diagnostics: readonly Diagnostic[]): Result<KubernetesObject[]> {
  const generated = generatePod(processed, context);
  const postStart = planPostStart(processed, context);
  const all = [...diagnostics, ...generated.diagnostics, ...postStart.diagnostics];
  if (hasErrors(all)) return { ok: false, diagnostics: all };

  const podSpec = [applyPodSettings, insertVariables, insertScripts(postStart), orderFields].reduce(
    (spec, step) => step(spec, context),
    { initContainers: generated.initContainers, containers: generated.containers, volumes: generated.volumes } as PodSpec,
  );

  return { ok: true, value: assembleObjects(context, generated, podSpec, postStart), diagnostics: all };
}

// ---------------------------------------------------------------------------------------------------
// Step 3: GitLab's pod settings (GitLab's DevfileResourceModifier)

type PodStep = (spec: PodSpec, context: RenderContext) => PodSpec;

const mapAllContainers = (spec: PodSpec, f: (c: Container) => Container): PodSpec => ({
  ...spec,
  initContainers: spec.initContainers.map(f),
  containers: spec.containers.map(f),
});

/** Security contexts, default resources, runtime class, user namespaces, service account. */
const applyPodSettings: PodStep = (spec, context) => {
  const s = context.settings;
  const securityContext = {
    allowPrivilegeEscalation: s.allowPrivilegeEscalation,
    privileged: false,
    runAsNonRoot: true,
    runAsUser: RUN_AS_USER,
  };
  const defaults = s.defaultResourcesPerWorkspaceContainer;
  const withDefaults = (c: Container): Container => ({
    ...c,
    resources: {
      ...c.resources,
      ...fillIn('limits', c.resources.limits, defaults.limits),
      ...fillIn('requests', c.resources.requests, defaults.requests),
    },
  });
  return {
    ...mapAllContainers(spec, (c) => ({ ...withDefaults(c), securityContext })),
    securityContext: { runAsNonRoot: true, runAsUser: RUN_AS_USER, fsGroup: 0, fsGroupChangePolicy: 'OnRootMismatch' },
    serviceAccountName: context.names.serviceAccount,
    ...(s.defaultRuntimeClass !== '' && { runtimeClassName: s.defaultRuntimeClass }),
    // GitLab before 18.6 wrote `true` here, which turned user namespaces off; `false` is what was meant.
    ...(s.useKubernetesUserNamespaces && { hostUsers: !context.gitlab.hostUsersFixed }),
  };
};

/** The agent's default resources fill in what the container does not set; the devfile wins. */
function fillIn(
  key: 'limits' | 'requests',
  own: StringMap | undefined,
  defaults: { readonly cpu?: string; readonly memory?: string } | undefined,
): { limits?: StringMap } | { requests?: StringMap } {
  const merged: Record<string, string> = { ...(own ?? {}) };
  for (const [k, v] of Object.entries(defaults ?? {})) {
    if (v !== undefined && merged[k] === undefined) merged[k] = v;
  }
  // Keys in one order (cpu, memory) whichever side each value came from.
  return Object.keys(merged).length > 0 ? { [key]: sortedMap(merged) } : {};
}

/** The variables Secrets: `envFrom` the env Secret, the file Secret mounted at `/.workspace-data/variables/file`. */
const insertVariables: PodStep = (spec, context) => ({
  ...mapAllContainers(spec, (c) => ({
    ...c,
    envFrom: [{ secretRef: { name: context.names.envSecret } }],
    volumeMounts: [...c.volumeMounts, { name: VARIABLES_VOLUME_NAME, mountPath: VARIABLES_VOLUME_PATH }],
  })),
  volumes: [
    ...spec.volumes,
    { name: VARIABLES_VOLUME_NAME, projected: { defaultMode: VARIABLES_VOLUME_DEFAULT_MODE, sources: [{ secret: { name: context.names.fileSecret } }] } },
  ],
});

// ---------------------------------------------------------------------------------------------------
// Step 4: postStart (GitLab's ScriptsVolumeInserter and KubernetesPoststartHookInserter; the plan: poststart.ts)

const insertScripts = (postStart: PostStartPlan): PodStep => (spec, context) => {
  if (Object.keys(postStart.data).length === 0) return spec;
  return {
    ...spec,
    containers: spec.containers.map((c) => {
      const hook = postStart.hooks.get(c.name);
      return {
        ...c,
        volumeMounts: [...c.volumeMounts, { name: SCRIPTS_VOLUME_NAME, mountPath: SCRIPTS_VOLUME_PATH }],
        ...(hook !== undefined && { lifecycle: { postStart: { exec: { command: ['/bin/sh', '-c', hook] } } } }),
      };
    }),
    volumes: [
      ...spec.volumes,
      {
        name: SCRIPTS_VOLUME_NAME,
        projected: {
          defaultMode: SCRIPTS_VOLUME_DEFAULT_MODE,
          sources: [{ configMap: { name: context.names.scriptsConfigMap, ...(postStart.items && { items: postStart.items }) } }],
        },
      },
    ],
  };
};

/** Fields of every container in one fixed, readable order (Kubernetes ignores the order; people reviewing output do not). */
const orderFields: PodStep = (spec) => {
  const ordered = (c: Container): Container => ({
    name: c.name,
    image: c.image,
    ...(c.command && { command: c.command }),
    ...(c.args && { args: c.args }),
    ...(c.env && c.env.length > 0 && { env: c.env }),
    ...(c.envFrom && { envFrom: c.envFrom }),
    ...(c.ports && { ports: c.ports }),
    resources: c.resources,
    volumeMounts: c.volumeMounts,
    ...(c.lifecycle && { lifecycle: c.lifecycle }),
    imagePullPolicy: c.imagePullPolicy,
    ...(c.securityContext && { securityContext: c.securityContext }),
  });
  return { ...spec, initContainers: spec.initContainers.map(ordered), containers: spec.containers.map(ordered) };
};

// ---------------------------------------------------------------------------------------------------
// Step 5: the objects, in GitLab's order (reference section 2 table)

function assembleObjects(context: RenderContext, generated: GeneratedPod, podSpec: PodSpec, postStart: PostStartPlan): KubernetesObject[] {
  // A terminated workspace keeps only its (now empty) inventories, so agentk prunes everything else.
  if (context.workspace.desiredState === 'Terminated') {
    return [workspaceInventory(context), secretsInventory(context)];
  }
  const objects: KubernetesObject[] = [
    workspaceInventory(context),
    deployment(context, podSpec),
    service(context, generated),
    ...generated.claims.map((claim) => persistentVolumeClaim(context, claim)),
    serviceAccount(context),
  ];
  if (context.settings.networkPolicy.enabled) objects.push(networkPolicy(context));
  if (Object.keys(postStart.data).length > 0) objects.push(scriptsConfigMap(context, postStart.data));
  objects.push(secretsInventory(context));
  const quota = resourceQuota(context);
  if (quota) objects.push(quota);
  objects.push(...secrets(context));
  return objects;
}

const meta = (context: RenderContext, name: string, annotations: StringMap): ObjectMeta => ({
  name,
  namespace: context.namespace,
  labels: context.labels,
  annotations,
});

/** The workspace inventory is in partial reconciliations, the secrets inventory is not. */
const workspaceInventory = (context: RenderContext) =>
  inventoryConfigMap(context, context.names.workspaceInventory, context.workspaceInventoryConfigMapAnnotations);
const secretsInventory = (context: RenderContext) => inventoryConfigMap(context, context.names.secretsInventory, context.commonAnnotations);

function inventoryConfigMap(context: RenderContext, name: string, annotations: StringMap): ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { ...meta(context, name, annotations), labels: sortedMap({ ...context.labels, [LABEL_INVENTORY_ID]: name }) },
  };
}

function deployment(context: RenderContext, spec: PodSpec): Deployment {
  const metadata = meta(context, context.names.deployment, context.workspaceAnnotations);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata,
    spec: {
      replicas: context.replicas,
      selector: { matchLabels: context.labels },
      strategy: { type: 'Recreate' },
      template: { metadata, spec },
    },
  };
}

function service(context: RenderContext, generated: GeneratedPod): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(context, context.names.service, context.workspaceAnnotations),
    spec: { ports: generated.servicePorts, selector: context.labels },
  };
}

function persistentVolumeClaim(context: RenderContext, claim: { readonly name: string; readonly storage: string }): PersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: meta(context, context.pvcName(claim.name), context.workspaceAnnotations),
    // No storageClassName: the cluster's default StorageClass provisions the volume.
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: claim.storage } } },
  };
}

function serviceAccount(context: RenderContext): ServiceAccount {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: meta(context, context.names.serviceAccount, context.workspaceAnnotations),
    automountServiceAccountToken: false,
    imagePullSecrets: context.settings.imagePullSecrets.map((s) => ({ name: s.name })),
  };
}

function networkPolicy(context: RenderContext): NetworkPolicy {
  const s = context.settings;
  // GitLab 18.4+: a proxy that serves neither HTTP nor SSH gets no ingress rule (and the policy no Ingress type).
  const proxy = s.gitlabWorkspacesProxy;
  const proxyIngress = !context.gitlab.proxyEnablementSettings || proxy.httpEnabled || proxy.sshEnabled;
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: meta(context, context.names.networkPolicy, context.workspaceAnnotations),
    spec: {
      podSelector: context.sharedNamespace ? { matchLabels: { [LABEL_WORKSPACE_ID]: context.workspaceId } } : {},
      policyTypes: proxyIngress ? ['Ingress', 'Egress'] : ['Egress'],
      ingress: proxyIngress
        ? [
            {
              from: [
                {
                  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': proxy.namespace } },
                  podSelector: { matchLabels: { ...PROXY_POD_LABELS } },
                },
              ],
            },
          ]
        : [],
      egress: [
        {
          ports: [{ port: 53, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }],
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }],
        },
        ...s.networkPolicy.egress.map((rule) => ({
          to: [{ ipBlock: { cidr: rule.allow, ...(rule.except !== undefined && { except: [...rule.except] }) } }],
        })),
      ],
    },
  };
}

function scriptsConfigMap(context: RenderContext, data: StringMap): ConfigMap {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(context, context.names.scriptsConfigMap, context.workspaceAnnotations), data };
}

function resourceQuota(context: RenderContext): ResourceQuota | undefined {
  const max = context.settings.maxResourcesPerWorkspace;
  if (context.sharedNamespace || (!max.limits && !max.requests)) return undefined;
  const hard: Record<string, string> = {};
  for (const section of ['limits', 'requests'] as const) {
    for (const key of ['cpu', 'memory'] as const) {
      const value = max[section]?.[key];
      if (value !== undefined) hard[`${section}.${key}`] = value;
    }
  }
  return { apiVersion: 'v1', kind: 'ResourceQuota', metadata: meta(context, context.names.resourceQuota, context.resourceQuotaAnnotations), spec: { hard } };
}

/**
 * The two variables Secrets, with GitLab's own variables (its `WorkspaceVariablesBuilder`) first: logs
 * directory, token, git credential helper and identity, domain template, extension marketplace,
 * GitLab Workflow extension, agent for workspaces (18.4+); then the workspace's. A workspace variable
 * with the same key wins but keeps GitLab's position, as in GitLab.
 */
function secrets(context: RenderContext): Secret[] {
  const { workspace, instance } = context;
  const env: Record<string, string> = {};
  const file: Record<string, string> = {};
  env.GL_WORKSPACE_LOGS_DIR = WORKSPACE_LOGS_DIR;
  file[TOKEN_FILE_NAME] = instance.token;
  env.GL_TOKEN_FILE_PATH = `${VARIABLES_VOLUME_PATH}/${TOKEN_FILE_NAME}`;
  file[GIT_CREDENTIAL_STORE_SCRIPT_FILE_NAME] = gitCredentialStoreScript();
  const gitConfig: Array<[string, string]> = [['credential.helper', GIT_CREDENTIAL_STORE_SCRIPT_PATH]];
  if (workspace.user) gitConfig.push(['user.name', workspace.user.name], ['user.email', workspace.user.email]);
  env.GIT_CONFIG_COUNT = String(gitConfig.length);
  gitConfig.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  env.GL_WORKSPACE_DOMAIN_TEMPLATE = context.domainTemplate;
  const marketplace = instance.extensionMarketplace;
  env.GL_VSCODE_EXTENSION_MARKETPLACE_SERVICE_URL = marketplace.serviceUrl;
  env.GL_VSCODE_EXTENSION_MARKETPLACE_ITEM_URL = marketplace.itemUrl;
  env.GL_VSCODE_EXTENSION_MARKETPLACE_RESOURCE_URL_TEMPLATE = marketplace.resourceUrlTemplate;
  env.GITLAB_WORKFLOW_INSTANCE_URL = instance.gitlabUrl;
  env.GITLAB_WORKFLOW_TOKEN_FILE = `${VARIABLES_VOLUME_PATH}/${TOKEN_FILE_NAME}`;
  if (context.gitlab.agentw) {
    // GitLab always writes the token file; it holds a token only when agentw runs.
    file[AGENTW_TOKEN_FILE_NAME] = context.instanceServesWorkspace ? instance.workspaceToken : '';
    env.GL_AGENTW_TOKEN_FILE_PATH = AGENTW_TOKEN_FILE_PATH;
    env.GL_GITLAB_AGENT_SERVER_ADDRESS = instance.kasAddress;
    env.GL_AGENTW_OBSERVABILITY_LISTEN_ADDRESS = AGENTW_OBSERVABILITY_LISTEN_ADDRESS;
  }
  for (const v of workspace.variables ?? []) (v.type === 'file' ? file : env)[v.key] = v.value;
  file[RECONCILED_ACTUAL_STATE_FILE_NAME] = reconciledActualState(workspace.desiredState);

  const secret = (name: string, data: Record<string, string>): Secret => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: meta(context, name, context.secretsAnnotations),
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('base64')])),
  });
  return [secret(context.names.envSecret, env), secret(context.names.fileSecret, file)];
}

/** The actual state GitLab converges to for a desired state (what its reconcile loop writes once settled). */
function reconciledActualState(desired: WorkspaceIdentity['desiredState']): string {
  return desired === 'RestartRequested' ? 'Stopped' : desired;
}
