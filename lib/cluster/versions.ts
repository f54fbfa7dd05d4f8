/**
 * Version choices the cluster constructs default to, in one place (pure).
 */

/**
 * Kubernetes 1.34: the newest EKS version this release was checked against (AWS provider 6.25 era).
 * 1.33 is the floor: it turns user namespaces on by default (workspaces with `hostUsers: false`), and
 * its EKS standard support ended before 1.34's, so a new cluster starts on 1.34.
 */
export const DEFAULT_KUBERNETES_VERSION = '1.34';
/** The oldest Kubernetes version the stack accepts (user namespaces are on by default from 1.33). */
export const MIN_KUBERNETES_VERSION = '1.33';

/** Cluster Autoscaler Helm chart (https://kubernetes.github.io/autoscaler); 9.52.1 ships CA 1.34.1. */
export const DEFAULT_CLUSTER_AUTOSCALER_CHART_VERSION = '9.52.1';

/**
 * Cluster Autoscaler image per Kubernetes minor version. The autoscaler's minor version must match the
 * cluster's; for other versions the image tag must be given.
 */
export const CLUSTER_AUTOSCALER_IMAGE_TAGS: Readonly<Record<string, string>> = {
  '1.33': 'v1.33.0',
  '1.34': 'v1.34.1',
};

/** `"1.34"` -> 34 (the minor number); NaN when not `1.<n>`. */
export function kubernetesMinor(version: string): number {
  const m = /^v?1\.(\d+)/.exec(version);
  return m ? Number(m[1]) : NaN;
}
