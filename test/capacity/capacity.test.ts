/**
 * The capacity arithmetic (lib/capacity), each figure worked by hand in the comments from the formulas
 * the module cites: nodeadm's kube-reserved, EKS's max pods with prefix delegation, the EBS CSI driver's
 * attachment limits, /28 blocks per node.
 */
import {
  CapacityInput,
  computeCapacity,
  instanceSpec,
  kubeReservedCpuMilli,
  kubeReservedMemoryMiB,
  maxPods,
  nodeGroupMaxPods,
  PRE_PULL_DAEMONSET,
  WORKSPACE_NODE_DAEMONSETS,
} from '../../lib/capacity';
import { cpuMillicores, memoryMebibytes } from '../../lib/capacity/default-workspace';
import { PRE_PULLER_RESOURCES } from '../../lib/cluster/image-pre-puller';

/** The stack's default workspace: GitLab's default devfile, 500m / 1Gi requested, one 50 GiB volume. */
const DEFAULT_WORKSPACE = { cpuMilli: 500, memoryMiB: 1024, volumes: 1, volumeGiB: 50, source: 'test' };
/** aws-node 25m, kube-proxy 100m, ebs-csi-node 30m/120Mi, pod identity 25m/32Mi, pre-pull 10m/16Mi: 190m, 168Mi, 5 pods, 2 with a pod address. */
const DAEMONSETS = [...WORKSPACE_NODE_DAEMONSETS, PRE_PULL_DAEMONSET];

function input(over: Partial<CapacityInput>): CapacityInput {
  return {
    instanceTypes: ['m6i.2xlarge'], zones: 3, perZone: true, maxSize: 5, extraEbsVolumes: 0,
    workspace: DEFAULT_WORKSPACE, daemonSets: DAEMONSETS, systemNodesPerZone: 2, workspacesQuota: -1, ...over,
  };
}

function capacity(over: Partial<CapacityInput>) {
  const result = computeCapacity(input(over));
  if (!result.ok) throw new Error(result.message);
  return result.report;
}

describe('per-node formulas', () => {
  it('reserves CPU as nodeadm does: 6% of the first core, 1% of the second, 0.5% of the 3rd and 4th, 0.25% above', () => {
    expect(kubeReservedCpuMilli(2)).toBe(70); // 60 + 10
    expect(kubeReservedCpuMilli(4)).toBe(80); // 60 + 10 + 5 + 5
    expect(kubeReservedCpuMilli(8)).toBe(90); // 80 + 4 x 2.5
    expect(kubeReservedCpuMilli(16)).toBe(110); // 80 + 12 x 2.5
    expect(kubeReservedCpuMilli(48)).toBe(190); // 80 + 44 x 2.5
  });

  it('reserves memory as 255Mi + 11Mi per pod', () => {
    expect(kubeReservedMemoryMiB(110)).toBe(1465);
    expect(kubeReservedMemoryMiB(250)).toBe(3005);
  });

  it('gives max pods by the ENI formula, and with prefix delegation capped at 110 under 30 vCPUs and 250 above', () => {
    expect(maxPods(instanceSpec('m6i.large')!, false)).toBe(29); // 3 x (10 - 1) + 2
    expect(maxPods(instanceSpec('m6i.2xlarge')!, false)).toBe(58); // 4 x 14 + 2
    expect(maxPods(instanceSpec('m6i.large')!)).toBe(110); // 3 x 9 x 16 + 2 = 434, capped
    expect(maxPods(instanceSpec('m7i.8xlarge')!)).toBe(250); // 32 vCPUs: 8 x 29 x 16 + 2 = 3714, capped at 250
    expect(nodeGroupMaxPods(['m6i.2xlarge', 'm6i.8xlarge'])).toBe(110);
    expect(nodeGroupMaxPods(['x9z.large'])).toBeUndefined();
  });

  it('knows the EBS CSI driver\'s limits: 27 shared on most Nitro types, 32 (48 at 16xlarge) dedicated on m7i and kin', () => {
    expect(instanceSpec('m6i.4xlarge')).toMatchObject({ ebsAttachments: 27, ebsLimitType: 'shared', vcpus: 16, memoryMiB: 65536, enis: 8, ipv4PerEni: 30 });
    expect(instanceSpec('m7i.4xlarge')).toMatchObject({ ebsAttachments: 32, ebsLimitType: 'dedicated' });
    expect(instanceSpec('m7i.16xlarge')).toMatchObject({ ebsAttachments: 48, ebsLimitType: 'dedicated' });
    expect(instanceSpec('c6i.xlarge')).toMatchObject({ vcpus: 4, memoryMiB: 8192 });
    expect(instanceSpec('r7i.large')).toMatchObject({ vcpus: 2, memoryMiB: 16384, ebsAttachments: 32 });
    // Metal (Kata): the driver's table gives m7i.metal-24xl a dedicated 39, m6i.metal a shared 31.
    expect(instanceSpec('m7i.metal-24xl')).toMatchObject({ vcpus: 96, ebsAttachments: 39, ebsLimitType: 'dedicated' });
    expect(instanceSpec('m6i.metal')).toMatchObject({ vcpus: 128, ebsAttachments: 31, ebsLimitType: 'shared' });
  });
});

describe('the DaemonSets counted on every workspace node', () => {
  it('count the image pre-puller at no less than what its pod requests (as the scheduler counts it)', () => {
    const requests = PRE_PULLER_RESOURCES.requests;
    expect(PRE_PULL_DAEMONSET.cpuMilli).toBeGreaterThanOrEqual(cpuMillicores(requests.cpu));
    expect(PRE_PULL_DAEMONSET.memoryMiB).toBe(memoryMebibytes(requests.memory));
  });
});

describe('capacity', () => {
  it('is bound by EBS attachments on m6i.4xlarge (a shared limit)', () => {
    // m6i.4xlarge: 16 vCPU, 64 GiB, 8 ENIs x 30 addresses; max pods 110 (prefix delegation, < 30 vCPUs).
    // cpu: 16000 - 110 reserved = 15890; - 190 DaemonSets = 15700; / 500 = 31.
    // memory: 65536 - 1465 - 100 eviction = 63971; - 168 = 63803; / 1024 = 62.
    // pods: 110 - 5 DaemonSet pods = 105.
    // EBS: shared 27 - 1 root - (1 ENI - 1) = 26 (pods need one ENI: 107 addresses + 16 warm < 29 x 16 = 464).
    // 26 per node x (10 per zone x 3 zones) = 780.
    const r = capacity({ instanceTypes: ['m6i.4xlarge'], maxSize: 10 });
    expect(r.node).toMatchObject({ maxPods: 110, allocatableCpuMilli: 15890, allocatableMemoryMiB: 63971, enis: 1, ebsVolumes: 26, workspaces: 26 });
    const per = Object.fromEntries(r.limits.map((l) => [l.name, l.perNode]));
    expect(per).toMatchObject({ cpu: 31, memory: 62, pods: 105, 'ebs-attachments': 26 });
    expect(r.maxWorkspaces).toBe(780);
    expect(r.bindingLimit).toBe('ebs-attachments');
    expect(r.limits.find((l) => l.name === 'ebs-attachments')).toMatchObject({ perZone: [260, 260, 260], workspaces: 780 });
  });

  it('takes the second Bottlerocket volume off the EBS limit', () => {
    // Same node, a data volume besides the root: 27 - 2 = 25.
    expect(capacity({ instanceTypes: ['m6i.4xlarge'], maxSize: 10, extraEbsVolumes: 1 }).maxWorkspaces).toBe(750);
  });

  it('is bound by the subnets when /23 private subnets run out of /28 blocks before the node groups fill', () => {
    // m6i.2xlarge: cpu (8000 - 90 - 190) / 500 = 15; memory (32768 - 1465 - 100 - 168) / 1024 = 30; pods 105; EBS 26: 15 per node.
    // A full node: 2 DaemonSet pod addresses + 15 workspaces = 17 -> 2 prefixes; + its own address + 1 warm = 4 blocks.
    // A /23 is 512 addresses = 32 blocks; - 3 reserved - 2 system nodes x 4 = 21; / 4 = 5 nodes per zone (of 10).
    // 15 nodes x 15 = 225.
    const r = capacity({ maxSize: 10, subnetAddresses: [512, 512, 512] });
    expect(r.node.subnetBlocks).toBe(4);
    expect(r.nodes).toEqual({ max: 15, perZone: [5, 5, 5], limitedBy: 'subnet-ips' });
    expect(r.maxWorkspaces).toBe(225);
    expect(r.bindingLimit).toBe('subnet-ips');
    expect(r.limits.find((l) => l.name === 'subnet-ips')).toMatchObject({ perZone: [75, 75, 75], workspaces: 225 });
    expect(r.limits.find((l) => l.name === 'node-group-maxima')).toMatchObject({ workspaces: 450 });
    expect(r.warnings).toEqual([expect.stringContaining('run out of addresses before the workspace node groups reach their maxima: they hold 15 workspace nodes (5 + 5 + 5 by zone, 4 /28 blocks each')]);
  });

  it('is bound by the node group maxima when the subnets have room: the default config\'s 5 nodes per zone', () => {
    // /19 subnets: 512 blocks - 3 - 8 = 501; / 4 = 125 nodes per zone, more than maxSize 5.
    // 15 nodes x 15 (CPU fills an m6i.2xlarge first) = 225.
    const r = capacity({ subnetAddresses: [8192, 8192, 8192] });
    expect(r.nodes).toEqual({ max: 15, perZone: [5, 5, 5], limitedBy: 'node-group-maxima' });
    expect(r.maxWorkspaces).toBe(225);
    expect(r.bindingLimit).toBe('cpu');
    expect(r.limits.find((l) => l.name === 'node-group-maxima')).toMatchObject({ perNode: 15, perZone: [75, 75, 75], workspaces: 225 });
    expect(r.limits.find((l) => l.name === 'subnet-ips')).toMatchObject({ workspaces: 125 * 3 * 15 });
    expect(r.warnings).toEqual([]);
  });

  it('counts one group across zones by its maxSize, and binds on the node group maxima when they allow no node', () => {
    // One group across 3 zones, maxSize 7: 7 nodes (3 + 2 + 2) x 15 = 105.
    const r = capacity({ perZone: false, maxSize: 7 });
    expect(r.nodes).toEqual({ max: 7, perZone: [3, 2, 2], limitedBy: 'node-group-maxima' });
    expect(r.maxWorkspaces).toBe(105);
    const none = capacity({ maxSize: 0 });
    expect(none.maxWorkspaces).toBe(0);
    expect(none.bindingLimit).toBe('node-group-maxima');
  });

  it('is bound by the agent\'s workspaces_quota when it is lower than what the nodes hold', () => {
    // The nodes hold 225 (above); the quota stops GitLab at 100.
    const r = capacity({ workspacesQuota: 100 });
    expect(r.maxWorkspaces).toBe(100);
    expect(r.bindingLimit).toBe('workspaces-quota');
    expect(r.limits.find((l) => l.name === 'workspaces-quota')).toMatchObject({ workspaces: 100 });
    expect(capacity({}).limits.find((l) => l.name === 'workspaces-quota')).toMatchObject({ workspaces: null, note: 'unlimited (-1)' });
  });

  it('counts the scheduler\'s view of bigger workspaces and RuntimeClass overhead, and the smallest fit of several types', () => {
    // 2 CPU / 4Gi workspaces on m6i.2xlarge: cpu 7720 / 2000 = 3; memory 31035 / 4096 = 7 -> 3.
    expect(capacity({ workspace: { ...DEFAULT_WORKSPACE, cpuMilli: 2000, memoryMiB: 4096 } }).node.workspaces).toBe(3);
    // Kata overhead 250m / 160Mi: 7720 / 750 = 10.
    expect(capacity({ podOverhead: { cpuMilli: 250, memoryMiB: 160 } }).node.workspaces).toBe(10);
    // m6i.2xlarge (15) or m6i.4xlarge (26): the group may launch either, so 15 counts.
    expect(capacity({ instanceTypes: ['m6i.4xlarge', 'm6i.2xlarge'] }).node.instanceType).toBe('m6i.2xlarge');
  });

  it('counts a mixed group with the max pods its nodes are given: the smallest of its types\' (nodeGroupMaxPods)', () => {
    // m6i.2xlarge (110) and m6i.8xlarge (250 alone): every node gets 110, so the 8xlarge reserves
    // 255 + 11 x 110 = 1465Mi, not 3005Mi, and holds 110 - 5 DaemonSet pods = 105 pods.
    const mixed = computeCapacity(input({ instanceTypes: ['m6i.8xlarge', 'm6i.2xlarge'], workspace: { ...DEFAULT_WORKSPACE, cpuMilli: 10, memoryMiB: 10, volumes: 0 } }));
    expect(nodeGroupMaxPods(['m6i.8xlarge', 'm6i.2xlarge'])).toBe(110);
    expect(mixed.ok && mixed.report.limits.find((l) => l.name === 'pods')?.perNode).toBe(105);
    // Both types then hold 105; the first listed is reported, with the reservation its nodes really get.
    expect(mixed.ok && mixed.report.node).toMatchObject({ instanceType: 'm6i.8xlarge', maxPods: 110, kubeReservedMemoryMiB: 1465, workspaces: 105 });
  });

  it('says when an instance type is not in the tables', () => {
    const r = computeCapacity(input({ instanceTypes: ['x2iezn.2xlarge'] }));
    expect(r).toEqual({ ok: false, message: expect.stringMatching(/^no capacity figures for instance type x2iezn\.2xlarge \(lib\/capacity\/instance-specs\.ts knows m5, m6i/) });
  });
});
