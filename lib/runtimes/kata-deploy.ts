import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { Release } from '@cdktf/provider-helm/lib/release';
import type { Toleration } from '../cluster/cluster-autoscaler';
import type { NodeTaint } from '../cluster/managed-node-group';
import { tolerationOf } from '../cluster/scheduling';
import { KATA_DEFAULT_SHIM, KATA_DEPLOY_CHART, KataShim } from './kata';

export interface KataDeployProps {
  /** The Helm provider configured for the cluster. */
  readonly helmProvider: TerraformProvider;
  /**
   * The kata-deploy chart version (4.x).
   * @default KATA_DEPLOY_CHART.version
   */
  readonly chartVersion?: string;
  /**
   * The one shim installed (and the default on amd64).
   * @default 'qemu-runtime-rs'
   */
  readonly shim?: KataShim;
  /** Node labels of the nodes to install on (nodes that expose `/dev/kvm`). */
  readonly nodeSelector: Readonly<Record<string, string>>;
  /** Tolerations of those nodes' taints. @default none */
  readonly tolerations?: readonly Toleration[];
  /**
   * Taints the nodes register with that kata-deploy removes once Kata is installed and the node labelled
   * (the chart's `startupTaints`, each `key:effect`); its pods tolerate them.
   * @default none
   */
  readonly startupTaints?: readonly NodeTaint[];
}

/**
 * Kata Containers, installed by the pinned `kata-deploy` Helm chart into `kube-system`: its DaemonSet runs
 * only on the nodes selected (bare metal), installs one shim and labels each node
 * `katacontainers.io/kata-runtime=true`. The chart's own RuntimeClasses are off: they carry no
 * tolerations, so the stack creates the workspaces' class itself (WorkspaceRuntimeClass). Node Feature
 * Discovery (only used for TEE and GPU shims) is off.
 */
export class KataDeploy extends Construct {
  readonly release: Release;
  readonly shim: KataShim;

  constructor(scope: Construct, id: string, props: KataDeployProps) {
    super(scope, id);
    this.shim = props.shim ?? KATA_DEFAULT_SHIM;
    const values = {
      k8sDistribution: 'k8s',
      nodeSelector: { ...props.nodeSelector },
      tolerations: [...(props.tolerations ?? []).map((t) => ({ ...t })), ...(props.startupTaints ?? []).map(tolerationOf)],
      ...(props.startupTaints && props.startupTaints.length > 0 && { startupTaints: props.startupTaints.map((t) => `${t.key}:${t.effect}`) }),
      shims: { disableAll: true, [this.shim]: { enabled: true } },
      defaultShim: { amd64: this.shim },
      runtimeClasses: { enabled: false },
      'node-feature-discovery': { enabled: false },
    };
    this.release = new Release(this, 'release', {
      provider: props.helmProvider,
      name: 'kata-deploy',
      namespace: 'kube-system',
      repository: KATA_DEPLOY_CHART.repository,
      chart: KATA_DEPLOY_CHART.chart,
      version: props.chartVersion ?? KATA_DEPLOY_CHART.version,
      values: [JSON.stringify(values)],
      atomic: true,
      cleanupOnFail: true,
      // With no Kata node yet (the workspace groups scale from zero), the DaemonSet has nothing to wait for.
      wait: true,
      timeout: 900,
    });
  }
}
