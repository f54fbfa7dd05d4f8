import { createHash } from 'crypto';
import { ITerraformDependable, TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { WORKSPACE_GENERATION_LABEL } from '../cluster/scheduling';
import { RuntimeNodes, SudoRuntime } from './types';

/**
 * The image of the smoke test: BusyBox (sh, id, mount, unshare), pinned by the digest of its 1.37.0 index
 * on Docker Hub.
 */
export const RUNTIME_SMOKE_TEST_IMAGE = 'docker.io/library/busybox:1.37.0@sha256:bdf57e528e45e4433820e045b29b4597825a1c9e38353532d90a01445013f82e';
/** The namespace the smoke test runs in: its own, outside the workspace pod policy's namespaces. */
export const RUNTIME_SMOKE_TEST_NAMESPACE = 'gitlab-workspaces-smoke-test';
/**
 * How long the apply waits for the smoke test: the autoscaler brings a workspace node up from zero (a
 * bare-metal node for Kata takes the longest to boot), the installer runs (Sysbox on CRI-O restarts the
 * kubelet), then the pod pulls BusyBox and runs for a second.
 */
export const RUNTIME_SMOKE_TEST_DEFAULT_TIMEOUT_MINUTES = 30;

/** What the smoke pod checks, in order; each line fails the pod (and so the apply) with its message. */
export function runtimeSmokeTestScript(expectUserNamespace: boolean): string {
  return [
    'set -eu',
    'fail() { echo "runtime smoke test FAILED: $*" >&2; exit 1; }',
    // What `sudo` gives a developer: root, and root's rights over the container's own files (apt, dnf).
    '[ "$(id -u)" = 0 ] || fail "the container does not run as root"',
    'echo ok > /etc/gitlab-workspaces-smoke-test || fail "root cannot write /etc (what a package manager does)"',
    'chown 1000:1000 /etc/gitlab-workspaces-smoke-test || fail "root cannot chown"',
    // What rootless Podman and Buildah inside a workspace do: a user namespace with its own mounts.
    'unshare -U -r -m sh -c \'mount -t tmpfs tmpfs /mnt && touch /mnt/ok\' || fail "cannot create a user namespace with its own mounts (unshare -Urm, mount tmpfs)"',
    ...(expectUserNamespace
      // Root inside is not root on the node: uid 0 maps to an unprivileged range.
      ? ['awk \'$1 == 0 && $2 == 0 { found = 1 } END { exit found }\' /proc/self/uid_map || fail "container root is the node\'s root (no user namespace): $(cat /proc/self/uid_map)"']
      : []),
    'echo "runtime smoke test passed: $(id) $(tr -s \' \' < /proc/self/uid_map)"',
  ].join('\n');
}

export interface RuntimeSmokeJobOptions {
  readonly runtime: SudoRuntime;
  /** What the runtime's workspace nodes were given (their labels select them without a RuntimeClass). */
  readonly nodes: RuntimeNodes;
  /** @default RUNTIME_SMOKE_TEST_IMAGE */
  readonly image?: string;
  /** @default RUNTIME_SMOKE_TEST_DEFAULT_TIMEOUT_MINUTES */
  readonly timeoutMinutes?: number;
  /** @default RUNTIME_SMOKE_TEST_NAMESPACE */
  readonly namespace?: string;
  /**
   * The workspace nodes the test must run on: the current generation (the pod is held to it by its label),
   * the Kubernetes minor and the node image they were built with. Part of the Job's name, so new nodes (a
   * new generation: a monthly image roll, a minor upgrade, a new pinned image) get a test of their own.
   * @default any of the runtime's workspace nodes, and the Job stays while the runtime's settings do
   */
  readonly nodesUnderTest?: { readonly generation: number; readonly kubernetesVersion: string; readonly image: string };
}

/**
 * The smoke test's Job (pure): one pod as a workspace would run on the runtime (its RuntimeClass,
 * `hostUsers: false` where the runtime puts workspaces in Kubernetes user namespaces, CRI-O's annotation
 * for Sysbox on CRI-O, allowPrivilegeEscalation as the runtime's agent settings have it), on the
 * runtime's workspace nodes, running runtimeSmokeTestScript. Named after a hash of its content, so a
 * change of runtime, installer or node settings runs a new test (a Job's pod template cannot change).
 * Undefined for a runtime without sudo (`none`).
 */
export function runtimeSmokeJobObject(options: RuntimeSmokeJobOptions): Record<string, unknown> | undefined {
  const { runtime, nodes } = options;
  if (runtime.name === 'none') return undefined;
  const settings = runtime.agentSettings;
  const userNamespace = settings.useKubernetesUserNamespaces === true || settings.annotations !== undefined || runtime.name === 'sysbox';
  const timeoutSeconds = (options.timeoutMinutes ?? RUNTIME_SMOKE_TEST_DEFAULT_TIMEOUT_MINUTES) * 60;
  const labels = { 'app.kubernetes.io/name': 'runtime-smoke-test', 'app.kubernetes.io/part-of': 'gitlab-workspaces', 'gitlab-workspaces/runtime': runtime.name };
  // Without a RuntimeClass (user namespaces), the runtime's workspace nodes by their label (a RuntimeClass
  // adds its own node selector and tolerations); with nodesUnderTest, the current generation's nodes.
  const nodeSelector: Record<string, string> = {
    ...(!runtime.runtimeClass ? nodes.templateLabels : {}),
    ...(options.nodesUnderTest && { [WORKSPACE_GENERATION_LABEL]: String(options.nodesUnderTest.generation) }),
  };
  const podSpec: Record<string, unknown> = {
    restartPolicy: 'Never',
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    ...(runtime.runtimeClass && { runtimeClassName: runtime.runtimeClass.name }),
    ...(settings.useKubernetesUserNamespaces === true && { hostUsers: false }),
    ...(Object.keys(nodeSelector).length > 0 && { nodeSelector }),
    containers: [{
      name: 'smoke-test',
      image: options.image ?? RUNTIME_SMOKE_TEST_IMAGE,
      imagePullPolicy: 'IfNotPresent',
      command: ['sh', '-c', runtimeSmokeTestScript(userNamespace)],
      securityContext: { runAsUser: 0, runAsNonRoot: false, allowPrivilegeEscalation: settings.allowPrivilegeEscalation ?? false },
      resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '64Mi' } },
    }],
  };
  const template = { metadata: { labels, ...(settings.annotations && { annotations: { ...settings.annotations } }) }, spec: podSpec };
  const hash = createHash('sha256').update(JSON.stringify({ template, timeoutSeconds, nodes: options.nodesUnderTest ?? null })).digest('hex').slice(0, 10);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: `runtime-smoke-test-${hash}`, namespace: options.namespace ?? RUNTIME_SMOKE_TEST_NAMESPACE, labels },
    spec: {
      backoffLimit: 1,
      // Fails the Job a minute before Terraform stops waiting, so the Job says why (DeadlineExceeded).
      activeDeadlineSeconds: Math.max(60, timeoutSeconds - 60),
      template,
    },
  };
}

export interface RuntimeSmokeTestProps extends RuntimeSmokeJobOptions {
  /** The Kubernetes provider configured for the cluster. */
  readonly kubernetesProvider: TerraformProvider;
  /** What must exist first: the runtime's installer and RuntimeClass, the autoscaler. @default none */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The deploy-time smoke test of a sudo runtime: its own namespace (Pod Security baseline, outside the
 * namespaces the workspace pod policy guards) and a Job, as a `kubernetes_manifest` whose apply waits for
 * the Job's `Complete` condition: the autoscaler must bring up a workspace node, the installer make the
 * runtime ready and the pod do what `sudo` in a workspace does, or the apply fails (after
 * `timeoutMinutes`), so a broken node fails the deploy, not the first developer. The finished Job and its
 * pod stay as the record (`kubectl -n gitlab-workspaces-smoke-test logs job/...`); they hold no resources,
 * the node scales down as an empty one, and a changed runtime replaces the Job.
 */
export class RuntimeSmokeTest extends Construct {
  readonly namespace: NamespaceV1;
  readonly job: Manifest;

  constructor(scope: Construct, id: string, props: RuntimeSmokeTestProps) {
    super(scope, id);
    const object = runtimeSmokeJobObject(props);
    if (!object) throw new Error(`RuntimeSmokeTest: runtime ${props.runtime.name} has no sudo to test`);
    const namespace = props.namespace ?? RUNTIME_SMOKE_TEST_NAMESPACE;
    const timeout = `${props.timeoutMinutes ?? RUNTIME_SMOKE_TEST_DEFAULT_TIMEOUT_MINUTES}m`;
    this.namespace = new NamespaceV1(this, 'namespace', {
      provider: props.kubernetesProvider,
      metadata: { name: namespace, labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } },
      dependsOn: props.dependsOn,
    });
    this.job = new Manifest(this, 'job', {
      provider: props.kubernetesProvider,
      manifest: object,
      // The Job controller adds its own labels to the pod template (job-name, controller-uid).
      computedFields: ['metadata.labels', 'metadata.annotations', 'spec.template.metadata.labels'],
      wait: { condition: [{ type: 'Complete', status: 'True' }] },
      timeouts: { create: timeout, update: timeout },
      dependsOn: [this.namespace, ...(props.dependsOn ?? [])],
    });
  }
}
