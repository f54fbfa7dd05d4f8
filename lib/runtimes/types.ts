/**
 * The one small interface every sudo runtime answers (pure data): what the workspace nodes need, which
 * RuntimeClass workspaces use, which agent settings make GitLab use it, and which Kubernetes versions it
 * supports. The installers (Kubernetes resources, Helm charts) are constructs built from these answers,
 * in the platform stack (see RuntimeInstallation); the node groups take the node needs in the cluster stack.
 */
import type { Toleration } from '../cluster/cluster-autoscaler';
import type { NodeTaint } from '../cluster/managed-node-group';
import type { NodeImage } from '../cluster/node-image';
import type { RemoteDevelopmentSettings } from '../agent-config/types';

/** The runtimes the stack config offers (`runtime: ...`). */
export const RUNTIME_NAMES = ['none', 'sysbox', 'kata', 'user-namespaces'] as const;
export type RuntimeName = (typeof RUNTIME_NAMES)[number];

/** The agent settings a runtime decides; anything else stays the user's. */
export type RuntimeAgentSettings = Partial<Pick<RemoteDevelopmentSettings,
  'defaultRuntimeClass' | 'allowPrivilegeEscalation' | 'useKubernetesUserNamespaces' | 'annotations'>>;

/**
 * The node label (and taint key) that says which runtime a workspace node was built for. Its installer
 * selects nodes by it, its RuntimeClass tolerates its taint, and a node group keeps it for life.
 */
export { RUNTIME_NODE_LABEL } from '../common/deployed-names';
import { RUNTIME_NODE_LABEL } from '../common/deployed-names';

/** The taint that keeps everything but the runtime's own workspaces (and DaemonSets) off its nodes. */
export function runtimeTaint(runtime: RuntimeName): NodeTaint {
  return { key: RUNTIME_NODE_LABEL, value: runtime, effect: 'NoSchedule' };
}

/** Re-exported: the runtimes' RuntimeClasses and installers tolerate their nodes' taints with it. */
export { tolerationOf } from '../cluster/scheduling';

/** What a runtime needs of the workspace nodes. */
export interface RuntimeNodes {
  /**
   * Labels that say what the nodes were built for: set when a node group is created and kept for its
   * life, so an installer never moves onto nodes built for something else. Always RUNTIME_NODE_LABEL with
   * the runtime's name, whatever the image (none: no label), and its taint, if any, is keyed by it.
   */
  readonly templateLabels: Readonly<Record<string, string>>;
  /** Taints of the nodes: only workspaces with the runtime's RuntimeClass land there. */
  readonly taints: readonly NodeTaint[];
  /**
   * Labels the installer adds once the runtime runs on a node, which the RuntimeClass selects: the Cluster
   * Autoscaler is told a new node will have them, so it scales up from zero for pending workspaces.
   */
  readonly autoscalerLabels: Readonly<Record<string, string>>;
  /**
   * Taints a node registers with and the runtime's installer removes once the runtime runs there (its
   * readiness), so nothing schedules onto a node that cannot run it yet. The Cluster Autoscaler is told
   * they are startup taints (`--startup-taint`, or the `startup-taint.cluster-autoscaler.kubernetes.io/`
   * key prefix): a node still carrying one counts as upcoming, not as a ready node the pending workspace
   * does not fit, so a cold start adds one node, not one per autoscaler loop while the installer runs;
   * and the autoscaler drops them from a scale-from-zero node template. None: none.
   */
  readonly startupTaints?: readonly NodeTaint[];
  /** Bottlerocket kernel settings (sysctl) the runtime needs. */
  readonly bottlerocketSysctl?: Readonly<Record<string, string>>;
  /**
   * Whether the kubelet runs every container without a seccomp profile of its own under the container
   * runtime's default profile (`seccompDefault`), which blocks syscalls a container escape relies on
   * (kernel keyrings, `bpf`, `ptrace` of other processes...). Off only where the runtime's workspaces
   * would break under it.
   */
  readonly seccompDefault: boolean;
}

/** A RuntimeClass workspaces run with: scheduled onto the runtime's nodes, tolerating their taints. */
export interface RuntimeClassSpec {
  readonly name: string;
  /** The container runtime handler configured on the nodes. */
  readonly handler: string;
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly Toleration[];
  /** Resources the sandbox itself takes per pod (a Kata VM), added to the pod's requests. */
  readonly overhead?: { readonly cpu: string; readonly memory: string };
}

/** A supported range of Kubernetes minor versions, and who says so. */
export interface KubernetesVersionRange {
  readonly min?: string;
  readonly max?: string;
  /** The component whose support this is, for messages ("sysbox-deploy-k8s v0.7.0"). */
  readonly by: string;
}

/** A sudo runtime for workspaces: one of these per runtime, built from the stack config's settings. */
export interface SudoRuntime {
  readonly name: RuntimeName;
  /** The image the workspace nodes must run, when the runtime decides it (Sysbox: Canonical's Ubuntu). */
  readonly requiredImage?: NodeImage;
  /** What the workspace nodes need, on a given image. */
  nodes(image: NodeImage): RuntimeNodes;
  /** The RuntimeClass workspaces use (none for `none` and user namespaces). */
  readonly runtimeClass?: RuntimeClassSpec;
  /** The `remote_development` settings that make GitLab's workspaces use the runtime. */
  readonly agentSettings: RuntimeAgentSettings;
  /** The Kubernetes versions its installer supports (none: no limit of its own). */
  readonly kubernetesVersions?: KubernetesVersionRange;
}
