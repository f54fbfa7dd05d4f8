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
