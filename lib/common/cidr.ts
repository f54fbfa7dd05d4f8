/**
 * IPv4 and IPv6 CIDR blocks (pure, no dependencies): parsing with Kubernetes' strictness, canonical
 * text, and containment. The agent config (network policy `ipBlock`s) and the cluster stack (VPC and
 * subnet blocks) both build on it.
 */

export interface Cidr {
  readonly family: 4 | 6;
  /** The address as written (4 or 16 bytes). */
  readonly address: Uint8Array;
  readonly prefixLength: number;
  /** The address with the bits after the prefix cleared. */
  readonly network: Uint8Array;
  /** `network/prefixLength` in canonical text form. */
  readonly canonical: string;
  /** True when the written address had bits set after the prefix (valid, but not canonical). */
  readonly hostBitsSet: boolean;
}

export type CidrParse = { readonly ok: true; readonly cidr: Cidr } | { readonly ok: false; readonly problem: string };

const CIDR_ALLOWED = 'an IPv4 or IPv6 CIDR: an address, a slash and a prefix length (e.g. 10.0.0.0/8 or fd00::/8)';

/**
 * Parses `address/prefix`. The prefix length is required (GitLab refuses a bare address). IPv4
 * octets with leading zeros are refused (ambiguous: octal or decimal; newer Kubernetes refuses them).
 */
export function parseCidr(text: string): CidrParse {
  const slash = text.indexOf('/');
  if (slash < 0 || slash !== text.lastIndexOf('/')) return { ok: false, problem: CIDR_ALLOWED };
  const addrText = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  if (!/^(0|[1-9][0-9]{0,2})$/.test(prefixText)) return { ok: false, problem: `${CIDR_ALLOWED}; the prefix length must be a whole number` };
  const prefixLength = Number(prefixText);
  const address = addrText.includes(':') ? parseIPv6(addrText) : parseIPv4(addrText);
  if (!address) return { ok: false, problem: `${CIDR_ALLOWED}; '${addrText}' is not an IP address` };
  const family: 4 | 6 = address.length === 4 ? 4 : 6;
  const bits = address.length * 8;
  if (prefixLength > bits) return { ok: false, problem: `${CIDR_ALLOWED}; an IPv${family} prefix length is at most ${bits}` };
  const network = maskBytes(address, prefixLength);
  const hostBitsSet = network.some((b, i) => b !== address[i]);
  const canonical = `${family === 4 ? formatIPv4(network) : formatIPv6(network)}/${prefixLength}`;
  return { ok: true, cidr: { family, address, prefixLength, network, canonical, hostBitsSet } };
}

/** True when every address of `inner` is in `outer` (a block contains itself). Never across families. */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  if (outer.family !== inner.family || inner.prefixLength < outer.prefixLength) return false;
  const masked = maskBytes(inner.network, outer.prefixLength);
  return masked.every((b, i) => b === outer.network[i]);
}

/** True when `inner` is a strict subset of `outer` (what Kubernetes requires of `ipBlock.except`). */
export function cidrStrictlyContains(outer: Cidr, inner: Cidr): boolean {
  return inner.prefixLength > outer.prefixLength && cidrContains(outer, inner);
}

/** True when the blocks share an address (for CIDR blocks: one contains the other). */
export function cidrOverlaps(a: Cidr, b: Cidr): boolean {
  return cidrContains(a, b) || cidrContains(b, a);
}

function maskBytes(bytes: Uint8Array, prefixLength: number): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const keep = Math.max(0, Math.min(8, prefixLength - i * 8));
    out[i] = keep === 0 ? 0 : bytes[i] & ((0xff << (8 - keep)) & 0xff);
  }
  return out;
}

function parseIPv4(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(parts[i])) return undefined;
    const n = Number(parts[i]);
    if (n > 255) return undefined;
    out[i] = n;
  }
  return out;
}

function parseIPv6(text: string): Uint8Array | undefined {
  if (!/^[0-9A-Fa-f:.]+$/.test(text)) return undefined;
  const ellipsis = text.indexOf('::');
  if (ellipsis >= 0 && text.indexOf('::', ellipsis + 1) >= 0) return undefined;
  const split = (s: string): string[] => (s === '' ? [] : s.split(':'));
  const head = ellipsis >= 0 ? split(text.slice(0, ellipsis)) : split(text);
  const tail = ellipsis >= 0 ? split(text.slice(ellipsis + 2)) : [];
  const toGroups = (parts: string[], allowV4Last: boolean): number[] | undefined => {
    const groups: number[] = [];
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      if (p.includes('.')) {
        if (!allowV4Last || i !== parts.length - 1) return undefined;
        const v4 = parseIPv4(p);
        if (!v4) return undefined;
        groups.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else {
        if (!/^[0-9A-Fa-f]{1,4}$/.test(p)) return undefined;
        groups.push(parseInt(p, 16));
      }
    }
    return groups;
  };
  const h = toGroups(head, ellipsis < 0);
  const t = toGroups(tail, true);
  if (!h || !t) return undefined;
  const total = h.length + t.length;
  if (ellipsis < 0 ? total !== 8 : total > 7) return undefined;
  const groups = [...h, ...new Array<number>(8 - total).fill(0), ...t];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  return out;
}

function formatIPv4(b: Uint8Array): string {
  return Array.from(b).join('.');
}

/** RFC 5952 text: lowercase hex, the longest run of two or more zero groups as `::`. */
function formatIPv6(b: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((b[i] << 8) | b[i + 1]);
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/**
 * Whether a NetworkPolicy egress rule (`allow` a block `except` some) lets traffic reach any address of
 * `target` (a CIDR, or an address as /32 or /128): the blocks overlap and no `except` covers their overlap.
 */
export function egressReaches(rule: { readonly allow: string; readonly except?: readonly string[] }, target: string): boolean {
  const allow = parseCidr(rule.allow);
  const block = parseCidr(target);
  if (!allow.ok || !block.ok || !cidrOverlaps(allow.cidr, block.cidr)) return false;
  const shared = cidrContains(allow.cidr, block.cidr) ? block.cidr : allow.cidr;
  return !(rule.except ?? []).some((e) => {
    const except = parseCidr(e);
    return except.ok && cidrContains(except.cidr, shared);
  });
}
