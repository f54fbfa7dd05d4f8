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

// The parser lives in lib/common/cidr.ts, shared with the cluster stack's VPC and subnet checks.
export type { Cidr, CidrParse } from '../common/cidr';
export { cidrStrictlyContains, parseCidr } from '../common/cidr';

// ---------------------------------------------------------------------------------------------------
// Quantities

// The parser lives in lib/common/quantity.ts, shared with the devfile rules and the workspace renderer.
import { compareParsedQuantities, parseQuantity } from '../common/quantity';

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

/**
 * Compares two quantities: negative when a < b, 0 when equal, positive when a > b. Undefined when either
 * is not a Kubernetes quantity. Exact (lib/common/quantity, nano precision).
 */
export function compareQuantities(a: string, b: string): number | undefined {
  const x = parseQuantity(a);
  const y = parseQuantity(b);
  return x && y ? compareParsedQuantities(x, y) : undefined;
}
