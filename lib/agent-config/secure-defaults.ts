/**
 * The hardening the ready app gives an agent config, as one function for constructs used à la carte: the
 * stack calls it on the user's `remote_development` settings, and so should anyone who writes an agent
 * config for a cluster of their own (see examples/gitlab-on-existing-cluster). Pure.
 *
 * - Workspace egress: GitLab's default rule (the internet minus private ranges), with the node's instance
 *   metadata service also excepted: a workspace runs its project members' code, and the metadata service
 *   hands out the node role's credentials.
 * - Requests and limits for every workspace container that sets none: the requests keep a workspace's
 *   node from the cluster autoscaler (it removes nodes whose pods request nothing), the limits keep one
 *   workspace from starving the others on its node.
 */
import { isMapping } from '../common/reporter';
import { DEFAULT_EGRESS } from './defaults';
import { EgressRule, ResourceSetting } from './types';

/** The instance metadata service (node credentials on EC2). */
export const INSTANCE_METADATA_CIDR = '169.254.169.254/32';

/** GitLab's default egress, minus the instance metadata address. */
export const SECURE_DEFAULT_EGRESS: readonly EgressRule[] = Object.freeze(DEFAULT_EGRESS.map((rule) => Object.freeze({
  allow: rule.allow,
  except: Object.freeze([...(rule.except ?? []), INSTANCE_METADATA_CIDR]),
})));

/** Requests and limits for every workspace container that sets none itself. */
export const SECURE_DEFAULT_RESOURCES: ResourceSetting = Object.freeze({
  requests: Object.freeze({ cpu: '500m', memory: '1Gi' }),
  limits: Object.freeze({ cpu: '2', memory: '4Gi' }),
});

/**
 * `remote_development` settings (as in the agent config file: snake_case keys) with the hardening defaults
 * where the settings leave them out: `network_policy.egress` and `default_resources_per_workspace_container`.
 * What the settings say themselves is kept (check the result with resolveAgentConfig). Returns a new mapping.
 */
export function withSecureAgentDefaults(settings: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...settings };
  const policy = settings.network_policy;
  if (policy === undefined || (isMapping(policy) && policy.egress === undefined)) {
    out.network_policy = { ...(isMapping(policy) ? policy : {}), egress: SECURE_DEFAULT_EGRESS.map((r) => ({ allow: r.allow, except: [...(r.except ?? [])] })) };
  }
  if (settings.default_resources_per_workspace_container === undefined) {
    out.default_resources_per_workspace_container = structuredClone(SECURE_DEFAULT_RESOURCES);
  }
  return out;
}
