/**
 * What capacity planning needs to know about an EC2 instance type (pure data, no I/O): vCPUs, memory,
 * network interfaces and IPv4 addresses per interface (max pods), and the EBS attachment limit the EBS
 * CSI driver reports (how many volumes, hence workspaces, a node can hold).
 *
 * Sources (read 2026-12-07):
 * - ENIs and IPv4 addresses per ENI: awslabs/amazon-eks-ami nodeadm/internal/kubelet/instance-info.jsonl
 *   (commit 81fec2e8), the table nodeadm computes max pods from; the same for every size of the
 *   families below (large 3 x 10, xlarge and 2xlarge 4 x 15, 4xlarge to 12xlarge 8 x 30, 16xlarge 15 x 50).
 * - EBS attachments: kubernetes-sigs/aws-ebs-csi-driver pkg/cloud/limits/volume_limits_table.go and
 *   volume_limits.go (commit 429e202e): a type missing from the table (m5, m6i, m6a, m6g, m7g, c6i, r6i,
 *   every size but metal) has a *shared* limit of 27 (28 slots, one taken by the primary network
 *   interface), shared with the other network interfaces and NVMe instance-store volumes; the 7th and 8th
 *   generation Intel and AMD types (m7i, m7i-flex, c7i, r7i, m7a, m8i) have a *dedicated* EBS limit of 32
 *   (48 for 16xlarge) that network interfaces do not eat into. The driver then takes off the root volume and
 *   every other EBS mapping of the launch template (pkg/driver/node.go getVolumesLimit).
 * - vCPUs and memory: the EC2 instance type pages (m: 4 GiB per vCPU, c: 2, r: 8).
 * None of these types has NVMe instance store (the `d` variants, which would share the limit too, are not listed).
 */

export interface InstanceSpec {
  readonly vcpus: number;
  readonly memoryMiB: number;
  /** Network interfaces of the default network card. */
  readonly enis: number;
  /** IPv4 addresses per network interface (the first is the interface's own). */
  readonly ipv4PerEni: number;
  /** The EBS CSI driver's attachment limit before it takes off the root volume and ENIs. */
  readonly ebsAttachments: number;
  /** shared: ENIs (past the primary) and instance store take slots from it; dedicated: EBS volumes only. */
  readonly ebsLimitType: 'shared' | 'dedicated';
}

const SIZES: Readonly<Record<string, { vcpus: number; enis: number; ipv4PerEni: number }>> = {
  large: { vcpus: 2, enis: 3, ipv4PerEni: 10 },
  xlarge: { vcpus: 4, enis: 4, ipv4PerEni: 15 },
  '2xlarge': { vcpus: 8, enis: 4, ipv4PerEni: 15 },
  '4xlarge': { vcpus: 16, enis: 8, ipv4PerEni: 30 },
  '8xlarge': { vcpus: 32, enis: 8, ipv4PerEni: 30 },
  '12xlarge': { vcpus: 48, enis: 8, ipv4PerEni: 30 },
  '16xlarge': { vcpus: 64, enis: 15, ipv4PerEni: 50 },
};

/** GiB of memory per vCPU, and whether the family's EBS limit is dedicated (32; 48 at 16xlarge). */
const FAMILIES: Readonly<Record<string, { gibPerVcpu: number; dedicatedEbs: boolean }>> = {
  m5: { gibPerVcpu: 4, dedicatedEbs: false },
  m6i: { gibPerVcpu: 4, dedicatedEbs: false },
  m6a: { gibPerVcpu: 4, dedicatedEbs: false },
  m6g: { gibPerVcpu: 4, dedicatedEbs: false },
  m7g: { gibPerVcpu: 4, dedicatedEbs: false },
  c6i: { gibPerVcpu: 2, dedicatedEbs: false },
  r6i: { gibPerVcpu: 8, dedicatedEbs: false },
  m7i: { gibPerVcpu: 4, dedicatedEbs: true },
  'm7i-flex': { gibPerVcpu: 4, dedicatedEbs: true },
  m7a: { gibPerVcpu: 4, dedicatedEbs: true },
  m8i: { gibPerVcpu: 4, dedicatedEbs: true },
  c7i: { gibPerVcpu: 2, dedicatedEbs: true },
  r7i: { gibPerVcpu: 8, dedicatedEbs: true },
};

/**
 * Bare-metal sizes (Kata needs /dev/kvm): vCPUs and memory from the EC2 pages; 15 ENIs x 50 addresses
 * (instance-info.jsonl); EBS limits from the driver's table (shared 31 on 6th generation, dedicated 39 / 79 on 7th).
 */
const METAL: Readonly<Record<string, InstanceSpec>> = {
  'm5.metal': { vcpus: 96, memoryMiB: 384 * 1024, enis: 15, ipv4PerEni: 50, ebsAttachments: 31, ebsLimitType: 'shared' },
  'm6i.metal': { vcpus: 128, memoryMiB: 512 * 1024, enis: 15, ipv4PerEni: 50, ebsAttachments: 31, ebsLimitType: 'shared' },
  'c6i.metal': { vcpus: 128, memoryMiB: 256 * 1024, enis: 15, ipv4PerEni: 50, ebsAttachments: 31, ebsLimitType: 'shared' },
  'r6i.metal': { vcpus: 128, memoryMiB: 1024 * 1024, enis: 15, ipv4PerEni: 50, ebsAttachments: 31, ebsLimitType: 'shared' },
  'm7i.metal-24xl': { vcpus: 96, memoryMiB: 384 * 1024, enis: 15, ipv4PerEni: 50, ebsAttachments: 39, ebsLimitType: 'dedicated' },
  'm7i.metal-48xl': { vcpus: 192, memoryMiB: 768 * 1024, enis: 15, ipv4PerEni: 50, ebsAttachments: 79, ebsLimitType: 'dedicated' },
  'c7i.metal-24xl': { vcpus: 96, memoryMiB: 192 * 1024, enis: 15, ipv4PerEni: 50, ebsAttachments: 39, ebsLimitType: 'dedicated' },
  'c7i.metal-48xl': { vcpus: 192, memoryMiB: 384 * 1024, enis: 15, ipv4PerEni: 50, ebsAttachments: 79, ebsLimitType: 'dedicated' },
  'r7i.metal-24xl': { vcpus: 96, memoryMiB: 768 * 1024, enis: 15, ipv4PerEni: 50, ebsAttachments: 39, ebsLimitType: 'dedicated' },
  'r7i.metal-48xl': { vcpus: 192, memoryMiB: 1536 * 1024, enis: 15, ipv4PerEni: 50, ebsAttachments: 79, ebsLimitType: 'dedicated' },
};

/** The EBS CSI driver's default for a Nitro type missing from its table. */
export const SHARED_EBS_ATTACHMENTS = 27;

/** The spec of an instance type, or undefined for one this table does not know. */
export function instanceSpec(type: string): InstanceSpec | undefined {
  if (Object.hasOwn(METAL, type)) return METAL[type];
  const dot = type.indexOf('.');
  const family = FAMILIES[type.slice(0, dot)];
  const size = SIZES[type.slice(dot + 1)];
  if (dot < 0 || !family || !size) return undefined;
  const dedicated = family.dedicatedEbs;
  return {
    vcpus: size.vcpus,
    memoryMiB: size.vcpus * family.gibPerVcpu * 1024,
    enis: size.enis,
    ipv4PerEni: size.ipv4PerEni,
    ebsAttachments: dedicated ? (size.vcpus >= 64 ? 48 : 32) : SHARED_EBS_ATTACHMENTS,
    ebsLimitType: dedicated ? 'dedicated' : 'shared',
  };
}

/** Every instance type the table knows, for messages. */
export function knownInstanceTypes(): string[] {
  return [...Object.keys(FAMILIES).flatMap((f) => Object.keys(SIZES).map((s) => `${f}.${s}`)), ...Object.keys(METAL)];
}
