/**
 * The node guard: a ValidatingAdmissionPolicy that gives the labels system components are placed by the
 * guarantee a `node-restriction.kubernetes.io/` label has (a kubelet cannot set it on its own node), for
 * labels EKS managed node groups can actually set. A managed node group cannot use that prefix: the EKS API
 * refuses labels under `kubernetes.io/` (aws/containers-roadmap#1451, open), and the kubelet, which applies
 * a managed group's labels (`--node-labels`), refuses to start with one. So the pool label is set at
 * registration by the kubelet, as EKS does it, and this policy stops a kubelet, or a pod's service
 * account, from adding, changing or removing it (or any `gitlab-workspaces/` label, or the Sysbox install
 * label) afterwards, and from moving the taints system pods and runtimes rely on. A node registers as a
 * system node only with the system taint. Kubelets cannot change their taints after registration nor
 * delete their Node (NodeRestriction, and the Node authorizer's rules), so a node that an escape from a
 * workspace takes over stays a workspace node. Pure objects, and a construct applying them.
 */
import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { AdmissionPolicyDefinition, validatingAdmissionPolicyBindingObject, validatingAdmissionPolicyObject } from '../common/admission-policy';
import { AdmissionPolicy } from './admission-policy';
import { GUARDED_NODE_LABEL_KEYS, GUARDED_NODE_LABEL_PREFIX, POOL_LABEL, SYSTEM_POOL, SYSTEM_TAINT } from './scheduling';

/** The policy's name (and its binding's). */
export const NODE_GUARD_POLICY = 'gitlab-workspaces-node-guard';

/** A CEL test of a label key: one of the guarded labels. */
function guardedLabel(key: string): string {
  return `(${key}.startsWith(${JSON.stringify(GUARDED_NODE_LABEL_PREFIX)}) || ${key} in ${JSON.stringify(GUARDED_NODE_LABEL_KEYS)})`;
}

/** A CEL test of a taint: one of the taints system pods and runtimes are kept apart by. */
function guardedTaint(taint: string): string {
  return `(${taint}.key.startsWith(${JSON.stringify(GUARDED_NODE_LABEL_PREFIX)}) || ${taint}.key == ${JSON.stringify(SYSTEM_TAINT.key)})`;
}

/**
 * CEL: every label of `from` that `selected` keeps is in `to` with the same value. Absent fields are tested
 * with `has()` (a typed object has no empty default), so the expression never errors on a node.
 */
export function labelsKept(from: string, to: string, selected: (key: string) => string): string {
  return `(!has(${from}.metadata.labels) || ${from}.metadata.labels.all(k, !(${selected('k')}) || (has(${to}.metadata.labels) && k in ${to}.metadata.labels && ${to}.metadata.labels[k] == ${from}.metadata.labels[k])))`;
}

/** CEL: every taint of `from` that `selected` keeps is in `to`, with the same value and effect. */
export function taintsKept(from: string, to: string, selected: (taint: string) => string): string {
  const value = (t: string) => `(has(${t}.value) ? ${t}.value : '')`;
  return `(!has(${from}.spec.taints) || ${from}.spec.taints.all(t, !(${selected('t')}) || (has(${to}.spec.taints) && ${to}.spec.taints.exists(u, u.key == t.key && u.effect == t.effect && ${value('u')} == ${value('t')}))))`;
}

/** The node guard policy, as data. */
export function nodeGuardPolicy(): AdmissionPolicyDefinition {
  const unchanged = (select: (x: string) => string, kept: typeof labelsKept) => `request.operation != 'UPDATE' || (${kept('object', 'oldObject', select)} && ${kept('oldObject', 'object', select)})`;
  return {
    name: NODE_GUARD_POLICY,
    resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['nodes', 'nodes/status'] }],
    // Kubelets, and every pod's service account: what an escape from a workspace can hold. Cluster
    // admins and EKS itself (which updates a managed group's labels) are not matched.
    matchConditions: [{
      name: 'from-a-node-or-a-pod',
      expression: "request.userInfo.groups.exists(g, g == 'system:nodes' || g == 'system:serviceaccounts')",
    }],
    validations: [
      {
        expression: unchanged(guardedLabel, labelsKept),
        message: `a node or a pod may not add, change or remove the labels under ${GUARDED_NODE_LABEL_PREFIX} or ${GUARDED_NODE_LABEL_KEYS.join(', ')}: they say which pool and runtime a node was built for`,
        reason: 'Forbidden',
      },
      {
        expression: unchanged(guardedTaint, taintsKept),
        message: `a node or a pod may not add, change or remove the taints keyed ${SYSTEM_TAINT.key} or under ${GUARDED_NODE_LABEL_PREFIX}`,
        reason: 'Forbidden',
      },
      {
        expression: `request.operation != 'CREATE' || !has(object.metadata.labels) || !(${JSON.stringify(POOL_LABEL)} in object.metadata.labels) || object.metadata.labels[${JSON.stringify(POOL_LABEL)}] != ${JSON.stringify(SYSTEM_POOL)} || (has(object.spec.taints) && object.spec.taints.exists(t, t.key == ${JSON.stringify(SYSTEM_TAINT.key)} && t.effect == ${JSON.stringify(SYSTEM_TAINT.effect)}))`,
        message: `a node registers with ${POOL_LABEL}=${SYSTEM_POOL} only together with the taint ${SYSTEM_TAINT.key}:${SYSTEM_TAINT.effect}`,
        reason: 'Forbidden',
      },
    ],
  };
}

/** The policy and its binding (Deny), as Kubernetes objects. */
export function nodeGuardObjects(): Array<Record<string, unknown>> {
  const policy = nodeGuardPolicy();
  return [validatingAdmissionPolicyObject(policy), validatingAdmissionPolicyBindingObject(policy)];
}

export interface NodeGuardProps {
  /** The Kubernetes provider configured for the cluster. */
  readonly kubernetesProvider: TerraformProvider;
}

/** The node guard policy and its binding, applied with `kubernetes_manifest`. */
export class NodeGuard extends AdmissionPolicy {
  constructor(scope: Construct, id: string, props: NodeGuardProps) {
    super(scope, id, { kubernetesProvider: props.kubernetesProvider, definition: nodeGuardPolicy() });
  }
}
