/**
 * Names of AWS resources derived from the cluster name. AWS caps many of them (an IAM role name prefix
 * at 38 characters, an EKS node group name prefix at 37), and the limits are checked at plan time, long
 * after synth. So names are built here, at synth time, from the literal cluster name: cut to the limit
 * and, when cut, made unique again with a short hash of the full name.
 */
import { createHash } from 'crypto';
import { Token } from 'cdktf';

/** Longest `name_prefix` of an IAM role (the provider adds 26 characters to reach IAM's 64). */
export const IAM_ROLE_NAME_PREFIX_MAX = 38;
/** Longest `node_group_name_prefix` of an EKS node group (63 minus the provider's 26-character suffix). */
export const NODE_GROUP_NAME_PREFIX_MAX = 37;
/** Longest `name_prefix` of a launch template (128 minus the 26-character suffix). */
export const LAUNCH_TEMPLATE_NAME_PREFIX_MAX = 102;

/**
 * `<base><suffix>` when it fits in `max` characters; otherwise the base is cut and followed by `-` and
 * four hex characters of its SHA-256, so two long names that share a beginning still differ. The suffix
 * (what the resource is for) is always kept whole. `base` must be a literal: a token (such as a
 * reference to the cluster's name) has no length at synth time.
 */
export function boundedName(base: string, suffix: string, max: number): string {
  if (Token.isUnresolved(base)) {
    throw new Error(`boundedName: the base of a name must be a literal string, not a Terraform reference (${base}); pass the cluster name from the config`);
  }
  const whole = `${base}${suffix}`;
  if (whole.length <= max) return whole;
  const hash = createHash('sha256').update(base).digest('hex').slice(0, 4);
  const room = max - suffix.length - hash.length - 1;
  if (room < 1) throw new Error(`boundedName: the suffix ${JSON.stringify(suffix)} leaves no room for a name within ${max} characters`);
  return `${base.slice(0, room).replace(/-+$/, '')}-${hash}${suffix}`;
}

/** The `name_prefix` of an IAM role of the cluster: `<cluster>-<purpose>-`, within 38 characters. */
export function iamRoleNamePrefix(clusterName: string, purpose: string): string {
  return boundedName(clusterName, `-${purpose}-`, IAM_ROLE_NAME_PREFIX_MAX);
}

/**
 * A role name prefix given by a caller, checked rather than cut: cutting a Terraform reference would
 * corrupt it, and cutting a literal silently would hide the collision it may cause.
 */
export function checkedRoleNamePrefix(prefix: string, construct: string): string {
  if (Token.isUnresolved(prefix)) {
    throw new Error(`${construct}: namePrefix must be a literal string, not a Terraform reference (${prefix}); build it from the cluster name in the config with iamRoleNamePrefix()`);
  }
  if (prefix.length > IAM_ROLE_NAME_PREFIX_MAX) {
    throw new Error(`${construct}: namePrefix ${JSON.stringify(prefix)} has ${prefix.length} characters; IAM allows at most ${IAM_ROLE_NAME_PREFIX_MAX} (use iamRoleNamePrefix() to cut and hash it)`);
  }
  return prefix;
}
