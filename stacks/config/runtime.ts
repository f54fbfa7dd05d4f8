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

/** A workspace node generation, and the sudo runtime its nodes are built for. */
export interface WorkspaceGeneration {
  readonly generation: number;
  readonly runtime: RuntimeName;
  readonly retiring: boolean;
}

/**
 * The workspace node generations, current first: the current one is built for `runtime`, a retiring one
 * for the runtime its entry names (a number alone: the current runtime).
 */
export function workspaceGenerations(config: WorkspacesConfig): WorkspaceGeneration[] {
  const ws = config.nodes.workspaces;
  return [
    { generation: ws.generation, runtime: config.runtime, retiring: false },
    ...ws.retiringGenerations.map((g) => typeof g === 'number'
      ? { generation: g, runtime: config.runtime, retiring: true }
      : { generation: g.generation, runtime: g.runtime, retiring: true }),
  ];
}
