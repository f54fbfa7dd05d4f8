/**
 * IPv4 CIDR arithmetic for subnet planning (pure). Subnet CIDRs are computed at synth time, not with
 * Terraform's `cidrsubnet()`, so the plan and the tests show literal blocks.
 */

import { Cidr, parseCidr as parseAnyCidr } from '../common/cidr';

export interface Ipv4Cidr {
  /** Network address as an unsigned 32-bit number. */
  readonly base: number;
  readonly prefix: number;
}

/**
 * Parses `a.b.c.d/n` (the rules of `lib/common/cidr`: no leading zeros); undefined when malformed,
 * not IPv4, or when host bits are set.
 */
export function parseCidr(text: string): Ipv4Cidr | undefined {
  const parsed = parseAnyCidr(text);
  return parsed.ok && !parsed.cidr.hostBitsSet ? toIpv4Cidr(parsed.cidr) : undefined;
}

/** The IPv4 network of a parsed block (host bits cleared); undefined for IPv6. */
export function toIpv4Cidr(cidr: Cidr): Ipv4Cidr | undefined {
  if (cidr.family !== 4) return undefined;
  const [a, b, c, d] = cidr.network;
  return { base: ((a << 24) | (b << 16) | (c << 8) | d) >>> 0, prefix: cidr.prefixLength };
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
