import { clusterAutoscalerRelease, testedAddonVersion } from '../../lib/cluster/versions';
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

/** The config key of each EKS add-on, with its EKS name. */
export const ADDON_KEYS: ReadonlyArray<readonly [keyof AddonsConfig, string]> = [
  ['vpcCni', 'vpc-cni'],
  ['kubeProxy', 'kube-proxy'],
  ['coredns', 'coredns'],
  ['podIdentityAgent', 'eks-pod-identity-agent'],
  ['ebsCsiDriver', 'aws-ebs-csi-driver'],
];

/**
 * The pins a Kubernetes version without a tested row (lib/cluster/versions.ts) needs from the config, as
 * config paths: each add-on's version (a version or `latest`) and the Cluster Autoscaler's chart and image
 * (whatever the tables have no row for). Empty for a tested version.
 */
export function pinsNeeded(config: WorkspacesConfig): string[][] {
  const version = config.cluster.kubernetesVersion;
  const ca = config.autoscaling.clusterAutoscaler;
  const tested = clusterAutoscalerRelease(version);
  return [
    ...ADDON_KEYS.filter(([key, eksName]) => config.addons[key].version === undefined && testedAddonVersion(eksName, version) === undefined)
      .map(([key]) => ['addons', key, 'version']),
    ...(ca.chartVersion === undefined && tested === undefined ? [['autoscaling', 'clusterAutoscaler', 'chartVersion']] : []),
    ...(ca.imageTag === undefined && tested === undefined ? [['autoscaling', 'clusterAutoscaler', 'imageTag']] : []),
  ];
}
