import { testedAddonVersion } from '../../lib/cluster/versions';
import { AddonsConfig, WorkspacesConfig } from './types';

/**
 * The version of an EKS add-on for the stack: the config's pin; the newest EKS offers (undefined: the
 * `aws_eks_addon_version` lookup) for `latest`; else the version tested with the cluster's Kubernetes
 * version, so an unrelated apply never rolls the add-on over the nodes.
 */
export function addonVersion(config: WorkspacesConfig, key: keyof AddonsConfig, eksName: string): string | undefined {
  const pinned = config.addons[key].version;
  if (pinned === 'latest') return undefined;
  return pinned ?? testedAddonVersion(eksName, config.cluster.kubernetesVersion);
}
