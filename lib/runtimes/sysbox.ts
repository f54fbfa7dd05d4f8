/**
 * Sysbox (pure facts and the runtime's answers). Installed by Nestybox's `sysbox-deploy-k8s` DaemonSet on
 * nodes labelled `sysbox-install=yes`: it taints the node `sysbox-runtime=not-running:NoSchedule` while
 * it installs, then labels it `sysbox-runtime=running` and removes the taint. It supports Ubuntu nodes only
 * (not Amazon Linux 2023, not Bottlerocket) and, in v0.7.x, Kubernetes 1.32 to 1.35.
 *
 * Which container runtime it uses depends on the node: on containerd 2.0.0 or newer (except 2.0.1 to
 * 2.0.4) it adds a `sysbox-runc` handler to containerd and expects pods in a Kubernetes user namespace
 * (`hostUsers: false`, GitLab's `use_kubernetes_user_namespaces`); on older containerd, or with
 * `SYSBOX_USE_CRIO=true`, it installs CRI-O, switches the kubelet to it and restarts the kubelet, and pods
 * ask for a user namespace with the annotation `io.kubernetes.cri-o.userns-mode`. Canonical's Ubuntu
 * 24.04 EKS images ship containerd 2.x (2.2.1 reported on 1.35 nodes).
 *
 * What upstream reports (nestybox/sysbox issues, read 2026-12; see SYSBOX_UPSTREAM_REPORTS and
 * docs/runtimes.md), for Canonical's Ubuntu 24.04 EKS nodes with containerd 2.2.x:
 * - v0.7.0 (2026-03-03) on containerd 2.x fails to start pods: #1013 (Ubuntu 24.04, kernel 6.8, containerd
 *   2.2.1, kubelet 1.35: the installer writes its runtime stanza under containerd 1.x's plugin key, which
 *   containerd 2's newer config schemes ignore, and sysbox-runc fails `mount through procfd: operation not
 *   permitted` mounting sysfs), #1025 (EKS Ubuntu 24.04 nodes, same error, open), #997 (containerd 2 config
 *   scheme, open).
 * - v0.7.1 (tagged 2026-07-31, #1024; sysbox-deploy-k8s image v0.7.1-0 published with #1042, 2026-09-15,
 *   after #1038): "Support Sysbox on Ubuntu 24.04 with kernel 6.8+ under containerd 2.x; fixes sysfs mount
 *   failures" (closes #1013). Still, #1035 (open, 2026-08-24): v0.7.1 on EKS 1.35 Ubuntu 24.04 nodes, kernel
 *   6.17.0-1015-aws, containerd 2.2.1 fails every pod with `write sysctl key
 *   net.ipv4.ip_unprivileged_port_start: permission denied`. containerd 2.0 sets that sysctl in every pod
 *   by default (`enable_unprivileged_ports`, containerd/containerd#9348); CRI-O does not
 *   (cri-o/cri-o#10050).
 * - CRI-O path: no report of failure on these images; reported working on AKS 1.33 with v0.7.0 and CRI-O
 *   1.33.3 (#987, 2026-08-13) and on Kubespray with CRI-O (#975); Canonical's Ubuntu 24.04 EKS images with
 *   kernel 6.8 reported working (#822, 2025-02, CRI-O path, the only one then). Against: a #987 comment
 *   (2026-05-23): GKE 1.33.12, v0.7.0, kernel 6.8, the kubelet hangs after the installer's CRI-O restart
 *   (GKE-specific setup). No report either way for CRI-O on the newer kernels (6.14, 6.17, 7.0) the
 *   `current` Canonical build has carried since; hence the synth warning when the image is not pinned.
 * So the default is installer v0.7.1-0 with CRI-O; containerd is refused where upstream reports it
 * broken unless the config acknowledges the issues; the node image can be pinned to a dated Canonical
 * build (`nodeImage`), whose kernel the config states, and the deploy-time smoke test proves the nodes.
 */
import { RUNTIME_NODE_LABEL, runtimeTaint, SudoRuntime, tolerationOf } from './types';
import type { NodeImage } from '../cluster/node-image';

/** The installer image (sysbox-deploy-k8s v0.7.1-0, published 2026-09-15, nestybox/sysbox#1042), pinned by tag as Nestybox's manifest does. */
export const SYSBOX_DEPLOY_IMAGE = 'registry.nestybox.com/nestybox/sysbox-deploy-k8s:v0.7.1-0';
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
/** sysbox-deploy-k8s v0.7.x refuses to install on other Kubernetes versions. */
export const SYSBOX_KUBERNETES_VERSIONS = { min: '1.32', max: '1.35', by: 'sysbox-deploy-k8s v0.7.x' } as const;
/** Sysbox's recommended minimum per node. */
export const SYSBOX_MIN_VCPUS = 4;

/** The container runtime Sysbox pods run under on the nodes. */
export type SysboxContainerRuntime = 'containerd' | 'cri-o';

/** The kernel (major.minor) upstream reports Sysbox v0.7.1 working with on Ubuntu 24.04 and containerd 2.x (#1024, #1013). */
export const SYSBOX_KNOWN_GOOD_KERNEL = '6.8';

/** A Canonical Ubuntu EKS build pinned by its serial, and the kernel it carries (major.minor), as the config states it. */
export interface PinnedUbuntuImage {
  /** The build serial (`20250925`, `20250925.1`): the SSM path's dated segment instead of `current`. */
  readonly serial: string;
  /** Its kernel, major.minor (`6.8`): the image's package manifest says it. */
  readonly kernel: string;
}

/** An upstream report that a combination of installer, container runtime and kernel fails to start pods. */
export interface SysboxUpstreamReport {
  /** nestybox/sysbox issue numbers. */
  readonly issues: readonly number[];
  /** The installer image tags it concerns (`v0.7.0-0`). */
  readonly installers: readonly string[];
  readonly containerRuntime: SysboxContainerRuntime;
  /** The kernels it concerns (major.minor); undefined: every kernel but `except`. */
  readonly kernels?: readonly string[];
  /** Kernels it does not concern. */
  readonly except?: readonly string[];
  /** What fails, and since when, for the message. */
  readonly what: string;
}

/**
 * What upstream reports broken (see the file comment). A kernel not pinned is taken as unknown: the
 * `current` Canonical build follows Ubuntu's rolling AWS kernel (6.17 on EKS 1.35 nodes in #1035).
 */
export const SYSBOX_UPSTREAM_REPORTS: readonly SysboxUpstreamReport[] = [
  {
    issues: [1013, 1025, 997],
    installers: ['v0.7.0-0'],
    containerRuntime: 'containerd',
    what: 'sysbox-deploy-k8s v0.7.0 on containerd 2.x does not start pods: its runtime stanza is under containerd 1.x\'s plugin key and sysbox-runc fails "mount through procfd: operation not permitted" mounting sysfs (fixed in v0.7.1 for kernel 6.8)',
  },
  {
    issues: [1035, 1025],
    installers: ['v0.7.1-0'],
    containerRuntime: 'containerd',
    except: [SYSBOX_KNOWN_GOOD_KERNEL],
    what: 'sysbox v0.7.1 on containerd 2.2.x fails every pod on EKS 1.35 Ubuntu 24.04 nodes with kernel 6.17 ("write sysctl key net.ipv4.ip_unprivileged_port_start: permission denied"; containerd 2 sets that sysctl in every pod, CRI-O does not), and only kernel 6.8 is reported fixed',
  },
];

/** The tag of an installer image reference (`…:v0.7.1-0`, with or without a digest), if it has one. */
export function installerImageTag(image: string): string | undefined {
  const m = /:([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})(@sha256:[a-f0-9]{64})?$/.exec(image);
  return m ? m[1] : undefined;
}

/** The upstream reports that concern a Sysbox configuration (the node kernel undefined: not pinned, unknown). */
export function sysboxUpstreamReports(options: SysboxOptions = {}): SysboxUpstreamReport[] {
  const tag = installerImageTag(options.installerImage ?? SYSBOX_DEPLOY_IMAGE);
  const runtime = options.containerRuntime ?? SYSBOX_DEFAULT_CONTAINER_RUNTIME;
  const kernel = options.nodeImage?.kernel;
  return SYSBOX_UPSTREAM_REPORTS.filter((r) => tag !== undefined && r.installers.includes(tag) && r.containerRuntime === runtime
    && (r.kernels === undefined || (kernel !== undefined && r.kernels.includes(kernel)))
    && (kernel === undefined || !(r.except ?? []).includes(kernel)));
}

/** The container runtime of Sysbox nodes unless the config says otherwise: CRI-O, the path without an upstream failure report (see the file comment). */
export const SYSBOX_DEFAULT_CONTAINER_RUNTIME: SysboxContainerRuntime = 'cri-o';

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
   * @default 'cri-o' (SYSBOX_DEFAULT_CONTAINER_RUNTIME)
   */
  readonly containerRuntime?: SysboxContainerRuntime;
  /**
   * The Canonical Ubuntu EKS build the workspace nodes run, pinned by serial, with its kernel.
   * @default the newest stable build (`current`), kernel unknown
   */
  readonly nodeImage?: PinnedUbuntuImage;
  /**
   * nestybox/sysbox issues the config acknowledges: a combination upstream reports broken (see
   * sysboxUpstreamReports) is refused unless every issue of its reports is listed here.
   * @default none
   */
  readonly acknowledgeUpstreamIssues?: readonly number[];
}

export function sysboxRuntime(options: SysboxOptions = {}): SudoRuntime {
  const taint = runtimeTaint('sysbox');
  const crio = (options.containerRuntime ?? SYSBOX_DEFAULT_CONTAINER_RUNTIME) === 'cri-o';
  const image: NodeImage = {
    kind: 'ubuntu-eks', release: SYSBOX_UBUNTU_RELEASE, arch: 'amd64',
    ...(options.nodeImage && { serial: options.nodeImage.serial }),
  };
  return {
    name: 'sysbox',
    requiredImage: image,
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
