/**
 * How the stacks install every Helm chart: an upgrade or install that fails is rolled back (atomic, with
 * what it created cleaned up), and Terraform waits until the release's pods are ready, up to 10 minutes.
 * Spread into a `Release`'s config.
 */
export const HELM_RELEASE_SETTINGS = {
  atomic: true,
  cleanupOnFail: true,
  wait: true,
  timeout: 600,
} as const;
