/**
 * How many concurrent default-sized workspaces a stack holds, and what limits it (pure arithmetic: no
 * cdktf, no I/O). Every workspace is one pod with one or more EBS volumes, on a workspace node; a node
 * holds as many as the first of these runs out:
 *
 * - **cpu**, **memory**: the node's allocatable (capacity minus EKS's kube-reserved and the kubelet's hard
 *   eviction threshold), minus the requests of the DaemonSets on every workspace node, divided by the
 *   workspace pod's effective request (as the scheduler counts it: the larger of its biggest init
 *   container and the sum of its containers, plus the RuntimeClass overhead).
 *   kube-reserved, as awslabs/amazon-eks-ami nodeadm/internal/kubelet/config.go sets it (the AL2 bootstrap.sh
 *   did the same): memory 255 MiB + 11 MiB x maxPods; CPU 6% of the first core, 1% of the second, 0.5% of
 *   the third and fourth, 0.25% of the rest; eviction `memory.available` 100 MiB. Memory is the nominal
 *   size of the type (the kernel keeps a little of it: memory-bound figures are a slight overestimate).
 * - **pods**: max pods. With VPC CNI prefix delegation (the stack turns it on), every network interface holds
 *   (IPv4 addresses per ENI - 1) /28 prefixes of 16 addresses, so the ENI formula gives far more than a node
 *   can run; EKS's guidance (max-pods-calculator.sh --cni-prefix-delegation-enabled, and the cap managed node
 *   groups enforce) caps it at 110 for types under 30 vCPUs and 250 above. DaemonSet pods count too.
 * - **ebs-attachments**: the EBS CSI driver's limit for the type (see ./instance-specs.ts) minus the root
 *   volume and other EBS volumes of the launch template, and, where the limit is shared with network
 *   interfaces, minus the interfaces past the primary that the node's pods need; divided by the volumes
 *   per workspace.
 *
 * Then the number of nodes: the current generation's node group maxima (per zone when `perZone`), unless
 * the subnets run out of addresses first (**subnet-ips**: with prefix delegation each node takes /28 blocks);
 * and GitLab's `workspaces_quota` caps the total (**workspaces-quota**).
 */

import { instanceSpec, InstanceSpec, knownInstanceTypes } from './instance-specs';

/** The names of the limits, as the table and `--format json` give them. */
export type LimitName = 'cpu' | 'memory' | 'pods' | 'ebs-attachments' | 'node-group-maxima' | 'subnet-ips' | 'workspaces-quota';

/** A pod that runs on every workspace node. */
export interface DaemonSetOverhead {
  readonly name: string;
  readonly cpuMilli: number;
  readonly memoryMiB: number;
  /** Whether it runs in the node's network namespace (takes no pod address). */
  readonly hostNetwork: boolean;
}

/**
 * The DaemonSets on every workspace node, with the requests their manifests set (from the EKS add-ons'
 * and charts' defaults; check with `kubectl describe node`: "Non-terminated Pods"):
 * - aws-node (VPC CNI, with its network policy agent): cpu 25m, host network.
 * - kube-proxy: cpu 100m, host network.
 * - ebs-csi-node: three containers (plugin, registrar, liveness probe) of 10m / 40Mi each; pod network.
 * - eks-pod-identity-agent: host network; its add-on sets small requests, counted as 25m / 32Mi here.
 */
export const WORKSPACE_NODE_DAEMONSETS: readonly DaemonSetOverhead[] = [
  { name: 'aws-node', cpuMilli: 25, memoryMiB: 0, hostNetwork: true },
  { name: 'kube-proxy', cpuMilli: 100, memoryMiB: 0, hostNetwork: true },
  { name: 'ebs-csi-node', cpuMilli: 30, memoryMiB: 120, hostNetwork: false },
  { name: 'eks-pod-identity-agent', cpuMilli: 25, memoryMiB: 32, hostNetwork: true },
];

/** The sudo runtime's installer DaemonSet (sysbox-deploy-k8s, kata-deploy): a pod, no requests of its own. */
export const RUNTIME_INSTALLER_DAEMONSET: DaemonSetOverhead = { name: 'runtime-installer', cpuMilli: 0, memoryMiB: 0, hostNetwork: false };

/**
 * The image pre-pull DaemonSet (pulls the tools injector and listed images, then sleeps with minimal
 * requests): counted whether or not the config turns it on, at 10m CPU (its pod requests 1m:
 * lib/cluster/image-pre-puller.ts PRE_PULLER_RESOURCES; rounded up so a small change there keeps the
 * figures) and its 16Mi memory. test/capacity/capacity.test.ts holds the two together.
 */
export const PRE_PULL_DAEMONSET: DaemonSetOverhead = { name: 'image-pre-pull', cpuMilli: 10, memoryMiB: 16, hostNetwork: false };

/** The scheduler's view of one workspace: its pod's effective requests and its volumes. */
export interface WorkspaceDemand {
  readonly cpuMilli: number;
  readonly memoryMiB: number;
  /** PersistentVolumeClaims per workspace (GitLab's data volume, plus each devfile volume component). */
  readonly volumes: number;
  /** The data volume's size (GiB), for the cost per workspace. */
  readonly volumeGiB: number;
  /** Where the figures come from (for the report). */
  readonly source: string;
}

export interface CapacityInput {
  /** The current generation's instance types (the node group may launch any: the smallest fit counts). */
  readonly instanceTypes: readonly string[];
  /** Zones of the workspace node groups. */
  readonly zones: number;
  /** One node group per zone (`maxSize` per zone), or one across the zones. */
  readonly perZone: boolean;
  readonly maxSize: number;
  /** EBS volumes of a workspace node's launch template besides the root volume (Bottlerocket: 1). */
  readonly extraEbsVolumes: number;
  /** VPC CNI prefix delegation (the stack turns it on). @default true */
  readonly prefixDelegation?: boolean;
  readonly workspace: WorkspaceDemand;
  /** The RuntimeClass overhead added to every workspace pod (Kata). */
  readonly podOverhead?: { readonly cpuMilli: number; readonly memoryMiB: number };
  readonly daemonSets: readonly DaemonSetOverhead[];
  /** Addresses of each zone's private subnet, or undefined when unknown (an existing VPC). */
  readonly subnetAddresses?: readonly number[];
  /** System nodes that may run in each zone's subnet (their maximum, spread over the zones). */
  readonly systemNodesPerZone: number;
  /** GitLab's `workspaces_quota` (-1: unlimited). */
  readonly workspacesQuota: number;
}

/** One row of the table: a limit, and how many workspaces it allows. */
export interface LimitRow {
  readonly name: LimitName;
  /** What the row counts, in words. */
  readonly description: string;
  /** Workspaces one node holds under this limit alone (node-level limits). */
  readonly perNode?: number;
  /** Workspaces per zone under this limit (when it is per zone). */
  readonly perZone?: readonly number[];
  /** Workspaces the stack holds under this limit; null: no limit (unlimited quota) or unknown (subnets). */
  readonly workspaces: number | null;
  /** Why a value is missing, or how it was worked out. */
  readonly note?: string;
}

/** What one workspace node offers. */
export interface NodeFigures {
  readonly instanceType: string;
  readonly vcpus: number;
  readonly memoryMiB: number;
  readonly maxPods: number;
  readonly kubeReservedCpuMilli: number;
  readonly kubeReservedMemoryMiB: number;
  readonly allocatableCpuMilli: number;
  readonly allocatableMemoryMiB: number;
  readonly daemonSetCpuMilli: number;
  readonly daemonSetMemoryMiB: number;
  readonly daemonSetPods: number;
  /** Network interfaces the node's pods need at its fullest (prefix delegation). */
  readonly enis: number;
  /** EBS volumes the CSI driver lets the node attach for pods. */
  readonly ebsVolumes: number;
  readonly ebsLimitType: 'shared' | 'dedicated';
  /** Workspaces per node: the smallest of the node-level limits. */
  readonly workspaces: number;
  /** /28 blocks one full node takes from its subnet. */
  readonly subnetBlocks: number;
}

export interface CapacityReport {
  readonly maxWorkspaces: number;
  readonly bindingLimit: LimitName;
  /** The number of workspace nodes, and what caps it. */
  readonly nodes: { readonly max: number; readonly perZone: readonly number[]; readonly limitedBy: 'node-group-maxima' | 'subnet-ips' };
  readonly node: NodeFigures;
  readonly workspace: WorkspaceDemand;
  readonly limits: readonly LimitRow[];
  /** Things the stack's owner should know (subnets running out before the node groups fill...). */
  readonly warnings: readonly string[];
}

export type CapacityResult = { readonly ok: true; readonly report: CapacityReport } | { readonly ok: false; readonly message: string };

/** EKS's cap on max pods with prefix delegation: 110 under 30 vCPUs, 250 from 30. */
export function prefixDelegationPodCap(vcpus: number): number {
  return vcpus < 30 ? 110 : 250;
}

/**
 * Max pods of an instance type: the ENI formula (ENIs x (IPv4 per ENI - 1) + 2), with prefix delegation
 * each secondary address a /28 prefix (x 16) and capped per EKS's guidance.
 */
export function maxPods(spec: InstanceSpec, prefixDelegation = true): number {
  if (!prefixDelegation) return spec.enis * (spec.ipv4PerEni - 1) + 2;
  return Math.min(spec.enis * (spec.ipv4PerEni - 1) * 16 + 2, prefixDelegationPodCap(spec.vcpus));
}

/** The max pods the stack writes into a node group's node config: the smallest of its instance types'. */
export function nodeGroupMaxPods(instanceTypes: readonly string[]): number | undefined {
  const specs = instanceTypes.map(instanceSpec);
  if (specs.length === 0 || specs.some((s) => s === undefined)) return undefined;
  return Math.min(...specs.map((s) => maxPods(s!)));
}

/** nodeadm's kube-reserved CPU (millicores) for a number of vCPUs. */
export function kubeReservedCpuMilli(vcpus: number): number {
  const total = vcpus * 1000;
  const ranges: ReadonlyArray<readonly [number, number, number]> = [[0, 1000, 600], [1000, 2000, 100], [2000, 4000, 50], [4000, total, 25]];
  let reserved = 0;
  for (const [start, end, basisPoints] of ranges) {
    if (total <= start) continue;
    reserved += Math.floor(((Math.min(total, end) - start) * basisPoints) / 10000);
  }
  return reserved;
}

/** nodeadm's kube-reserved memory (MiB) for a max pods value. */
export function kubeReservedMemoryMiB(pods: number): number {
  return 11 * pods + 255;
}

/** The kubelet's hard eviction threshold for memory (`memory.available`), MiB. */
export const EVICTION_HARD_MEMORY_MIB = 100;
/** Addresses in a /28 prefix. */
const PREFIX_ADDRESSES = 16;
/** Prefixes the VPC CNI keeps free on each node (WARM_PREFIX_TARGET, which the stack sets to 1). */
export const WARM_PREFIXES = 1;
/**
 * /28 blocks of each private subnet that hold no prefix: the first and the last (AWS's five reserved
 * addresses are in them) and one for the cluster's control-plane network interfaces and endpoints.
 */
export const RESERVED_SUBNET_BLOCKS = 3;
/** /28 blocks a system node takes (its own address, its pods' prefixes, one warm prefix). */
export const SYSTEM_NODE_BLOCKS = 4;

/** The figures of one node of an instance type for a workspace. */
function nodeFigures(type: string, spec: InstanceSpec, input: CapacityInput): { figures: NodeFigures; perLimit: Record<'cpu' | 'memory' | 'pods' | 'ebs-attachments', number> } {
  const pd = input.prefixDelegation ?? true;
  // With prefix delegation the stack writes one max pods into every node of the group, the smallest of its
  // types' (nodeGroupMaxPods): count with that, as the kubelet (and its kube-reserved memory) will.
  const pods = (pd ? nodeGroupMaxPods(input.instanceTypes) : undefined) ?? maxPods(spec, pd);
  const reservedCpu = kubeReservedCpuMilli(spec.vcpus);
  const reservedMemory = kubeReservedMemoryMiB(pods);
  const allocCpu = spec.vcpus * 1000 - reservedCpu;
  const allocMemory = spec.memoryMiB - reservedMemory - EVICTION_HARD_MEMORY_MIB;
  const dsCpu = sum(input.daemonSets.map((d) => d.cpuMilli));
  const dsMemory = sum(input.daemonSets.map((d) => d.memoryMiB));
  const dsPods = input.daemonSets.length;
  const dsPodIps = input.daemonSets.filter((d) => !d.hostNetwork).length;
  const cpuEach = input.workspace.cpuMilli + (input.podOverhead?.cpuMilli ?? 0);
  const memoryEach = input.workspace.memoryMiB + (input.podOverhead?.memoryMiB ?? 0);

  const byCpu = cpuEach > 0 ? Math.floor((allocCpu - dsCpu) / cpuEach) : Infinity;
  const byMemory = memoryEach > 0 ? Math.floor((allocMemory - dsMemory) / memoryEach) : Infinity;
  const byPods = pods - dsPods;
  // Network interfaces the pods need at most (every pod that is not host-network takes an address).
  const addressesPerEni = pd ? (spec.ipv4PerEni - 1) * PREFIX_ADDRESSES : spec.ipv4PerEni - 1;
  const enis = Math.min(spec.enis, Math.max(1, Math.ceil((pods - dsPods + dsPodIps + (pd ? WARM_PREFIXES * PREFIX_ADDRESSES : 0)) / addressesPerEni)));
  const ebsVolumes = spec.ebsAttachments - (input.extraEbsVolumes + 1) - (spec.ebsLimitType === 'shared' ? enis - 1 : 0);
  const byEbs = input.workspace.volumes > 0 ? Math.floor(ebsVolumes / input.workspace.volumes) : Infinity;
  const workspaces = Math.max(0, Math.min(byCpu, byMemory, byPods, byEbs));
  const podIps = dsPodIps + workspaces;
  const subnetBlocks = pd ? 1 + Math.ceil(podIps / PREFIX_ADDRESSES) + WARM_PREFIXES : Math.ceil((1 + podIps) / PREFIX_ADDRESSES);
  return {
    figures: {
      instanceType: type, vcpus: spec.vcpus, memoryMiB: spec.memoryMiB, maxPods: pods,
      kubeReservedCpuMilli: reservedCpu, kubeReservedMemoryMiB: reservedMemory,
      allocatableCpuMilli: allocCpu, allocatableMemoryMiB: allocMemory,
      daemonSetCpuMilli: dsCpu, daemonSetMemoryMiB: dsMemory, daemonSetPods: dsPods,
      enis, ebsVolumes, ebsLimitType: spec.ebsLimitType, workspaces, subnetBlocks,
    },
    perLimit: { cpu: clamp(byCpu), memory: clamp(byMemory), pods: clamp(byPods), 'ebs-attachments': clamp(byEbs) },
  };
}

/** Ties go to the limit listed first: what GitLab refuses before the scheduler, then what fills a node first. */
const BINDING_ORDER: readonly LimitName[] = ['workspaces-quota', 'subnet-ips', 'ebs-attachments', 'pods', 'memory', 'cpu', 'node-group-maxima'];

/** The capacity of a stack, or why it cannot be worked out (an instance type the tables do not know). */
export function computeCapacity(input: CapacityInput): CapacityResult {
  if (input.instanceTypes.length === 0) return { ok: false, message: 'no workspace instance types' };
  const unknown = input.instanceTypes.filter((t) => instanceSpec(t) === undefined);
  if (unknown.length > 0) {
    return { ok: false, message: `no capacity figures for instance type ${unknown.join(', ')} (lib/capacity/instance-specs.ts knows ${knownFamilies()})` };
  }
  // The group may launch any of its types: the one that holds the fewest workspaces counts.
  const candidates = input.instanceTypes.map((t) => nodeFigures(t, instanceSpec(t)!, input));
  const { figures: node, perLimit } = candidates.reduce((a, b) => (b.figures.workspaces < a.figures.workspaces ? b : a));
  const fit = node.workspaces;

  // Nodes: the node group maxima, per zone when perZone.
  const zones = Math.max(1, input.zones);
  const groupNodesPerZone = input.perZone ? Array.from({ length: zones }, () => input.maxSize) : spread(input.maxSize, zones);
  const groupNodes = input.perZone ? input.maxSize * zones : input.maxSize;
  // Nodes the subnets hold (per zone), when their sizes are known.
  const warnings: string[] = [];
  let ipNodesPerZone: number[] | undefined;
  if (input.subnetAddresses) {
    ipNodesPerZone = input.subnetAddresses.map((addresses) => {
      const blocks = Math.floor(addresses / PREFIX_ADDRESSES) - RESERVED_SUBNET_BLOCKS - input.systemNodesPerZone * SYSTEM_NODE_BLOCKS;
      return Math.max(0, Math.floor(blocks / node.subnetBlocks));
    });
  }
  let nodesPerZone: number[];
  let limitedBy: 'node-group-maxima' | 'subnet-ips' = 'node-group-maxima';
  if (!ipNodesPerZone) {
    nodesPerZone = groupNodesPerZone;
  } else if (input.perZone) {
    nodesPerZone = groupNodesPerZone.map((n, i) => Math.min(n, ipNodesPerZone![i] ?? 0));
    if (nodesPerZone.some((n, i) => n < groupNodesPerZone[i])) limitedBy = 'subnet-ips';
  } else {
    const ipTotal = sum(ipNodesPerZone);
    nodesPerZone = ipTotal < groupNodes ? ipNodesPerZone : groupNodesPerZone;
    if (ipTotal < groupNodes) limitedBy = 'subnet-ips';
  }
  const nodes = sum(nodesPerZone);
  if (ipNodesPerZone && limitedBy === 'subnet-ips') {
    warnings.push(`the private subnets run out of addresses before the workspace node groups reach their maxima: they hold ${sum(ipNodesPerZone)} workspace nodes `
      + `(${ipNodesPerZone.join(' + ')} by zone, ${node.subnetBlocks} /28 blocks each with prefix delegation) of the ${groupNodes} the node groups may start; `
      + 'use larger private subnets (network.privateSubnetCidrs, or a larger network.vpcCidr), or lower nodes.workspaces.maxSize');
  }

  const byNodes = nodes * fit;
  const rows: LimitRow[] = [
    { name: 'cpu', description: `allocatable CPU ${milli(node.allocatableCpuMilli)} - DaemonSets ${milli(node.daemonSetCpuMilli)}, ${milli(input.workspace.cpuMilli + (input.podOverhead?.cpuMilli ?? 0))} each`, perNode: perLimit.cpu, perZone: nodesPerZone.map((n) => n * perLimit.cpu), workspaces: nodes * perLimit.cpu },
    { name: 'memory', description: `allocatable memory ${node.allocatableMemoryMiB}Mi - DaemonSets ${node.daemonSetMemoryMiB}Mi, ${input.workspace.memoryMiB + (input.podOverhead?.memoryMiB ?? 0)}Mi each`, perNode: perLimit.memory, perZone: nodesPerZone.map((n) => n * perLimit.memory), workspaces: nodes * perLimit.memory },
    { name: 'pods', description: `max pods ${node.maxPods} - ${node.daemonSetPods} DaemonSet pods`, perNode: perLimit.pods, perZone: nodesPerZone.map((n) => n * perLimit.pods), workspaces: nodes * perLimit.pods },
    { name: 'ebs-attachments', description: `${node.ebsVolumes} EBS volumes per node (${node.ebsLimitType} limit), ${input.workspace.volumes} per workspace`, perNode: perLimit['ebs-attachments'], perZone: nodesPerZone.map((n) => n * perLimit['ebs-attachments']), workspaces: nodes * perLimit['ebs-attachments'] },
    { name: 'node-group-maxima', description: `${groupNodes} workspace nodes (${input.perZone ? `maxSize ${input.maxSize} in each of ${zones} zones` : `maxSize ${input.maxSize} across ${zones} zones`}), ${fit} workspaces each`, perNode: fit, perZone: groupNodesPerZone.map((n) => n * fit), workspaces: groupNodes * fit },
    ipNodesPerZone
      ? { name: 'subnet-ips', description: `${sum(ipNodesPerZone)} workspace nodes fit the private subnets (${node.subnetBlocks} /28 blocks each)`, perZone: ipNodesPerZone.map((n) => n * fit), workspaces: sum(ipNodesPerZone) * fit }
      : { name: 'subnet-ips', description: 'the private subnets\' sizes', workspaces: null, note: 'unknown: an existing VPC\'s subnet sizes are not in the config (each workspace node takes ' + `${node.subnetBlocks} /28 blocks)` },
    { name: 'workspaces-quota', description: 'the agent\'s workspaces_quota', workspaces: input.workspacesQuota < 0 ? null : input.workspacesQuota, ...(input.workspacesQuota < 0 && { note: 'unlimited (-1)' }) },
  ];
  const quota = input.workspacesQuota < 0 ? Infinity : input.workspacesQuota;
  const maxWorkspaces = Math.min(byNodes, quota);

  // What binds: the quota when it is lower than what the nodes hold; else the subnets when they cap the
  // nodes; else the node-level limit that fills a node first.
  let bindingLimit: LimitName;
  if (quota <= byNodes) bindingLimit = 'workspaces-quota';
  else if (limitedBy === 'subnet-ips') bindingLimit = 'subnet-ips';
  else if (groupNodes === 0) bindingLimit = 'node-group-maxima';
  else {
    const nodeLevel = BINDING_ORDER.filter((n): n is 'cpu' | 'memory' | 'pods' | 'ebs-attachments' => n in perLimit);
    bindingLimit = nodeLevel.reduce((a, b) => (perLimit[b] < perLimit[a] ? b : a));
  }
  return {
    ok: true,
    report: { maxWorkspaces, bindingLimit, nodes: { max: nodes, perZone: nodesPerZone, limitedBy }, node, workspace: input.workspace, limits: rows, warnings },
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function clamp(n: number): number {
  return Number.isFinite(n) ? Math.max(0, n) : Number.MAX_SAFE_INTEGER;
}

/** `total` spread over `parts` as evenly as can be (the autoscaler balances similar groups). */
function spread(total: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));
}

function milli(m: number): string {
  return m % 1000 === 0 ? String(m / 1000) : `${m}m`;
}

function knownFamilies(): string {
  const families = [...new Set(knownInstanceTypes().map((t) => t.slice(0, t.indexOf('.'))))];
  return `${families.join(', ')} in sizes large to 16xlarge, and the metal sizes of m5, m6i, c6i, r6i, m7i, c7i and r7i`;
}
