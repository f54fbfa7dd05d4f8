/**
 * What one default-sized workspace asks of a node, from the agent's settings alone (no renderer, so the
 * config loader, which runs the quota rule, stays small for the CLI): GitLab's default devfile (one
 * container `development-environment`, no resources of its own) gets
 * `default_resources_per_workspace_container`; GitLab adds the tools injector init container with its own
 * requests (lib/common/gitlab-contract.ts TOOLS_INJECTOR_RESOURCES, which lib/workspace renders) and the data volume
 * (`gl-workspace-data`, 50Gi). The scheduler counts max(largest init container, sum of containers).
 * test/capacity/workspace-demand.test.ts renders the default devfile through lib/workspace
 * (lib/workspace/pod-requests.ts defaultWorkspaceRequests) and checks these figures against it. Pure.
 */
import type { RemoteDevelopmentSettings } from '../agent-config/types';
import { TOOLS_INJECTOR_RESOURCES, WORKSPACE_DATA_VOLUME_SIZE } from '../common/gitlab-contract';
import { parseQuantity } from '../common/quantity';
import type { WorkspaceDemand } from './capacity';


/** Millicores of a CPU quantity (rounded up); 0 when absent or not a quantity. */
export function cpuMillicores(q: string | undefined): number {
  const parsed = q === undefined ? undefined : parseQuantity(q);
  return parsed ? Math.ceil(Number(parsed.nano) / 1e6) : 0;
}

/** MiB of a memory quantity (rounded up); 0 when absent or not a quantity. */
export function memoryMebibytes(q: string | undefined): number {
  const parsed = q === undefined ? undefined : parseQuantity(q);
  return parsed ? Math.ceil(Number(parsed.nano) / 1e9 / (1024 * 1024)) : 0;
}

/** The default-sized workspace under these settings. */
export function settingsWorkspaceDemand(settings: RemoteDevelopmentSettings): WorkspaceDemand {
  const requests = (settings.defaultResourcesPerWorkspaceContainer.requests ?? {}) as Record<string, string | undefined>;
  return {
    cpuMilli: Math.max(cpuMillicores(requests.cpu), cpuMillicores(TOOLS_INJECTOR_RESOURCES.cpuRequest)),
    memoryMiB: Math.max(memoryMebibytes(requests.memory), memoryMebibytes(TOOLS_INJECTOR_RESOURCES.memoryRequest)),
    volumes: 1,
    volumeGiB: Math.ceil(memoryMebibytes(WORKSPACE_DATA_VOLUME_SIZE) / 1024),
    source: 'GitLab\'s default devfile (one container with default_resources_per_workspace_container, the tools injector init container, the 50Gi data volume)',
  };
}
