/**
 * IPv4 CIDR arithmetic for subnet planning (pure). Subnet CIDRs are computed at synth time, not with
 * Terraform's `cidrsubnet()`, so the plan and the tests show literal blocks.
 */

export interface Ipv4Cidr {
  /** Network address as an unsigned 32-bit number. */
  readonly base: number;
  readonly prefix: number;
}

const CIDR_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; undefined when malformed. Host bits must be zero. */
export function parseCidr(text: string): Ipv4Cidr | undefined {
  const m = CIDR_RE.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const addr = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  if ((addr & ~mask(prefix)) >>> 0 !== 0) return undefined;
  return { base: addr, prefix };
}

/** True when `text` is a CIDR whose address has host bits set (e.g. 10.0.0.1/16). */
export function hasHostBits(text: string): boolean {
  const m = CIDR_RE.exec(text);
  if (!m) return false;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return false;
  const addr = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  return (addr & ~mask(prefix)) >>> 0 !== 0;
}

export function formatCidr(c: Ipv4Cidr): string {
  const b = c.base;
  return `${b >>> 24}.${(b >>> 16) & 255}.${(b >>> 8) & 255}.${b & 255}/${c.prefix}`;
}

/** Like Terraform's `cidrsubnet(parent, newbits, netnum)`. */
export function subnet(parent: Ipv4Cidr, newBits: number, netNum: number): Ipv4Cidr {
  const prefix = parent.prefix + newBits;
  if (prefix > 32) throw new RangeError(`cannot add ${newBits} bits to a /${parent.prefix}`);
  if (netNum < 0 || netNum >= 2 ** newBits) throw new RangeError(`network number ${netNum} does not fit in ${newBits} bits`);
  return { base: (parent.base + netNum * 2 ** (32 - prefix)) >>> 0, prefix };
}

/** True when `inner` lies entirely within `outer`. */
export function contains(outer: Ipv4Cidr, inner: Ipv4Cidr): boolean {
  return inner.prefix >= outer.prefix && (inner.base & mask(outer.prefix)) >>> 0 === outer.base;
}

export function overlaps(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  return contains(a, b) || contains(b, a);
}

/**
 * The default subnet plan for a VPC: per zone one private block of 1/8 of the VPC (a /19 of a /16:
 * room for the VPC CNI's one-IP-per-pod) and one public block of 1/64 (a /22 of a /16), placed after
 * the private blocks. Meant for VPCs of /16 to /20 (the config check enforces that range).
 */
export function defaultSubnetPlan(vpcCidr: string, zones: number): { privateCidrs: string[]; publicCidrs: string[] } {
  const vpc = parseCidr(vpcCidr);
  if (!vpc) throw new RangeError(`not an IPv4 CIDR: ${vpcCidr}`);
  const privateCidrs: string[] = [];
  const publicCidrs: string[] = [];
  for (let i = 0; i < zones; i++) {
    privateCidrs.push(formatCidr(subnet(vpc, 3, i)));
    // Private blocks use netnums 0..2 of 8 (/19s of a /16); public blocks start at /22 number 24
    // (10.0.96.0/22 for 10.0.0.0/16), right after them.
    publicCidrs.push(formatCidr(subnet(vpc, 6, 24 + i)));
  }
  return { privateCidrs, publicCidrs };
}

function mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}
