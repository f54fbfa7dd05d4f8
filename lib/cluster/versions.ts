/**
 * Version choices the cluster constructs and the ready stack default to, in one place (pure): which
 * Kubernetes versions are supported and until when, and what was tested with each (Cluster Autoscaler
 * chart and image, EKS add-on versions, the AMI release parameter). Checked on 2026-12-01; see the
 * sources next to each table. A new Kubernetes version is a new row in each table.
 */

/** The Kubernetes versions the stack supports: a row in every table below. */
export const SUPPORTED_KUBERNETES_VERSIONS = ['1.33', '1.34', '1.35'] as const;

/**
 * Kubernetes 1.35: the newest supported version. 1.34 leaves EKS standard support on 2026-12-02, and a
 * new cluster should not start on a version that is about to cost six times as much (or be upgraded
 * under it).
 */
export const DEFAULT_KUBERNETES_VERSION = '1.35';
/** The oldest Kubernetes version the stack accepts (user namespaces are on by default from 1.33). */
export const MIN_KUBERNETES_VERSION = '1.33';

/** One Kubernetes version's life on EKS (ISO dates, UTC). */
export interface EksVersionLifecycle {
  /** The day EKS released it. */
  readonly released: string;
  /** The last day before extended support (billed at $0.60 instead of $0.10 per cluster-hour) begins. */
  readonly standardSupportEnds: string;
  /** The day EKS upgrades the control plane regardless of the upgrade policy. */
  readonly extendedSupportEnds: string;
}

/**
 * EKS's release calendar. 1.32 to 1.34 from the EKS user guide (kubernetes-versions); 1.35 and 1.36 from
 * AWS's calendar as published by endoflife.date (release dates approximate: EKS gives 14 months of
 * standard support, then 12 of extended).
 */
export const EKS_VERSION_LIFECYCLE: Readonly<Record<string, EksVersionLifecycle>> = {
  '1.32': { released: '2025-01-23', standardSupportEnds: '2026-03-23', extendedSupportEnds: '2027-03-23' },
  '1.33': { released: '2025-05-29', standardSupportEnds: '2026-07-29', extendedSupportEnds: '2027-07-29' },
  '1.34': { released: '2025-10-02', standardSupportEnds: '2026-12-02', extendedSupportEnds: '2027-12-02' },
  '1.35': { released: '2026-01-27', standardSupportEnds: '2027-03-27', extendedSupportEnds: '2028-03-27' },
  '1.36': { released: '2026-06-02', standardSupportEnds: '2027-08-02', extendedSupportEnds: '2028-08-02' },
};

export type SupportStatus =
  | { readonly tier: 'standard'; readonly endsOn: string }
  | { readonly tier: 'extended'; readonly since: string; readonly endsOn: string }
  | { readonly tier: 'ended'; readonly since: string }
  | { readonly tier: 'unknown' };

/** Which EKS support tier a version is in on a given day (UTC). */
export function eksSupportStatus(version: string, today: Date): SupportStatus {
  const life = EKS_VERSION_LIFECYCLE[version];
  if (!life) return { tier: 'unknown' };
  const day = today.toISOString().slice(0, 10);
  if (day < life.standardSupportEnds) return { tier: 'standard', endsOn: life.standardSupportEnds };
  if (day < life.extendedSupportEnds) return { tier: 'extended', since: life.standardSupportEnds, endsOn: life.extendedSupportEnds };
  return { tier: 'ended', since: life.extendedSupportEnds };
}

/** A Cluster Autoscaler chart and image tested with one Kubernetes minor version. */
export interface ClusterAutoscalerRelease {
  /** Chart version at https://kubernetes.github.io/autoscaler (its appVersion is this minor). */
  readonly chartVersion: string;
  /** Image tag: the newest patch of this minor (registry.k8s.io/autoscaling/cluster-autoscaler). */
  readonly imageTag: string;
}

/**
 * The autoscaler's minor version must be the cluster's. Charts from the repository's index.yaml (the
 * newest chart whose appVersion is that minor); images from registry.k8s.io (kubernetes/k8s.io promotions,
 * July 2026). Every chart here turns `extraArgs` keys with a `_suffix` into repeated flags.
 */
export const CLUSTER_AUTOSCALER_RELEASES: Readonly<Record<string, ClusterAutoscalerRelease>> = {
  '1.33': { chartVersion: '9.51.0', imageTag: 'v1.33.6' },
  '1.34': { chartVersion: '9.53.0', imageTag: 'v1.34.5' },
  '1.35': { chartVersion: '9.56.0', imageTag: 'v1.35.2' },
};

/** The tested autoscaler release for a Kubernetes version, if there is one. */
export function clusterAutoscalerRelease(kubernetesVersion: string): ClusterAutoscalerRelease | undefined {
  return CLUSTER_AUTOSCALER_RELEASES[kubernetesVersion];
}

/**
 * EKS add-on versions pinned per Kubernetes version, so an unrelated apply never moves them (a new
 * vpc-cni or kube-proxy rolls a DaemonSet over every node). From the EKS user guide's add-on pages
 * (kube-proxy, CoreDNS) and AWS's published defaults (vpc-cni, Pod Identity agent, EBS CSI driver) as of
 * late 2026. Check a row with `aws eks describe-addon-versions --kubernetes-version <v> --addon-name <a>`.
 */
export const TESTED_ADDON_VERSIONS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  '1.33': {
    'vpc-cni': 'v1.22.3-eksbuild.1',
    'kube-proxy': 'v1.33.10-eksbuild.13',
    coredns: 'v1.13.2-eksbuild.4',
    'eks-pod-identity-agent': 'v1.3.10-eksbuild.1',
    'aws-ebs-csi-driver': 'v1.66.0-eksbuild.1',
  },
  '1.34': {
    'vpc-cni': 'v1.22.3-eksbuild.1',
    'kube-proxy': 'v1.34.6-eksbuild.13',
    coredns: 'v1.13.2-eksbuild.4',
    'eks-pod-identity-agent': 'v1.3.10-eksbuild.1',
    'aws-ebs-csi-driver': 'v1.66.0-eksbuild.1',
  },
  '1.35': {
    'vpc-cni': 'v1.22.3-eksbuild.1',
    'kube-proxy': 'v1.35.3-eksbuild.13',
    coredns: 'v1.13.2-eksbuild.4',
    'eks-pod-identity-agent': 'v1.3.10-eksbuild.1',
    'aws-ebs-csi-driver': 'v1.66.0-eksbuild.1',
  },
};

/** The pinned version of an EKS add-on for a Kubernetes version, if the table has one. */
export function testedAddonVersion(addonName: string, kubernetesVersion: string): string | undefined {
  return TESTED_ADDON_VERSIONS[kubernetesVersion]?.[addonName];
}

/** The EKS-optimized AMI families the node groups take, and where AWS publishes each one's releases. */
const AMI_RELEASE_PARAMETERS: Readonly<Record<string, (version: string) => string>> = {
  AL2023_x86_64_STANDARD: (v) => `/aws/service/eks/optimized-ami/${v}/amazon-linux-2023/x86_64/standard/recommended/release_version`,
  AL2023_ARM_64_STANDARD: (v) => `/aws/service/eks/optimized-ami/${v}/amazon-linux-2023/arm64/standard/recommended/release_version`,
  BOTTLEROCKET_x86_64: (v) => `/aws/service/bottlerocket/aws-k8s-${v}/x86_64/latest/image_version`,
  BOTTLEROCKET_ARM_64: (v) => `/aws/service/bottlerocket/aws-k8s-${v}/arm64/latest/image_version`,
};

/**
 * The public SSM parameter holding the recommended AMI release of an EKS AMI type for a Kubernetes
 * version: a node group's `release_version` read from it rolls the nodes when AWS publishes a new AMI.
 */
export function amiReleaseVersionParameter(amiType: string, kubernetesVersion: string): string {
  const parameter = AMI_RELEASE_PARAMETERS[amiType];
  if (!parameter) throw new Error(`amiReleaseVersionParameter: no release parameter is known for AMI type ${amiType}; known: ${Object.keys(AMI_RELEASE_PARAMETERS).join(', ')}`);
  return parameter(kubernetesVersion);
}

/** `"1.34"` -> 34 (the minor number); NaN when not `1.<n>`. */
export function kubernetesMinor(version: string): number {
  const m = /^v?1\.(\d+)/.exec(version);
  return m ? Number(m[1]) : NaN;
}

/**
 * The public SSM parameter of the AMI id of the newest Bottlerocket image for an AMI type and Kubernetes
 * version (`/aws/service/bottlerocket/aws-k8s-1.35/x86_64/latest/image_id`), beside the release one.
 */
export function bottlerocketImageIdParameter(amiType: string, kubernetesVersion: string): string {
  const release = amiReleaseVersionParameter(amiType, kubernetesVersion);
  if (!release.startsWith('/aws/service/bottlerocket/') || !release.endsWith('/latest/image_version')) {
    throw new Error(`bottlerocketImageIdParameter: ${amiType} is not a Bottlerocket AMI type`);
  }
  return release.replace(/\/image_version$/, '/image_id');
}
