/**
 * The Kubernetes permissions of a GitLab agent that only serves workspaces (`rbac: least-privilege`, the
 * default), instead of the chart's cluster-admin binding. Pure data, used by GitLabAgent.
 *
 * What agentk's `remote_development` module does with them (read in agentk's source, 16.x, and GitLab's
 * shared-namespace work, gitlab-org&12327): it watches the Deployments labelled with its agent id in every
 * namespace (an informer over all namespaces), creates each workspace's namespace (`gl-rd-ns-*`) unless
 * `shared_namespace` is set, applies the workspace's objects there with server-side apply through
 * cli-utils inventories (Deployment, Service, PVC, ServiceAccount, NetworkPolicy, ResourceQuota, ConfigMaps
 * for scripts and inventories, Secrets for variables), watches what it applied in that namespace, prunes
 * what an inventory no longer holds, and deletes the namespace when the workspace terminates. Besides,
 * agentk elects a leader with leases in its own namespace and records events there.
 *
 * Narrowed in review (issue 17), checked against agentk's source (gitlab-agent v16, as mirrored at
 * github.com/pluralsh/kubernetes-agent: remote_development/agent/k8s/client.go, cmd/agentk/agentkapp/app.go):
 * - Namespaces: `NamespaceExists` (get), `CreateNamespace` (create), `DeleteNamespace` (delete); nothing
 *   lists, watches, updates or patches them.
 * - Workspace objects: cli-utils' applier with server-side apply (patch, create), an inventory ConfigMap,
 *   pruning (delete), and its status watcher scoped to the namespace (list, watch of the applied kinds).
 *   No pod reads: GitLab computes a workspace's state from the Deployment the informer reports; the
 *   applier's status events (computed from ReplicaSets and pods, which neither this role nor the one
 *   before granted) are only logged at debug level, with `ReconcileTimeout: 0` (nothing waits on them).
 * - Its own namespace: leader election with a Lease (`agent-<id>-lock`; client-go's Lease lock calls get,
 *   create, update) and events from its event recorder. No Secret reads: agentk reads its token from the
 *   file the chart mounts (`os.ReadFile` at start; the kubelet reads the Secret).
 * A newer agent that needs more logs `forbidden` (docs/operations.md).
 *
 * - With `shared_namespace`: writes through a Role in that namespace only; cluster-wide, only the read
 *   of Deployments its informer needs. The agent cannot touch any other namespace.
 * - Without: Kubernetes cannot grant a role in namespaces that do not exist yet, so the ClusterRole grants
 *   the workspace kinds in every namespace; the agent's ValidatingAdmissionPolicy (admission-policies.ts)
 *   refuses its writes outside `gl-rd-ns-*` and its own namespace, Namespaces under other names,
 *   service-account token Secrets and host-level pod templates. Admission sees no reads: the agent can
 *   still read Secrets in every namespace.
 *
 * What stops working: every agent feature that acts as someone else or on other kinds: the CI/CD tunnel
 * (`ci_access`), user access (`user_access`), GitOps with Flux, operational container scanning, and
 * `kubectl` through the agent.
 */

export interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

/** Read, apply (server-side apply is `patch`; creation is `create`) and prune: the workspace objects. */
const MANAGE = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] as const;
const READ = ['get', 'list', 'watch'] as const;
/**
 * A workspace's namespace: looked up, created before its objects are applied, deleted when the workspace
 * terminates. Never listed, watched, updated or patched (GitLab renders no Namespace object to apply).
 */
const NAMESPACE_VERBS = ['get', 'create', 'delete'] as const;
/** client-go leader election with a Lease lock: get, create, update (renewals). */
const LEASE_VERBS = ['get', 'create', 'update'] as const;

/** The kinds of a workspace's objects (reference section 2), managed, and its pods, read. */
function workspaceKindRules(options: { readonly resourceQuotas: boolean }): PolicyRule[] {
  return [
    {
      apiGroups: [''],
      resources: ['configmaps', 'secrets', 'serviceaccounts', 'services', 'persistentvolumeclaims', ...(options.resourceQuotas ? ['resourcequotas'] : [])],
      verbs: [...MANAGE],
    },
    { apiGroups: ['apps'], resources: ['deployments'], verbs: [...MANAGE] },
    { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: [...MANAGE] },
    // No pods: GitLab computes a workspace's state from its Deployment's status (replicas and conditions),
    // which the agent's Deployment informer reports.
  ];
}

/**
 * Cluster-wide rules. With `sharedNamespace`: only reading Deployments (agentk's informer lists and watches
 * them in all namespaces). Without: the workspace kinds everywhere and namespaces (each workspace gets its
 * own), which the agent's admission policy narrows to `gl-rd-ns-*`.
 */
export function workspaceClusterRules(options: { readonly sharedNamespace?: boolean } = {}): PolicyRule[] {
  if (options.sharedNamespace) return [{ apiGroups: ['apps'], resources: ['deployments'], verbs: [...READ] }];
  return [{ apiGroups: [''], resources: ['namespaces'], verbs: [...NAMESPACE_VERBS] }, ...workspaceKindRules({ resourceQuotas: true })];
}

/**
 * Rules in the shared namespace (`shared_namespace`): the workspace kinds (GitLab renders no ResourceQuota
 * there).
 */
export function sharedNamespaceRules(): PolicyRule[] {
  return workspaceKindRules({ resourceQuotas: false });
}

/**
 * Rules in the agent's own namespace: leader election (leases) and its events. No Secret reads: the chart
 * mounts the token Secret as a file (the kubelet reads it, not the agent's service account), and agentk
 * reads the file.
 */
export const AGENT_NAMESPACE_RULES: readonly PolicyRule[] = [
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: [...LEASE_VERBS] },
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
];
