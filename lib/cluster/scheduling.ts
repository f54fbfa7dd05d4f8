/**
 * How cluster components find their nodes (pure), the one place every system component reads. The system
 * node group carries the label `gitlab-workspaces/pool: system` and the taint
 * `CriticalAddonsOnly=true:NoSchedule`, so workspace pods (which GitLab generates without tolerations) never
 * land there, while CoreDNS, the EBS CSI controller, the autoscaler, the GitLab agent and workspaces proxy
 * do. The label is guarded (see POOL_LABEL): a workspace node taken over after an escape cannot claim it.
 */
import type { NodeTaint } from './managed-node-group';
import type { Toleration } from './cluster-autoscaler';

/**
 * The node label naming a node's pool, set at registration by the kubelet (EKS managed node groups apply
 * their labels that way). Nothing running on a node may change it afterwards: the node guard
 * (node-guard.ts) denies a kubelet or a pod's service account any change to a label under
 * GUARDED_NODE_LABEL_PREFIX, and a node registering with `system` without the system taint.
 */
export const POOL_LABEL = 'gitlab-workspaces/pool';
/** The labels the node guard keeps from nodes and pods: every label under this prefix... */
export const GUARDED_NODE_LABEL_PREFIX = 'gitlab-workspaces/';
/** ...and these (the Sysbox installer's DaemonSet, privileged, selects `sysbox-install`). */
export const GUARDED_NODE_LABEL_KEYS: readonly string[] = ['sysbox-install'];
export const SYSTEM_POOL = 'system';
export const WORKSPACES_POOL = 'workspaces';

/** The node label naming a workspace node's generation (see the stack's workspace node generations). */
export const WORKSPACE_GENERATION_LABEL = 'gitlab-workspaces/generation';

/**
 * The taint of a retiring generation's nodes: no new workspace lands there (GitLab's pods carry no
 * tolerations), while the workspaces already running keep running (NoSchedule evicts nothing).
 */
export const RETIRING_TAINT: NodeTaint = { key: 'gitlab-workspaces/retiring', value: 'true', effect: 'NoSchedule' };

/** The taint of system nodes (a key CoreDNS and the EBS CSI controller already tolerate). */
export const SYSTEM_TAINT: NodeTaint = { key: 'CriticalAddonsOnly', value: 'true', effect: 'NoSchedule' };

/** nodeSelector and tolerations that put a system component on the system nodes. */
export interface Scheduling {
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly Toleration[];
}

/** The toleration of a taint, matching its key, value and effect exactly. */
export function tolerationOf(taint: NodeTaint): Toleration {
  return { key: taint.key, operator: 'Equal', value: taint.value ?? '', effect: taint.effect };
}

export const SYSTEM_SCHEDULING: Scheduling = {
  nodeSelector: { [POOL_LABEL]: SYSTEM_POOL },
  tolerations: [{ key: SYSTEM_TAINT.key, operator: 'Exists', effect: 'NoSchedule' }],
};

/** `nodeSelector` and `tolerations` as Helm chart values (fresh copies; empty when `s` is undefined: anywhere). */
export function schedulingValues(s?: Scheduling): { nodeSelector: Record<string, string>; tolerations: Toleration[] } {
  return { nodeSelector: { ...(s?.nodeSelector ?? {}) }, tolerations: (s?.tolerations ?? []).map((t) => ({ ...t })) };
}
