/**
 * The stack config's capacity and idle cost: what lib/capacity needs, read from a loaded config (the
 * current workspace generation's node groups, the zones, the subnet plan, the agent's settings as the
 * stack writes them). Pure: used by the `capacity` command, the `workspaces_quota` rule and the cluster
 * stack's `workspace_capacity` output.
 */
import { parseCidr } from '../../lib/common/cidr';
import { defaultSubnetPlan } from '../../lib/cluster/cidr';
import { imageVolumeDevices } from '../../lib/cluster/node-image';
import {
  CapacityInput,
  CapacityResult,
  computeCapacity,
  DaemonSetOverhead,
  PRE_PULL_DAEMONSET,
  RUNTIME_INSTALLER_DAEMONSET,
  WORKSPACE_NODE_DAEMONSETS,
} from '../../lib/capacity/capacity';
import { computeCost, CostInput, CostResult } from '../../lib/capacity/cost';
import { cpuMillicores, memoryMebibytes, settingsWorkspaceDemand } from '../../lib/capacity/default-workspace';
import { configAgentSettings } from './agent-settings';
import { configRuntime, workspaceNodeImage } from './runtime';
import { WorkspacesConfig, workspaceZoneCount } from './types';

/** Addresses of each private subnet of a VPC the stack creates; undefined for an existing VPC (not in the config). */
export function privateSubnetAddresses(config: WorkspacesConfig): number[] | undefined {
  const { network } = config;
  if (network.existingVpc) {
    // network.existingVpc.privateSubnetCidrs, by subnet id: known only when every private subnet is listed.
    const vpc = network.existingVpc;
    const listed = vpc.privateSubnetCidrs;
    const cidrs = vpc.privateSubnetIds.map((id) => listed?.[id]);
    if (cidrs.some((c) => c === undefined)) return undefined;
    const sizes = addresses(cidrs as string[]);
    if (!sizes || !vpc.privateSubnetZones) return sizes;
    // Per zone, as the node groups are (subnets sharing a zone share its group and its addresses).
    const zones = vpc.privateSubnetZones;
    const byZone = new Map<string, number>();
    vpc.privateSubnetIds.forEach((id, i) => byZone.set(zones[id] ?? id, (byZone.get(zones[id] ?? id) ?? 0) + sizes[i]));
    return [...byZone.values()];
  }
  let cidrs = network.privateSubnetCidrs;
  if (cidrs && cidrs.length !== network.availabilityZoneCount) return undefined; // the network rule reports it
  if (!cidrs) {
    const vpc = parseCidr(network.vpcCidr);
    // The default plan is for /16 to /20 VPCs: the network rule refuses the others.
    if (!vpc.ok || vpc.cidr.prefixLength < 16 || vpc.cidr.prefixLength > 20) return undefined;
    try {
      cidrs = defaultSubnetPlan(network.vpcCidr, network.availabilityZoneCount).privateCidrs;
    } catch {
      return undefined; // a broken vpcCidr is the network rule's to report
    }
  }
  return addresses(cidrs);
}

/** The addresses of each block, or undefined when one is not a CIDR. */
function addresses(cidrs: readonly string[]): number[] | undefined {
  const sizes = cidrs.map((c) => {
    const parsed = parseCidr(c);
    return parsed.ok ? 2 ** (32 - parsed.cidr.prefixLength) : undefined;
  });
  return sizes.every((s): s is number => s !== undefined) ? sizes : undefined;
}

/** The DaemonSet pods on every current-generation workspace node. */
export function workspaceNodeDaemonSets(config: WorkspacesConfig): DaemonSetOverhead[] {
  const runtime = configRuntime(config);
  // The image pre-pull DaemonSet is counted whether or not the config turns it on (a pod and minimal
  // requests: what it costs is small, and the figure then holds either way).
  return [
    ...WORKSPACE_NODE_DAEMONSETS,
    ...(runtime.name === 'sysbox' || runtime.name === 'kata' ? [RUNTIME_INSTALLER_DAEMONSET] : []),
    PRE_PULL_DAEMONSET,
  ];
}

/** What lib/capacity needs from a config, or why it cannot be worked out. */
export function stackCapacityInput(config: WorkspacesConfig): { ok: true; input: CapacityInput } | { ok: false; message: string } {
  const settings = configAgentSettings(config);
  if (!settings) return { ok: false, message: 'the agent settings (gitlab.remote_development) have errors' };
  const ws = config.nodes.workspaces;
  const zones = workspaceZoneCount(config);
  const overhead = configRuntime(config).runtimeClass?.overhead;
  return {
    ok: true,
    input: {
      instanceTypes: ws.instanceTypes,
      zones,
      perZone: ws.perZone,
      maxSize: ws.maxSize,
      extraEbsVolumes: imageVolumeDevices(workspaceNodeImage(config)).others.length,
      prefixDelegation: true,
      workspace: settingsWorkspaceDemand(settings),
      ...(overhead && {
        podOverhead: {
          cpuMilli: cpuMillicores(overhead.cpu),
          memoryMiB: memoryMebibytes(overhead.memory),
        },
      }),
      daemonSets: workspaceNodeDaemonSets(config),
      subnetAddresses: privateSubnetAddresses(config),
      systemNodesPerZone: Math.ceil(config.nodes.system.maxSize / Math.max(1, zones)),
      workspacesQuota: settings.workspacesQuota,
    },
  };
}

/** The capacity of the stack a config describes. */
export function stackCapacity(config: WorkspacesConfig): CapacityResult {
  const input = stackCapacityInput(config);
  return input.ok ? computeCapacity(input.input) : input;
}

/** The KMS keys the cluster stack creates: Kubernetes Secrets, node and workspace volumes, log groups. */
export const STACK_KMS_KEYS = 3;

/** The idle cost of the stack a config describes (its capacity gives the marginal workspace's node share). */
export function stackCost(config: WorkspacesConfig, capacity?: CapacityResult): CostResult {
  const { network, nodes, cluster, gitlab } = config;
  const zones = workspaceZoneCount(config);
  const cap = capacity ?? stackCapacity(config);
  const flow = network.flowLogs;
  const ws = nodes.workspaces;
  const groups = ws.perZone ? zones : 1;
  const input: CostInput = {
    region: config.aws.region,
    createsVpc: !network.existingVpc,
    natMode: network.natGateways,
    natGateways: network.existingVpc ? 0 : network.natGateways === 'single' ? 1 : zones,
    zones,
    ...(gitlab?.proxy === 'enabled' && { loadBalancer: { internetFacing: gitlab.entryPoint.scheme === 'internet-facing' } }),
    // Extended support costs more only once the version leaves standard support: not counted here.
    extendedSupport: false,
    systemNodes: { count: nodes.system.desiredSize, instanceType: nodes.system.instanceTypes[0], diskGiB: nodes.system.diskSizeGiB },
    // With no workspace running, each current-generation group keeps minSize nodes, or the nodes its warm
    // headroom's placeholders fill (nodes.workspaces.headroom default-sized workspaces per zone), whichever is more.
    idleWorkspaceNodes: {
      count: groups * Math.max(ws.minSize, ws.headroom > 0 && cap.ok && cap.report.node.workspaces > 0 ? Math.ceil(ws.headroom / cap.report.node.workspaces) : 0),
      instanceType: ws.instanceTypes[0],
      diskGiB: ws.diskSizeGiB,
      ...(ws.headroom > 0 && { headroomPerGroup: ws.headroom, minSizeCount: groups * ws.minSize }),
    },
    controlPlaneLogs: { types: cluster.logs.types, retentionDays: cluster.logs.retentionDays },
    ...(flow.enabled && { flowLogs: { retentionDays: flow.retentionDays, destination: flow.destination, trafficType: flow.trafficType } }),
    kmsKeys: STACK_KMS_KEYS,
    hostedZone: gitlab?.proxy === 'enabled' && gitlab.hostedZone.create,
    workspace: {
      instanceType: cap.ok ? cap.report.node.instanceType : ws.instanceTypes[0],
      perNode: cap.ok ? cap.report.node.workspaces : 0,
      volumeGiB: cap.ok ? cap.report.workspace.volumeGiB : 0,
      nodeDiskGiB: ws.diskSizeGiB,
    },
  };
  return computeCost(input);
}
