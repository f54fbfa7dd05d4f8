/**
 * The Helm charts of the GitLab side, where they come from and the versions this project pins. Pure.
 */

/** GitLab's chart repository (the agent). */
export const AGENT_CHART_REPOSITORY = 'https://charts.gitlab.io';
export const AGENT_CHART = 'gitlab-agent';
/**
 * The gitlab-agent chart pinned by default (newest published when this was written). Its default image
 * follows the chart, not the GitLab instance: chart minors track agent minors (1.24.0 shipped v16.9.3, per
 * gitlab-org/charts/gitlab-agent#55; 2.20.1 an 18.5 agent), so 2.26.0 ships roughly agentk 18.11. The
 * stack sets `image.tag` from `gitlab.version` instead (GitLabAgent `imageTag`).
 */
export const DEFAULT_AGENT_CHART_VERSION = '2.26.0';

/** The proxy's chart repository: the project's Helm package registry (the project moved under gitlab-org/workspaces). */
export const PROXY_CHART_REPOSITORY = 'https://gitlab.com/api/v4/projects/gitlab-org%2fworkspaces%2fgitlab-workspaces-proxy/packages/helm/devel';
export const PROXY_CHART = 'gitlab-workspaces-proxy';
/** The gitlab-workspaces-proxy chart pinned by default (the newest in GitLab's docs). */
export const DEFAULT_PROXY_CHART_VERSION = '0.1.25';
/**
 * The oldest proxy chart allowed: older versions pass secrets in process arguments (visible to anyone
 * who may list pods) or set their session cookie on the wildcard domain (readable by every workspace).
 */
export const MIN_PROXY_CHART_VERSION = '0.1.23';

/**
 * Whether the `x.y.z` version `version` is `minimum` or newer; a leading `v` and a pre-release or build
 * suffix (`-rc1`, `-eksbuild.1`, `+meta`) are not compared (they would read as NaN and fail every check).
 */
export function versionAtLeast(version: string, minimum: string): boolean {
  const numbers = (v: string) => v.replace(/^v/, '').split(/[-+]/)[0].split('.').map(Number);
  const a = numbers(version);
  const b = numbers(minimum);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return true;
}

/**
 * The first VPC CNI release that enforces EKS's cluster-wide network policies (`ClusterNetworkPolicy`,
 * `networking.k8s.aws/v1alpha1`, announced December 2025; the EKS user guide asks for 1.21, AWS's posts
 * for 1.21.1 on EC2 nodes), with the add-on's `enableNetworkPolicy: "true"`.
 */
export const MIN_VPC_CNI_FOR_CLUSTER_NETWORK_POLICY = '1.21.1';
