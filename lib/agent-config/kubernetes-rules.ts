/**
 * Kubernetes value rules that the agent config and the workspace identity file check: object names,
 * label and annotation keys and values, Secret keys, environment variable names, CIDRs and resource
 * quantities. Each `...Problem` function returns `undefined` for a valid value, or a short phrase
 * saying what is allowed (to follow "must be" in a message). Pure: no I/O.
 *
 * The rules mirror k8s.io/apimachinery `pkg/util/validation` (IsDNS1123Label, IsDNS1123Subdomain,
 * IsDNS1035Label, IsQualifiedName, IsValidLabelValue, IsConfigMapKey, IsEnvVarName) and
 * `pkg/apis/networking/validation` (ValidateIPBlock). Quantities follow GitLab's own
 * KubernetesContainerResourcesValidator, narrowed to what Kubernetes also parses (see below).
 */

export const DNS1123_LABEL_MAX = 63;
export const DNS1123_SUBDOMAIN_MAX = 253;
export const LABEL_VALUE_MAX = 63;
export const QUALIFIED_NAME_MAX = 63;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const HOST_LABEL = /^[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?$/;

/** A DNS-1123 label: namespaces, and most object names that end up in host names. */
export function dns1123LabelProblem(value: string): string | undefined {
  if (value.length > DNS1123_LABEL_MAX || !DNS1123_LABEL.test(value)) {
    return `a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most ${DNS1123_LABEL_MAX} characters`;
  }
  return undefined;
}

/** A DNS-1035 label: Service names (like a DNS-1123 label, but starting with a letter). */
export function dns1035LabelProblem(value: string): string | undefined {
  if (value.length > DNS1123_LABEL_MAX || !DNS1035_LABEL.test(value)) {
    return `a DNS-1035 label: lowercase letters, digits and '-', starting with a letter and ending with a letter or digit, at most ${DNS1123_LABEL_MAX} characters`;
  }
  return undefined;
}

/** A DNS-1123 subdomain: most object names (ConfigMap, Secret, PVC, RuntimeClass...). */
export function dns1123SubdomainProblem(value: string): string | undefined {
  const ok =
    value.length > 0 &&
    value.length <= DNS1123_SUBDOMAIN_MAX &&
    value.split('.').every((part) => DNS1123_LABEL.test(part));
  return ok
    ? undefined
    : `a DNS-1123 subdomain: dot-separated parts of lowercase letters, digits and '-', each starting and ending with a letter or digit, at most ${DNS1123_SUBDOMAIN_MAX} characters in all`;
}

/**
 * A host name such as a DNS zone: dot-separated labels of letters, digits and '-', each 1 to 63
 * characters, not starting or ending with '-', at most 253 characters, no trailing dot. All-numeric
 * labels are allowed (GitLab validates `dns_zone` with `hostname: {allow_numeric_hostname: true}`).
 */
export function hostNameProblem(value: string): string | undefined {
  const ok =
    value.length > 0 &&
    value.length <= DNS1123_SUBDOMAIN_MAX &&
    value.split('.').every((label) => label.length <= DNS1123_LABEL_MAX && HOST_LABEL.test(label));
  return ok
    ? undefined
    : "a host name: dot-separated labels of letters, digits and '-', each 1 to 63 characters and not starting or ending with '-', at most 253 characters, no trailing dot (e.g. workspaces.example.dev)";
}

/**
 * A label or annotation key: an optional DNS-1123 subdomain prefix and '/', then a name of at most 63
 * characters (letters, digits, '-', '_', '.', starting and ending with a letter or digit).
 */
export function qualifiedNameProblem(key: string): string | undefined {
  const parts = key.split('/');
  const allowed =
    "a Kubernetes key: an optional prefix (a DNS-1123 subdomain of at most 253 characters, e.g. example.com) and '/', then a name of at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
  if (parts.length > 2) return allowed;
  const name = parts[parts.length - 1];
  if (name.length > QUALIFIED_NAME_MAX || !QUALIFIED_NAME_PART.test(name)) return allowed;
  if (parts.length === 2 && dns1123SubdomainProblem(parts[0]) !== undefined) return allowed;
  return undefined;
}

/** The prefix of a qualified key (`example.com` of `example.com/team`), or '' when it has none. */
export function keyPrefix(key: string): string {
  const slash = key.indexOf('/');
  return slash > 0 ? key.slice(0, slash) : '';
}

/** Key prefixes GitLab reserves for itself and Kubernetes (matched as plain string suffixes, as GitLab does). */
export const RESERVED_KEY_PREFIX_SUFFIXES = ['kubernetes.io', 'k8s.io', 'gitlab.com'] as const;

/** The reserved suffix a key's prefix ends with, if any. */
export function reservedPrefixSuffix(key: string): string | undefined {
  const prefix = keyPrefix(key);
  return prefix ? RESERVED_KEY_PREFIX_SUFFIXES.find((s) => prefix.endsWith(s)) : undefined;
}

/** A label value: empty, or at most 63 letters, digits, '-', '_', '.', starting and ending with a letter or digit. */
export function labelValueProblem(value: string): string | undefined {
  return value.length <= LABEL_VALUE_MAX && LABEL_VALUE.test(value)
    ? undefined
    : "a label value: empty, or at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
}

/** A Secret (or ConfigMap) data key: `[-._a-zA-Z0-9]+`, at most 253 characters, not `.`, `..` or starting with `..`. */
export function secretKeyProblem(key: string): string | undefined {
  const allowed = "a Secret key: letters, digits, '-', '_' and '.', at most 253 characters, not '.' or '..' and not starting with '..'";
  if (key.length === 0 || key.length > DNS1123_SUBDOMAIN_MAX || !SECRET_KEY.test(key)) return allowed;
  if (key === '.' || key.startsWith('..')) return allowed;
  return undefined;
}

/**
 * An environment variable name Kubernetes passes through `envFrom` on every supported release:
 * letters, digits, '-', '_' and '.', not starting with a digit (Kubernetes before 1.34 silently skips
 * other keys of an `envFrom` Secret).
 */
export function envVarNameProblem(key: string): string | undefined {
  return ENV_VAR_NAME.test(key)
    ? undefined
    : "an environment variable name: letters, digits, '-', '_' and '.', not starting with a digit";
}

// ---------------------------------------------------------------------------------------------------
// CIDRs

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

/** True when `inner` is a strict subset of `outer` (what Kubernetes requires of `ipBlock.except`). */
export function cidrStrictlyContains(outer: Cidr, inner: Cidr): boolean {
  if (outer.family !== inner.family || inner.prefixLength <= outer.prefixLength) return false;
  const masked = maskBytes(inner.network, outer.prefixLength);
  return masked.every((b, i) => b === outer.network[i]);
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

// ---------------------------------------------------------------------------------------------------
// Quantities

/**
 * CPU: GitLab's rule `^(\d+m|\d+(\.\d*)?)$` (whole millicores, or cores with an optional fraction).
 * Everything it accepts is also a valid Kubernetes quantity.
 */
const CPU_QUANTITY = /^([0-9]+m|[0-9]+(\.[0-9]*)?)$/;

/**
 * Memory: GitLab's rule `^\d+(\.\d*)?([EPTGMK]|[EPTGMK]i)?$`, minus the bare `K` suffix, which GitLab
 * accepts but Kubernetes does not (its decimal kilo suffix is a lowercase `k`, which GitLab refuses):
 * a container or quota with `512K` is rejected by the API server, so it is refused here already.
 */
const MEMORY_QUANTITY = /^[0-9]+(\.[0-9]*)?([EPTGM]|[EPTGMK]i)?$/;

export function cpuQuantityProblem(value: string): string | undefined {
  return CPU_QUANTITY.test(value)
    ? undefined
    : 'a CPU quantity: cores such as "1" or "0.5", or whole millicores such as "500m"';
}

export function memoryQuantityProblem(value: string): string | undefined {
  if (MEMORY_QUANTITY.test(value)) return undefined;
  if (/^[0-9]+(\.[0-9]*)?K$/.test(value)) {
    return `a memory quantity; the suffix "K" is not one Kubernetes accepts: use "Ki" (1024 bytes), "M" or "Mi"`;
  }
  return 'a memory quantity: bytes such as "1073741824", or a number with one of the suffixes E, P, T, G, M, Ei, Pi, Ti, Gi, Mi, Ki (e.g. "512Mi", "1.5Gi")';
}

/** An exact rational value num/den (den > 0). */
interface Rational {
  readonly num: bigint;
  readonly den: bigint;
}

const SUFFIX_FACTORS: Record<string, bigint> = {
  '': 1n,
  m: 1n, // handled separately (divides)
  K: 1000n,
  M: 1000n ** 2n,
  G: 1000n ** 3n,
  T: 1000n ** 4n,
  P: 1000n ** 5n,
  E: 1000n ** 6n,
  Ki: 1024n,
  Mi: 1024n ** 2n,
  Gi: 1024n ** 3n,
  Ti: 1024n ** 4n,
  Pi: 1024n ** 5n,
  Ei: 1024n ** 6n,
};

/** The exact value of a quantity accepted by `cpuQuantityProblem` or `memoryQuantityProblem`, or undefined. */
export function quantityValue(value: string): Rational | undefined {
  const m = /^([0-9]+)(?:\.([0-9]*))?(m|[KMGTPE]i?)?$/.exec(value);
  if (!m) return undefined;
  const frac = m[2] ?? '';
  let num = BigInt(m[1] + frac);
  let den = 10n ** BigInt(frac.length);
  const suffix = m[3] ?? '';
  if (suffix === 'm') den *= 1000n;
  else num *= SUFFIX_FACTORS[suffix] ?? 1n;
  return { num, den };
}

/** Compares two quantities: negative when a < b, 0 when equal, positive when a > b. Undefined when either does not parse. */
export function compareQuantities(a: string, b: string): number | undefined {
  const x = quantityValue(a);
  const y = quantityValue(b);
  if (!x || !y) return undefined;
  const l = x.num * y.den;
  const r = y.num * x.den;
  return l < r ? -1 : l > r ? 1 : 0;
}
