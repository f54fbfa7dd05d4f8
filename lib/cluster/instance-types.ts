/**
 * What an EC2 instance type's name says about it (pure): its architecture, whether it is bare metal,
 * how many vCPUs its size has. Names follow `<family><generation><attributes>.<size>`, e.g. `m7i.2xlarge`,
 * `c6gn.metal`, `m7i.metal-24xl`.
 */

/**
 * Whether an EC2 instance type runs on Graviton (arm64): a `g` among the attribute letters after the
 * generation digit (m7g, c6gn, im4gn, x2gd, g5g), or the first-generation a1.
 */
export function isArmInstanceType(type: string): boolean {
  return /^a1\./.test(type) || /^[a-z]+\d+[a-z-]*g[a-z-]*\./.test(type);
}

/**
 * Whether an instance type is bare metal (`*.metal`, `*.metal-24xl`, `*.metal-48xl`...): the only EC2
 * types whose guests see hardware virtualization (`/dev/kvm`) without nested virtualization.
 */
export function isMetalInstanceType(type: string): boolean {
  return /\.metal(-\d+xl)?$/.test(type);
}

/**
 * The families that offer nested virtualization (`cpu_options.nested_virtualization`, AWS provider 6.33+):
 * 8th-generation Intel C8i, M8i and R8i, and their -flex variants.
 */
export function offersNestedVirtualization(type: string): boolean {
  return /^(c8i|m8i|r8i)(-flex)?\./.test(type);
}

const SMALL_SIZES: Readonly<Record<string, number>> = { nano: 1, micro: 1, small: 1, medium: 1, large: 2, xlarge: 4 };

/**
 * The vCPUs of an instance type's size, from its name: `large` 2, `xlarge` 4, `<n>xlarge` 4n. Undefined
 * for metal sizes and names it cannot read (the count then depends on the family).
 */
export function instanceTypeVcpus(type: string): number | undefined {
  const size = type.slice(type.indexOf('.') + 1);
  if (size in SMALL_SIZES) return SMALL_SIZES[size];
  const m = /^(\d+)xlarge$/.exec(size);
  return m ? Number(m[1]) * 4 : undefined;
}

/**
 * GiB of memory per vCPU by family, from the name (the EC2 instance type tables): general purpose 4,
 * compute 2, memory (r, z, i) 8, the X families 16 (x2iedn/x2iezn 32, x1e 30.5); im 4, is 6. Undefined for families whose ratio
 * varies by size or that this table does not know (burstable t below large, accelerated, high memory).
 */
function memoryPerVcpu(family: string): number | undefined {
  if (/^x2ie/.test(family)) return 32;
  if (/^x1e/.test(family)) return 30.5;
  if (/^x/.test(family)) return 16;
  if (/^im\d/.test(family)) return 4;
  if (/^is\d/.test(family)) return 6;
  if (/^(r|z|i)\d/.test(family)) return 8;
  if (/^m\d/.test(family)) return 4;
  if (/^c\d/.test(family) || family === 'a1') return 2;
  return undefined;
}

/**
 * The memory (GiB) of an instance type, from its name: vCPUs times the family's GiB per vCPU (see
 * memoryPerVcpu). Also the t families from large up (4 GiB per vCPU). Undefined when the name does not
 * say (metal sizes, unknown families).
 */
export function instanceTypeMemoryGiB(type: string): number | undefined {
  const family = type.slice(0, type.indexOf('.')).replace(/-flex$/, '');
  const vcpus = instanceTypeVcpus(type);
  if (vcpus === undefined) return undefined;
  if (/^t\d/.test(family)) return vcpus >= 2 && !/\.(nano|micro|small|medium)$/.test(type) ? vcpus * 4 : undefined;
  const perVcpu = memoryPerVcpu(family);
  return perVcpu === undefined ? undefined : vcpus * perVcpu;
}
