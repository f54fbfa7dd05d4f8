/**
 * The config rule on capacity: a `workspaces_quota` the stack cannot hold is refused, naming what binds;
 * subnets that run out of addresses before the node groups reach their maxima are a warning. A config
 * whose workspace instance types the capacity tables do not know is not judged (the `capacity` command
 * says why).
 */
import type { LimitName } from '../../lib/capacity/capacity';
import { computeCapacity } from '../../lib/capacity/capacity';
import { stackCapacityInput } from './capacity';
import type { Reporters } from './semantic';
import { WorkspacesConfig } from './types';

/** What to change when a limit binds. */
export const LIMIT_REMEDIES: Readonly<Record<LimitName, string>> = {
  cpu: 'raise nodes.workspaces.maxSize, or use larger nodes.workspaces.instanceTypes (CPU fills a node first)',
  memory: 'raise nodes.workspaces.maxSize, or use nodes.workspaces.instanceTypes with more memory',
  pods: 'raise nodes.workspaces.maxSize (max pods per node is capped at 110 under 30 vCPUs, 250 above)',
  'ebs-attachments': 'raise nodes.workspaces.maxSize, or use an instance type with a dedicated EBS limit (m7i, c7i, r7i, m7a, m8i: 32 volumes, not shared with network interfaces)',
  'node-group-maxima': 'raise nodes.workspaces.maxSize',
  'subnet-ips': 'give the workspace nodes larger private subnets (network.vpcCidr, network.privateSubnetCidrs)',
  'workspaces-quota': 'raise workspaces_quota',
};

export function checkWorkspaceCapacity(config: WorkspacesConfig, r: Reporters): void {
  const prepared = stackCapacityInput(config);
  if (!prepared.ok) return; // the agent settings rule reports why
  const unlimited = computeCapacity({ ...prepared.input, workspacesQuota: -1 });
  if (!unlimited.ok) return;
  const report = unlimited.report;
  for (const warning of report.warnings) r.warning('workspace-capacity', ['nodes', 'workspaces', 'maxSize'], warning);
  const quota = prepared.input.workspacesQuota;
  if (!config.gitlab || quota < 0 || quota <= report.maxWorkspaces) return;
  const binding = report.limits.find((l) => l.name === report.bindingLimit);
  r.error('workspaces-quota', ['gitlab', 'remote_development', 'workspaces_quota'],
    `workspaces_quota ${quota} is more than the stack can hold: ${report.maxWorkspaces} concurrent default-sized workspaces `
    + `(${report.node.workspaces} per ${report.node.instanceType} node x ${report.nodes.max} nodes), bound by ${report.bindingLimit}${binding ? ` (${binding.description})` : ''}; `
    + `${LIMIT_REMEDIES[report.bindingLimit]}, or set workspaces_quota to ${report.maxWorkspaces} or less (\`gitlab-workspaces capacity\` shows every limit)`);
}
