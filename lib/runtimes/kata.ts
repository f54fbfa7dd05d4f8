/**
 * Kata Containers (pure facts and the runtime's answers). Each workspace runs in a lightweight virtual
 * machine, so its nodes need hardware virtualization (`/dev/kvm`): on EC2, bare-metal instance types.
 * C8i/M8i/R8i offer nested virtualization instead (`cpu_options.nested_virtualization`), but EKS managed
 * node groups drop that option from the launch template (aws/containers-roadmap#2784), and this stack's
 * nodes are managed node groups.
 *
 * Installed by the `kata-deploy` Helm chart (4.x, from `oci://ghcr.io/kata-containers/kata-deploy-charts`):
 * a DaemonSet that copies Kata's artifacts to the node, adds a `kata-<shim>` handler per shim to
 * containerd, and labels the node `katacontainers.io/kata-runtime=true`. Kata 4's default shim is
 * `qemu-runtime-rs` (the Rust runtime; `qemu`, the Go runtime's, is deprecated).
 */
import { RUNTIME_NODE_LABEL, RuntimeClassSpec, runtimeTaint, SudoRuntime, tolerationOf } from './types';

/** The kata-deploy chart, pinned. */
export const KATA_DEPLOY_CHART = {
  repository: 'oci://ghcr.io/kata-containers/kata-deploy-charts',
  chart: 'kata-deploy',
  version: '4.1.0',
} as const;

/**
 * The shims offered, with the pod overhead kata-deploy's RuntimeClasses declare for each (the VM's own
 * memory and CPU, added to every pod's requests), as kata-deploy 4.1.0's chart sets them
 * (helm-chart/kata-deploy/templates/_helpers.tpl, `kata-deploy.runtimeClassConfigs`, tag 4.1.0): the QEMU
 * shims take 320Mi, not 160Mi, because with `sandbox_cgroup_only` the VMM runs inside the pod's cgroup
 * and QEMU's own resident memory is about 160Mi before any guest memory, so 160Mi gets the VMM
 * OOM-killed in pods with small memory limits. TEE and GPU shims need hardware this stack does not
 * provision; Firecracker needs a devmapper snapshotter.
 */
export const KATA_SHIMS = {
  'qemu-runtime-rs': { memory: '320Mi', cpu: '250m' },
  qemu: { memory: '320Mi', cpu: '250m' },
  clh: { memory: '130Mi', cpu: '250m' },
  'clh-runtime-rs': { memory: '130Mi', cpu: '250m' },
  dragonball: { memory: '130Mi', cpu: '250m' },
} as const;
export type KataShim = keyof typeof KATA_SHIMS;
export const KATA_SHIM_NAMES = Object.keys(KATA_SHIMS) as KataShim[];

/** Kata 4's default shim. */
export const KATA_DEFAULT_SHIM: KataShim = 'qemu-runtime-rs';
/** The label kata-deploy sets on a node once Kata is installed there; its RuntimeClasses select it. */
export const KATA_RUNNING_LABEL: Readonly<Record<string, string>> = { 'katacontainers.io/kata-runtime': 'true' };

/**
 * The taint Kata nodes register with until kata-deploy has installed Kata and labelled them
 * `katacontainers.io/kata-runtime=true`: kata-deploy 4.1's `startupTaints` value (its `STARTUP_TAINTS`)
 * removes it as its last install step (tools/packaging/kata-deploy/binary/src/config.rs). Keyed under the
 * Cluster Autoscaler's `startup-taint.cluster-autoscaler.kubernetes.io/` prefix, so the autoscaler treats
 * it as a startup taint without a flag.
 */
export const KATA_STARTUP_TAINT = { key: 'startup-taint.cluster-autoscaler.kubernetes.io/kata-runtime', value: 'installing', effect: 'NoSchedule' } as const;

export interface KataOptions {
  /**
   * The kata-deploy chart version.
   * @default KATA_DEPLOY_CHART.version
   */
  readonly chartVersion?: string;
  /**
   * The shim (hypervisor and runtime) workspaces run with.
   * @default 'qemu-runtime-rs'
   */
  readonly shim?: KataShim;
  /**
   * The RuntimeClass name workspaces use (GitLab's `default_runtime_class`).
   * @default `kata-<shim>`, the name kata-deploy gives the shim's class
   */
  readonly runtimeClassName?: string;
}

/** The containerd handler kata-deploy configures for a shim. */
export function kataHandler(shim: KataShim): string {
  return `kata-${shim}`;
}

/** The RuntimeClass name for these options. */
export function kataRuntimeClassName(options: KataOptions = {}): string {
  return options.runtimeClassName ?? kataHandler(options.shim ?? KATA_DEFAULT_SHIM);
}

export function kataRuntime(options: KataOptions = {}): SudoRuntime {
  const shim = options.shim ?? KATA_DEFAULT_SHIM;
  const taint = runtimeTaint('kata');
  const runtimeClass: RuntimeClassSpec = {
    name: kataRuntimeClassName(options),
    handler: kataHandler(shim),
    nodeSelector: KATA_RUNNING_LABEL,
    tolerations: [tolerationOf(taint)],
    overhead: KATA_SHIMS[shim],
  };
  return {
    name: 'kata',
    nodes: () => ({
      templateLabels: { [RUNTIME_NODE_LABEL]: 'kata' },
      taints: [taint],
      autoscalerLabels: KATA_RUNNING_LABEL,
      startupTaints: [KATA_STARTUP_TAINT],
      // A workspace's syscalls reach the VM's guest kernel, not the node's: Kata's shipped configuration
      // has `disable_guest_seccomp = true`, so the profile changes nothing inside the VM. It still applies
      // to the node's other, non-privileged containers.
      seccompDefault: true,
    }),
    runtimeClass,
    agentSettings: { defaultRuntimeClass: runtimeClass.name, allowPrivilegeEscalation: true },
  };
}
