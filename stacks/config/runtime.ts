/**
 * The sudo runtime a config asks for, and the image its workspace nodes run (pure; the cluster stack, the
 * platform stack and the config rules all ask here, so they agree).
 */
import type { NodeImage } from '../../lib/cluster/node-image';
import { sudoRuntime } from '../../lib/runtimes/sudo-runtime';
import type { RuntimeName, SudoRuntime } from '../../lib/runtimes/types';
import { poolAmiType, WorkspacesConfig } from './types';

/** The runtime `runtime:` names, with its `runtimes.<name>` settings. */
export function configRuntime(config: WorkspacesConfig): SudoRuntime {
  return sudoRuntime(config.runtime, config.runtimes);
}

/** The workspace nodes' image: the runtime's (Sysbox: Ubuntu), else the pool's EKS-optimized AMI type. */
export function workspaceNodeImage(config: WorkspacesConfig): NodeImage {
  return configRuntime(config).requiredImage ?? { kind: 'eks-optimized', amiType: poolAmiType(config.nodes, 'workspaces') };
}

/** A workspace node generation: the sudo runtime and the Kubernetes minor its nodes are built for. */
export interface WorkspaceGeneration {
  readonly generation: number;
  readonly runtime: RuntimeName;
  /**
   * The Kubernetes minor its nodes were built at (`"1.34"`): the cluster's for the current generation; a
   * retiring one's entry says, or the cluster's when it does not. A plan checks it against the running groups.
   */
  readonly kubernetesVersion: string;
  readonly retiring: boolean;
}

/**
 * The workspace node generations, current first: the current one is built for `runtime` at
 * `cluster.kubernetesVersion`; a retiring one for the runtime and minor its entry names (a number alone,
 * or what an entry leaves out: the current runtime, the cluster's minor).
 */
export function workspaceGenerations(config: WorkspacesConfig): WorkspaceGeneration[] {
  const ws = config.nodes.workspaces;
  const minor = config.cluster.kubernetesVersion;
  return [
    { generation: ws.generation, runtime: config.runtime, kubernetesVersion: minor, retiring: false },
    ...ws.retiringGenerations.map((g) => typeof g === 'number'
      ? { generation: g, runtime: config.runtime, kubernetesVersion: minor, retiring: true }
      : { generation: g.generation, runtime: g.runtime ?? config.runtime, kubernetesVersion: g.kubernetesVersion ?? minor, retiring: true }),
  ];
}

/**
 * How a retiring generation's entry is written, with the runtime and minor given (each only when it is
 * not the current one): `1`, `{generation: 1, kubernetesVersion: "1.34"}`. `kubernetesVersion` may be a
 * Terraform template (`${self.version}`), then always written.
 */
export function retiringEntryText(config: WorkspacesConfig, generation: number, runtime: string, kubernetesVersion: string): string {
  const parts = [
    ...(runtime !== config.runtime ? [`runtime: ${runtime}`] : []),
    ...(kubernetesVersion !== config.cluster.kubernetesVersion ? [`kubernetesVersion: "${kubernetesVersion}"`] : []),
  ];
  return parts.length === 0 ? String(generation) : `{generation: ${generation}, ${parts.join(', ')}}`;
}
