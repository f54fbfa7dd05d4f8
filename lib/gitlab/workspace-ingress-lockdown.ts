import { ITerraformDependable, TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import { LABEL_AGENT_ID } from '../common/gitlab-contract';


/** Workspace pods, whatever their namespace: GitLab puts its agent label on every one. */
const WORKSPACE_PODS = { matchExpressions: [{ key: LABEL_AGENT_ID, operator: 'Exists' }] } as const;

/**
 * An EKS ClusterNetworkPolicy (`networking.k8s.aws/v1alpha1`, tier Admin: no namespace NetworkPolicy can
 * override it) that refuses traffic from every pod of the cluster to workspace pods in any namespace.
 * Its ingress peers can only be pods or namespaces (the CRD has no CIDR peer for ingress): traffic from
 * outside the pod network is left to the security groups.
 */
export function workspaceIngressClusterPolicyObject(name: string, priority = 10): Record<string, unknown> {
  return {
    apiVersion: 'networking.k8s.aws/v1alpha1',
    kind: 'ClusterNetworkPolicy',
    metadata: { name },
    spec: {
      tier: 'Admin',
      priority,
      subject: { pods: { namespaceSelector: {}, podSelector: WORKSPACE_PODS } },
      ingress: [{ name: 'no-ingress-without-the-proxy', action: 'Deny', from: [{ namespaces: {} }] }],
    },
  };
}

export interface WorkspaceIngressLockdownProps {
  /** The Kubernetes provider configured for the cluster. */
  readonly kubernetesProvider: TerraformProvider;
  /**
   * The namespace workspaces share (`shared_namespace`): a NetworkPolicy there isolates their pods for
   * ingress, which any NetworkPolicy-enforcing CNI honours. Absent: an EKS ClusterNetworkPolicy covers the
   * dynamically created `gl-rd-ns-*` namespaces (VPC CNI 1.21.1+ with network policy enabled).
   * @default none
   */
  readonly sharedNamespace?: string;
  /** The objects' name. @default 'gitlab-workspaces-no-ingress' */
  readonly name?: string;
  /** Resources to wait for (the shared namespace). @default none */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * Closes ingress to workspace pods when no workspaces proxy serves them (`proxy: disabled`). GitLab's own
 * NetworkPolicy is then Egress only (GitLab 18.4+ drops its proxy ingress rule when
 * `gitlab_workspaces_proxy.http_enabled` and `ssh_enabled` are false), so every pod of the cluster could
 * reach a workspace's editor and SSH ports. Without the proxy nothing needs to come in: the agent for
 * workspaces (agentw) in the workspace dials out to GitLab's agent server and the traffic comes back
 * through that connection (GitLab gitlab-org/gitlab#569402 and merge request 205021).
 */
export class WorkspaceIngressLockdown extends Construct {
  /** With a shared namespace: the NetworkPolicy there. */
  readonly networkPolicy?: NetworkPolicyV1;
  /** Without: the EKS ClusterNetworkPolicy. */
  readonly clusterPolicy?: Manifest;

  constructor(scope: Construct, id: string, props: WorkspaceIngressLockdownProps) {
    super(scope, id);
    const name = props.name ?? 'gitlab-workspaces-no-ingress';
    if (props.sharedNamespace !== undefined) {
      this.networkPolicy = new NetworkPolicyV1(this, 'network-policy', {
        provider: props.kubernetesProvider,
        metadata: { name, namespace: props.sharedNamespace },
        spec: {
          podSelector: { matchExpressions: WORKSPACE_PODS.matchExpressions.map((e) => ({ ...e })) },
          policyTypes: ['Ingress'],
        },
        dependsOn: props.dependsOn,
      });
    } else {
      this.clusterPolicy = new Manifest(this, 'cluster-network-policy', {
        provider: props.kubernetesProvider,
        manifest: workspaceIngressClusterPolicyObject(name),
        dependsOn: props.dependsOn,
      });
    }
  }
}
