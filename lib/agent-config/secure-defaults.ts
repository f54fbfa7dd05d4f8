/**
 * The hardening the ready app gives an agent config, as one function for constructs used à la carte: the
 * stack calls it on the user's `remote_development` settings, and so should anyone who writes an agent
 * config for a cluster of their own (see examples/gitlab-on-existing-cluster). Pure.
 *
 * - Workspace egress: GitLab's default rule (the internet minus private ranges), with the node-local
 *   credential endpoints also excepted: the instance metadata service (the node role's credentials) and
 *   the EKS Pod Identity agent (the credentials of pods with a Pod Identity association). A workspace runs
 *   its project members' code; both addresses are link-local, outside the private ranges GitLab excepts.
 * - Requests and limits for every workspace container that sets none: the requests keep a workspace's
 *   node from the cluster autoscaler (it removes nodes whose pods request nothing), the limits keep one
 *   workspace from starving the others on its node.
 */
import { isMapping } from '../common/reporter';
import { DEFAULT_EGRESS } from './defaults';
import { EgressRule, ResourceSetting } from './types';

/** The instance metadata service (node credentials on EC2). */
export const INSTANCE_METADATA_CIDR = '169.254.169.254/32';

/**
 * The EKS Pod Identity agent on every node (a host-network DaemonSet): it hands AWS credentials to pods whose
 * service account has a Pod Identity association (on IPv6 clusters also `fd00:ec2::23`).
 */
export const POD_IDENTITY_AGENT_CIDR = '169.254.170.23/32';

/** Node-local addresses that hand out AWS credentials, and what each is: no workspace should reach them. */
export const NODE_CREDENTIAL_ENDPOINTS: ReadonlyArray<{ readonly cidr: string; readonly what: string }> = Object.freeze([
  Object.freeze({ cidr: INSTANCE_METADATA_CIDR, what: 'the instance metadata service (the node role\'s credentials)' }),
  Object.freeze({ cidr: POD_IDENTITY_AGENT_CIDR, what: 'the EKS Pod Identity agent (the credentials of pods with a Pod Identity association)' }),
]);

/** GitLab's default egress, minus the node-local credential endpoints. */
export const SECURE_DEFAULT_EGRESS: readonly EgressRule[] = Object.freeze(DEFAULT_EGRESS.map((rule) => Object.freeze({
  allow: rule.allow,
  except: Object.freeze([...(rule.except ?? []), ...NODE_CREDENTIAL_ENDPOINTS.map((e) => e.cidr)]),
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
