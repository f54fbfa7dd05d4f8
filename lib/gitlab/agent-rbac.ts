/**
 * The Kubernetes permissions of a GitLab agent that only serves workspaces (`rbac: least-privilege`),
 * instead of the chart's cluster-admin binding. Pure data, used by GitLabAgent.
 *
 * What agentk's `remote_development` module does with them: it applies each workspace's objects with
 * server-side apply (namespace unless `shared_namespace`, Deployment, Service, PVC, ServiceAccount,
 * NetworkPolicy, ResourceQuota, ConfigMaps for scripts and inventories, Secrets for variables), watches
 * the Deployments it made, and deletes what an inventory no longer holds. Besides, agentk elects a leader
 * with leases in its own namespace and records events there.
 *
 * What stops working: every agent feature that acts as someone else or on other kinds: the CI/CD tunnel
 * (`ci_access`), user access (`user_access`), GitOps with Flux, operational container scanning, and
 * `kubectl` through the agent. The trade-off: the agent can still create Secrets and workload objects in
 * any namespace (Kubernetes cannot limit a ClusterRole to namespaces named `gl-rd-ns-*`), but it can no
 * longer change RBAC, nodes, webhooks or CRDs, so a stolen agent token no longer means the whole cluster.
 */

export interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

/** Read, apply (server-side apply is `patch`; creation is `create`) and prune. */
const MANAGE = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] as const;

/**
 * Cluster-wide rules: the kinds of a workspace's objects (reference section 2), and namespaces when each
 * workspace gets its own (no `shared_namespace`).
 */
export function workspaceClusterRules(options: { readonly sharedNamespace?: boolean } = {}): PolicyRule[] {
  return [
    ...(options.sharedNamespace ? [] : [{ apiGroups: [''], resources: ['namespaces'], verbs: [...MANAGE] }]),
    {
      apiGroups: [''],
      resources: ['configmaps', 'secrets', 'serviceaccounts', 'services', 'persistentvolumeclaims', 'resourcequotas'],
      verbs: [...MANAGE],
    },
    { apiGroups: ['apps'], resources: ['deployments'], verbs: [...MANAGE] },
    { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: [...MANAGE] },
    // The state of workspace pods (why a workspace does not start), read only.
    { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
  ];
}

/** Rules in the agent's own namespace: leader election, events, its own Secret. */
export const AGENT_NAMESPACE_RULES: readonly PolicyRule[] = [
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: [...MANAGE] },
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
  { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] },
];
