/**
 * Sysbox (pure facts and the runtime's answers). Installed by Nestybox's `sysbox-deploy-k8s` DaemonSet on
 * nodes labelled `sysbox-install=yes`: it taints the node `sysbox-runtime=not-running:NoSchedule` while
 * it installs, then labels it `sysbox-runtime=running` and removes the taint. It supports Ubuntu nodes only
 * (not Amazon Linux 2023, not Bottlerocket) and, in v0.7.0, Kubernetes 1.32 to 1.35.
 *
 * Which container runtime it uses depends on the node: on containerd 2.0.0 or newer (except 2.0.1 to
 * 2.0.4) it adds a `sysbox-runc` handler to containerd and expects pods in a Kubernetes user namespace
 * (`hostUsers: false`, GitLab's `use_kubernetes_user_namespaces`); on older containerd it installs CRI-O,
 * switches the kubelet to it and restarts the kubelet, and pods ask for a user namespace with the
 * annotation `io.kubernetes.cri-o.userns-mode`. Canonical's Ubuntu 24.04 EKS images ship containerd 2.x
 * (2.2.1 reported on 1.35 nodes), so containerd is the default; `SYSBOX_USE_CRIO=true` forces CRI-O.
 */
import { RUNTIME_NODE_LABEL, runtimeTaint, SudoRuntime, tolerationOf } from './types';
import type { NodeImage } from '../cluster/node-image';

/** The installer image (sysbox-deploy-k8s v0.7.0), pinned by tag as Nestybox's manifest does. */
export const SYSBOX_DEPLOY_IMAGE = 'registry.nestybox.com/nestybox/sysbox-deploy-k8s:v0.7.0-0';
/** The RuntimeClass and containerd/CRI-O handler name. */
export const SYSBOX_RUNTIME_CLASS = 'sysbox-runc';
/** The label that makes the installer's DaemonSet run on a node. */
export const SYSBOX_INSTALL_LABEL: Readonly<Record<string, string>> = { 'sysbox-install': 'yes' };
/** The label the installer sets once Sysbox runs on a node; the RuntimeClass selects it. */
export const SYSBOX_RUNNING_LABEL: Readonly<Record<string, string>> = { 'sysbox-runtime': 'running' };
/** The taint the installer puts on a node while it installs (its DaemonSet tolerates it). */
export const SYSBOX_INSTALLING_TAINT = { key: 'sysbox-runtime', value: 'not-running', effect: 'NoSchedule' } as const;
/** The annotation that gives a pod a user namespace on CRI-O nodes. */
export const CRIO_USERNS_ANNOTATION: Readonly<Record<string, string>> = { 'io.kubernetes.cri-o.userns-mode': 'auto:size=65536' };
/** The Ubuntu release of Sysbox nodes: 24.04 (Canonical publishes EKS images of it for 1.31 and later). */
export const SYSBOX_UBUNTU_RELEASE = '24.04';
/** sysbox-deploy-k8s v0.7.0 refuses to install on other Kubernetes versions. */
export const SYSBOX_KUBERNETES_VERSIONS = { min: '1.32', max: '1.35', by: 'sysbox-deploy-k8s v0.7.0' } as const;
/** Sysbox's recommended minimum per node. */
export const SYSBOX_MIN_VCPUS = 4;

/** The container runtime Sysbox pods run under on the nodes. */
export type SysboxContainerRuntime = 'containerd' | 'cri-o';

export interface SysboxOptions {
  /**
   * The sysbox-deploy-k8s image.
   * @default SYSBOX_DEPLOY_IMAGE
   */
  readonly installerImage?: string;
  /**
   * containerd (the node's own, 2.x on Canonical's Ubuntu 24.04 EKS images: pods run in a Kubernetes user
   * namespace) or cri-o (the installer installs CRI-O and restarts the kubelet on it; pods get a user
   * namespace through CRI-O's annotation).
   * @default 'containerd'
   */
  readonly containerRuntime?: SysboxContainerRuntime;
}

const UBUNTU_NODES: NodeImage = { kind: 'ubuntu-eks', release: SYSBOX_UBUNTU_RELEASE, arch: 'amd64' };

export function sysboxRuntime(options: SysboxOptions = {}): SudoRuntime {
  const taint = runtimeTaint('sysbox');
  const crio = options.containerRuntime === 'cri-o';
  return {
    name: 'sysbox',
    requiredImage: UBUNTU_NODES,
    nodes: () => ({
      templateLabels: { [RUNTIME_NODE_LABEL]: 'sysbox', ...SYSBOX_INSTALL_LABEL },
      taints: [taint],
      autoscalerLabels: SYSBOX_RUNNING_LABEL,
      // The installer's own taint from the node's first moment: sysbox-deploy-k8s.sh adds it (overwriting)
      // when it starts and removes it after labelling the node sysbox-runtime=running; its DaemonSet
      // tolerates it. Not under the autoscaler's startup-taint prefix: the autoscaler is given its key.
      startupTaints: [SYSBOX_INSTALLING_TAINT],
      // sysbox-runc widens the profile it is given by its own syscall list (mount, umount2, unshare, setns,
      // keyctl, pivot_root...: what a system container runs), as under Docker, which always passes its
      // default profile (sysbox-runc libsysbox/syscont/spec.go, cfgSeccomp; Sysbox's security.md, "System
      // Calls"); without one, Sysbox containers run with no syscall filter at all.
      seccompDefault: true,
    }),
    runtimeClass: {
      name: SYSBOX_RUNTIME_CLASS,
      handler: SYSBOX_RUNTIME_CLASS,
      nodeSelector: SYSBOX_RUNNING_LABEL,
      tolerations: [tolerationOf(taint)],
    },
    agentSettings: crio
      ? { defaultRuntimeClass: SYSBOX_RUNTIME_CLASS, allowPrivilegeEscalation: true, useKubernetesUserNamespaces: false, annotations: CRIO_USERNS_ANNOTATION }
      : { defaultRuntimeClass: SYSBOX_RUNTIME_CLASS, allowPrivilegeEscalation: true, useKubernetesUserNamespaces: true },
    kubernetesVersions: SYSBOX_KUBERNETES_VERSIONS,
  };
}
