/**
 * The workspace renderer: devfile + agent config + workspace identity -> the Kubernetes objects GitLab
 * sends agentk for that workspace (reference section 2), in GitLab's order. Pure and deterministic:
 * same input, same objects (and, serialized, same bytes). Read top to bottom, `renderWorkspaceResult`
 * is GitLab's pipeline:
 *
 *   0. names, labels, annotations                    (context.ts)
 *   1. insert the tools injector component           (devfile-steps.ts)
 *   2. update the main component (editor env, endpoints, keep-alive)
 *   3. insert GitLab's internal postStart commands
 *   4. insert the workspace data volume
 *   5. generate containers, init containers, volumes, ports as GitLab's devfile parser does (pod-generator.ts)
 *   6. apply GitLab's pod settings: runtime class, user namespaces, security contexts, default resources,
 *      variables Secret mounts, service account
 *   7. postStart: scripts ConfigMap data, scripts volume, lifecycle hooks
 *   8. assemble the objects: inventories, Deployment, Service, PVCs, ServiceAccount, NetworkPolicy,
 *      scripts ConfigMap, ResourceQuota, Secrets
 *
 * Errors (names over Kubernetes limits, values that are not quantities) come back as diagnostics in
 * a Result, never as a half-built object list. `renderWorkspace` is the throwing convenience.
 */
import type { RemoteDevelopmentSettings } from '../agent-config/types';
import { Diagnostic, DiagnosticsError, hasErrors, Result } from '../common/diagnostics';
import type { Devfile } from '../devfile/model';
import {
  GIT_CREDENTIAL_STORE_SCRIPT_FILE_NAME,
  INTERNAL_BLOCKING_COMMAND_LABEL,
  LABEL_INVENTORY_ID,
  LABEL_WORKSPACE_ID,
  PROXY_POD_LABELS,
  RECONCILED_ACTUAL_STATE_FILE_NAME,
  RUN_AS_USER,
  RUN_INTERNAL_BLOCKING_POSTSTART_COMMANDS_SCRIPT,
  RUN_NON_BLOCKING_POSTSTART_COMMANDS_SCRIPT,
  SCRIPTS_VOLUME_DEFAULT_MODE,
  SCRIPTS_VOLUME_NAME,
  SCRIPTS_VOLUME_PATH,
  TOKEN_FILE_NAME,
  VARIABLES_VOLUME_DEFAULT_MODE,
  VARIABLES_VOLUME_NAME,
  VARIABLES_VOLUME_PATH,
  WORKSPACE_LOGS_DIR,
} from './constants';
import { commandsRunBy } from '../devfile/commands';
import { buildContext, RenderContext, RenderOptions, sortedMap } from './context';
import {
  DevfileStep,
  insertDataVolume,
  insertInternalPostStartCommands,
  insertToolsInjector,
  updateMainComponent,
} from './devfile-steps';
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
import { GIT_CREDENTIAL_STORE_SCRIPT_PATH, gitCredentialStoreScript, postStartHookScript, runnerScript } from './scripts';

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
  const { devfile, agentConfig, workspace, options } = input;
  const { context, diagnostics } = buildContext(devfile.mode, agentConfig, workspace, options);
  if (hasErrors(diagnostics)) return { ok: false, diagnostics };

  const steps: DevfileStep[] = [insertToolsInjector, updateMainComponent, insertInternalPostStartCommands, insertDataVolume];
  const processed = steps.reduce((d, step) => step(d, context), devfile);

  const generated = generatePod(processed, context);
  const postStart = postStartScripts(processed, context);
  const all = [...diagnostics, ...generated.diagnostics, ...postStart.diagnostics];
  if (hasErrors(all)) return { ok: false, diagnostics: all };

  const podSpec = [applyPodSettings, insertVariables, insertScripts(postStart), orderFields].reduce(
    (spec, step) => step(spec, context),
    { initContainers: generated.initContainers, containers: generated.containers, volumes: generated.volumes } as PodSpec,
  );

  return { ok: true, value: assembleObjects(context, generated, podSpec, postStart), diagnostics: all };
}

/** Renders the objects; throws `DiagnosticsError` when the input cannot be rendered. */
export function renderWorkspace(input: RenderWorkspaceInput): KubernetesObject[] {
  const result = renderWorkspaceResult(input);
  if (!result.ok) throw new DiagnosticsError(result.diagnostics);
  return result.value;
}

// ---------------------------------------------------------------------------------------------------
// Step 6: GitLab's pod settings (GitLab's DevfileResourceModifier)

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
    ...(s.useKubernetesUserNamespaces && { hostUsers: false }),
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
// Step 7: postStart (GitLab's ScriptsConfigmapAppender, ScriptsVolumeInserter, KubernetesPoststartHookInserter)

/** Kubernetes' limit on the data of one ConfigMap. */
const CONFIGMAP_MAX_BYTES = 1024 * 1024;

interface PostStartScripts {
  /** Scripts ConfigMap data, keys sorted; empty when there are no postStart commands. */
  readonly data: StringMap;
  /** Containers a postStart command runs in. */
  readonly containers: ReadonlySet<string>;
  /** Warnings: postStart commands that cannot run (devfile mode). */
  readonly diagnostics: readonly Diagnostic[];
}

function postStartScripts(devfile: Devfile, context: RenderContext): PostStartScripts {
  const leaves = devfile.events.postStart.flatMap((id) => commandsRunBy(devfile, id));
  const diagnostics = leaves
    .filter((c) => c.kind !== 'exec')
    .map((c) => context.diagnostic('devfile', ['commands', devfile.commands.indexOf(c)],
      `postStart command '${c.id}' is not an exec command; only exec commands run after the workspace starts, so it is skipped`,
      'render/poststart-not-exec', 'warning'));
  const commands = leaves.filter((c): c is Extract<typeof c, { kind: 'exec' }> => c.kind === 'exec');
  if (commands.length === 0) return { data: {}, containers: new Set(), diagnostics };
  const data: Record<string, string> = {};
  for (const c of commands) data[c.id] = execScript(c.exec, devfile.mode);
  const blocking = commands.filter((c) => c.exec.label === INTERNAL_BLOCKING_COMMAND_LABEL).map((c) => c.id);
  const others = commands.filter((c) => c.exec.label !== INTERNAL_BLOCKING_COMMAND_LABEL).map((c) => c.id);
  data[RUN_INTERNAL_BLOCKING_POSTSTART_COMMANDS_SCRIPT] = runnerScript(blocking);
  data[RUN_NON_BLOCKING_POSTSTART_COMMANDS_SCRIPT] = runnerScript(others);
  const bytes = Object.entries(data).reduce((n, [k, v]) => n + Buffer.byteLength(k, 'utf8') + Buffer.byteLength(v, 'utf8'), 0);
  if (bytes > CONFIGMAP_MAX_BYTES) {
    diagnostics.push(context.diagnostic('devfile', ['events', 'postStart'],
      `the postStart commands and GitLab's scripts come to ${bytes} bytes; Kubernetes allows at most ${CONFIGMAP_MAX_BYTES} bytes in ConfigMap '${context.names.scriptsConfigMap}': move long scripts into the image or the project`,
      'render/configmap-size'));
  }
  return { data: sortedMap(data), containers: new Set(commands.map((c) => c.exec.component)), diagnostics };
}

/**
 * A command's script: its command line. In devfile mode the command's `env` and `workingDir` (which
 * GitLab's own rules refuse) are honoured by exporting and changing directory first.
 */
function execScript(
  exec: { readonly commandLine: string; readonly workingDir?: string; readonly env?: ReadonlyArray<{ readonly name: string; readonly value: string }> },
  mode: Devfile['mode'],
): string {
  if (mode !== 'devfile' || (!exec.workingDir && !(exec.env && exec.env.length > 0))) return exec.commandLine;
  const lines = (exec.env ?? []).map((e) => `export ${e.name}="${escapeDoubleQuoted(e.value)}"`);
  if (exec.workingDir) lines.push(`cd "${escapeDoubleQuoted(exec.workingDir)}" || exit 1`);
  return `${lines.join('\n')}\n${exec.commandLine}`;
}

/** Inside double quotes `$VAR` still expands (devfiles use `${PROJECT_SOURCE}`); quotes and backslashes do not break out. */
function escapeDoubleQuoted(value: string): string {
  return value.replace(/[\\"`]/g, (ch) => `\\${ch}`);
}

const insertScripts = (postStart: PostStartScripts): PodStep => (spec, context) => {
  if (Object.keys(postStart.data).length === 0) return spec;
  const hook = postStartHookScript(RUN_INTERNAL_BLOCKING_POSTSTART_COMMANDS_SCRIPT, RUN_NON_BLOCKING_POSTSTART_COMMANDS_SCRIPT);
  return {
    ...spec,
    containers: spec.containers.map((c) => ({
      ...c,
      volumeMounts: [...c.volumeMounts, { name: SCRIPTS_VOLUME_NAME, mountPath: SCRIPTS_VOLUME_PATH }],
      ...(postStart.containers.has(c.name) && { lifecycle: { postStart: { exec: { command: ['/bin/sh', '-c', hook] } } } }),
    })),
    volumes: [
      ...spec.volumes,
      { name: SCRIPTS_VOLUME_NAME, projected: { defaultMode: SCRIPTS_VOLUME_DEFAULT_MODE, sources: [{ configMap: { name: context.names.scriptsConfigMap } }] } },
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
// Step 8: the objects, in GitLab's order (reference section 2 table)

function assembleObjects(context: RenderContext, generated: GeneratedPod, podSpec: PodSpec, postStart: PostStartScripts): KubernetesObject[] {
  // A terminated workspace keeps only its (now empty) inventories, so agentk prunes everything else.
  if (context.workspace.desiredState === 'Terminated') {
    return [inventoryConfigMap(context, context.names.workspaceInventory), inventoryConfigMap(context, context.names.secretsInventory)];
  }
  const objects: KubernetesObject[] = [
    inventoryConfigMap(context, context.names.workspaceInventory),
    deployment(context, podSpec),
    service(context, generated),
    ...generated.claims.map((claim) => persistentVolumeClaim(context, claim)),
    serviceAccount(context),
  ];
  if (context.settings.networkPolicy.enabled) objects.push(networkPolicy(context));
  if (Object.keys(postStart.data).length > 0) objects.push(scriptsConfigMap(context, postStart.data));
  objects.push(inventoryConfigMap(context, context.names.secretsInventory));
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

function inventoryConfigMap(context: RenderContext, name: string): ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { ...meta(context, name, context.commonAnnotations), labels: sortedMap({ ...context.labels, [LABEL_INVENTORY_ID]: name }) },
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
    spec: { type: 'ClusterIP', ports: generated.servicePorts, selector: context.labels },
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
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: meta(context, context.names.networkPolicy, context.workspaceAnnotations),
    spec: {
      podSelector: context.sharedNamespace ? { matchLabels: { [LABEL_WORKSPACE_ID]: context.workspaceId } } : {},
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        {
          from: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': s.gitlabWorkspacesProxy.namespace } },
              podSelector: { matchLabels: { ...PROXY_POD_LABELS } },
            },
          ],
        },
      ],
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
  return { apiVersion: 'v1', kind: 'ResourceQuota', metadata: meta(context, context.names.resourceQuota, context.workspaceAnnotations), spec: { hard } };
}

/**
 * The two variables Secrets. GitLab's own variables first (logs directory, token, git credential helper
 * and identity, domain template), then the workspace's; a workspace variable with the same key wins but
 * keeps GitLab's position, as in GitLab.
 */
function secrets(context: RenderContext): Secret[] {
  const { workspace, settings } = context;
  const env: Record<string, string> = {};
  const file: Record<string, string> = {};
  env.GL_WORKSPACE_LOGS_DIR = WORKSPACE_LOGS_DIR;
  file[TOKEN_FILE_NAME] = context.token;
  env.GL_TOKEN_FILE_PATH = `${VARIABLES_VOLUME_PATH}/${TOKEN_FILE_NAME}`;
  file[GIT_CREDENTIAL_STORE_SCRIPT_FILE_NAME] = gitCredentialStoreScript();
  const gitConfig: Array<[string, string]> = [['credential.helper', GIT_CREDENTIAL_STORE_SCRIPT_PATH]];
  if (workspace.user) gitConfig.push(['user.name', workspace.user.name], ['user.email', workspace.user.email]);
  env.GIT_CONFIG_COUNT = String(gitConfig.length);
  gitConfig.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  env.GL_WORKSPACE_DOMAIN_TEMPLATE = `\${PORT}-${context.name}.${settings.dnsZone}`;
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
