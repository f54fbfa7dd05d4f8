/**
 * Kubernetes user namespaces (pure facts and the runtime's answers). Pods with `hostUsers: false` run as
 * root inside their own user namespace, mapped to an unprivileged range on the node: beta and on by
 * default from Kubernetes 1.33, GA in 1.36. The node needs Linux 6.3 or newer, containerd 2.0 or newer,
 * runc 1.2 or newer and filesystems with idmapped mounts (ext4, xfs). Nothing to install; GitLab renders
 * `hostUsers: false` when the agent sets `use_kubernetes_user_namespaces`.
 *
 * EKS images that qualify: Amazon Linux 2023 from the 1.33 AMIs (kernel 6.12, containerd 2.x, runc 1.3;
 * the 1.31 and 1.32 AMIs have kernel 6.1) and Bottlerocket, whose `user.max_user_namespaces` is 0 until
 * its settings raise it. EKS Auto Mode pins that setting to 0, so it cannot run them (this stack does not
 * use Auto Mode).
 */
import { isBottlerocket, NodeImage } from '../cluster/node-image';
import { RUNTIME_NODE_LABEL, RuntimeNodes, SudoRuntime } from './types';

/** The first Kubernetes version with user namespaces on by default. */
export const USER_NAMESPACES_MIN_KUBERNETES = '1.33';

/** The sysctl Bottlerocket needs raised, and the value set (Kubernetes maps 65536 ids per pod). */
export const BOTTLEROCKET_USER_NAMESPACES_SYSCTL: Readonly<Record<string, string>> = { 'user.max_user_namespaces': '65536' };

/**
 * The EKS images whose nodes can run pods in user namespaces, from which Kubernetes version, and why.
 * An image missing here cannot.
 */
export const USER_NAMESPACE_IMAGES: Readonly<Record<string, { readonly fromKubernetes: string; readonly why: string }>> = {
  AL2023_x86_64_STANDARD: { fromKubernetes: '1.33', why: 'kernel 6.12, containerd 2 and runc 1.3 from the 1.33 AMIs (kernel 6.1 before)' },
  AL2023_ARM_64_STANDARD: { fromKubernetes: '1.33', why: 'kernel 6.12, containerd 2 and runc 1.3 from the 1.33 AMIs (kernel 6.1 before)' },
  BOTTLEROCKET_x86_64: { fromKubernetes: '1.33', why: 'kernel 6.12 and containerd 2, once user.max_user_namespaces is raised from its default 0 (the stack does)' },
  BOTTLEROCKET_ARM_64: { fromKubernetes: '1.33', why: 'kernel 6.12 and containerd 2, once user.max_user_namespaces is raised from its default 0 (the stack does)' },
};

export function userNamespacesRuntime(): SudoRuntime {
  return {
    name: 'user-namespaces',
    // Labelled on every image, as every runtime's nodes are: the label says what a group was built for
    // (on Bottlerocket, the raised sysctl of its template; Amazon Linux 2023 runs them as it is), so a
    // runtime change is always a new generation and a retiring generation's label names its runtime.
    nodes: (image: NodeImage): RuntimeNodes => ({
      templateLabels: { [RUNTIME_NODE_LABEL]: 'user-namespaces' },
      taints: [],
      autoscalerLabels: {},
      // Off: containerd's default profile allows mount, umount2, unshare, setns and clone with namespace
      // flags only to containers with CAP_SYS_ADMIN (contrib/seccomp/seccomp_default.go), which GitLab's
      // workspace containers never get, and containers inside a workspace (rootless Podman or Buildah,
      // what sudo in a user-namespace workspace is for) need them in the user namespaces they create.
      seccompDefault: false,
      ...(image.kind === 'eks-optimized' && isBottlerocket(image.amiType) && { bottlerocketSysctl: BOTTLEROCKET_USER_NAMESPACES_SYSCTL }),
    }),
    agentSettings: { useKubernetesUserNamespaces: true, allowPrivilegeEscalation: true },
    kubernetesVersions: { min: USER_NAMESPACES_MIN_KUBERNETES, by: 'Kubernetes user namespaces (on by default from 1.33)' },
  };
}
