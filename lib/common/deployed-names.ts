/**
 * Names the stacks give what they deploy, which `gitlab-workspaces doctor` looks for in the cluster. On the
 * ground floor so the CLI (which may not load the constructs) and the constructs read one copy; the names
 * still written inside construct bodies are checked against the synthesized stacks by
 * test/cli/doctor-plan.test.ts.
 */

/** The workspaces proxy's Helm release name, so the chart's resources are named `gitlab-workspaces-proxy...` as GitLab's docs show. */
export const PROXY_RELEASE_NAME = 'gitlab-workspaces-proxy';

/** The node label (and taint key) that says which sudo runtime a workspace node was built for. */
export const RUNTIME_NODE_LABEL = 'gitlab-workspaces/runtime';

/** The Cluster Autoscaler's Helm release and namespace (lib/cluster/cluster-autoscaler.ts). */
export const AUTOSCALER_RELEASE_NAME = 'cluster-autoscaler';
export const AUTOSCALER_NAMESPACE = 'kube-system';

/** Each sudo runtime's installer DaemonSet (lib/runtimes/sysbox-installer.ts; kata-deploy's chart names its DaemonSet after the release). */
export const RUNTIME_INSTALLER_DAEMONSETS: Readonly<Record<string, { readonly namespace: string; readonly name: string }>> = {
  sysbox: { namespace: 'kube-system', name: 'sysbox-deploy-k8s' },
  kata: { namespace: 'kube-system', name: 'kata-deploy' },
};
