import { ITerraformDependable, TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { Release } from '@cdktf/provider-helm/lib/release';
import { PodIdentityRole } from './pod-identity-role';
import { HELM_RELEASE_SETTINGS } from './helm-release';
import { iamRoleNamePrefix } from './names';
import { clusterAutoscalerRelease, kubernetesMinor } from './versions';

export const CLUSTER_AUTOSCALER_SERVICE_ACCOUNT = 'cluster-autoscaler';

/** A toleration as Kubernetes spells it. */
export interface Toleration {
  readonly key?: string;
  readonly operator?: 'Exists' | 'Equal';
  readonly value?: string;
  readonly effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

export interface ClusterAutoscalerIdentityProps {
  /** The cluster (its name; a reference to the cluster resource orders the association after it). */
  readonly clusterName: string;
  /**
   * Prefix of the IAM role's name, at most 38 characters.
   * @default `iamRoleNamePrefix(clusterName, 'autoscaler')` (needs `clusterName` to be a literal)
   */
  readonly roleNamePrefix?: string;
}

/**
 * The Cluster Autoscaler's AWS side: an IAM role for its service account through EKS Pod Identity. It may
 * describe Auto Scaling groups and instance types, and resize or terminate instances only in groups
 * tagged as this cluster's. Apart from the Helm release (ClusterAutoscaler) so that AWS resources and
 * Kubernetes resources can live in different stacks; in one stack, pass this to the release's `dependsOn`.
 */
export class ClusterAutoscalerIdentity extends Construct {
  readonly role: PodIdentityRole;

  constructor(scope: Construct, id: string, props: ClusterAutoscalerIdentityProps) {
    super(scope, id);
    this.role = new PodIdentityRole(this, 'identity', {
      clusterName: props.clusterName,
      namespace: 'kube-system',
      serviceAccount: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT,
      namePrefix: props.roleNamePrefix ?? iamRoleNamePrefix(props.clusterName, 'autoscaler'),
      statements: [
        {
          sid: 'Discover',
          actions: [
            'autoscaling:DescribeAutoScalingGroups',
            'autoscaling:DescribeAutoScalingInstances',
            'autoscaling:DescribeLaunchConfigurations',
            'autoscaling:DescribeScalingActivities',
            'autoscaling:DescribeTags',
            'ec2:DescribeImages',
            'ec2:DescribeInstanceTypes',
            'ec2:DescribeLaunchTemplateVersions',
            'ec2:GetInstanceTypesFromInstanceRequirements',
            // Labels and taints of managed node groups, for scaling up from zero.
            'eks:DescribeNodegroup',
          ],
          resources: ['*'],
        },
        {
          sid: 'ScaleOnlyThisClustersGroups',
          actions: ['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup'],
          resources: ['*'],
          condition: [
            { test: 'StringEquals', variable: `aws:ResourceTag/k8s.io/cluster-autoscaler/${props.clusterName}`, values: ['owned'] },
            { test: 'StringEquals', variable: 'aws:ResourceTag/k8s.io/cluster-autoscaler/enabled', values: ['true'] },
          ],
        },
      ],
    });
  }

  /** What the release must wait for in a single stack: the association and the role's policies. */
  get dependables(): ITerraformDependable[] {
    return [this.role.association, ...this.role.policies];
  }
}

/**
 * Node labels that differ between otherwise identical node groups, which the autoscaler must ignore to
 * treat the per-zone workspace groups as similar and balance them: EKS labels each node with its
 * group's launch template id and version, and every zonal group has its own launch template.
 */
export const BALANCING_IGNORE_LABELS = [
  'eks.amazonaws.com/sourceLaunchTemplateId',
  'eks.amazonaws.com/sourceLaunchTemplateVersion',
  'eks.amazonaws.com/nodegroup-image',
  'topology.k8s.aws/zone-id',
] as const;

export interface ClusterAutoscalerProps {
  /** The cluster (its name): scales the Auto Scaling groups tagged `k8s.io/cluster-autoscaler/<name>`. */
  readonly clusterName: string;
  /** The AWS region of the cluster. */
  readonly region: string;
  /** The cluster's Kubernetes minor version, e.g. `1.35` (a literal); picks the image and the chart. */
  readonly kubernetesVersion: string;
  /** The Helm provider configured for the cluster. */
  readonly helmProvider: TerraformProvider;
  /**
   * Chart version from https://kubernetes.github.io/autoscaler.
   * @default the chart tested with `kubernetesVersion` (see `CLUSTER_AUTOSCALER_RELEASES`)
   */
  readonly chartVersion?: string;
  /**
   * Image tag; its minor version must be the cluster's.
   * @default the tag tested with `kubernetesVersion` (see `CLUSTER_AUTOSCALER_RELEASES`)
   */
  readonly imageTag?: string;
  /**
   * How to pick the node group to grow.
   * @default 'least-waste'
   */
  readonly expander?: string;
  /**
   * How long a node must be unneeded before removal.
   * @default '10m'
   */
  readonly scaleDownUnneededTime?: string;
  /**
   * Node labels to ignore when comparing node groups for balancing (`--balancing-ignore-label`).
   * @default BALANCING_IGNORE_LABELS
   */
  readonly balancingIgnoreLabels?: readonly string[];
  /**
   * Keys of taints nodes register with and lose once a DaemonSet has made them ready (`--startup-taint`):
   * the autoscaler counts a node carrying one as upcoming rather than ready, so pods waiting for it do not
   * trigger another scale-up, and drops them from scale-from-zero templates. Keys under
   * `startup-taint.cluster-autoscaler.kubernetes.io/` need no flag, but may be given.
   * @default none
   */
  readonly startupTaints?: readonly string[];
  /** Where the autoscaler runs (the system nodes). @default anywhere */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /** Tolerations for those nodes' taints. @default none */
  readonly tolerations?: readonly Toleration[];
  /**
   * Resources the release waits for: nodes to run on and, in a single stack, the identity's
   * `dependables` (the pod must find its credentials on first start).
   * @default none
   */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The Kubernetes Cluster Autoscaler for managed node groups, from its Helm chart. It discovers node groups
 * by the discovery tags on their Auto Scaling groups (see ManagedNodeGroup), balances similar (per-zone)
 * groups, never skips a node for local storage, and reads per-group options (such as the scale-down
 * threshold that protects workspace nodes) from the groups' tags. Its IAM identity is
 * ClusterAutoscalerIdentity.
 */
export class ClusterAutoscaler extends Construct {
  readonly release: Release;

  constructor(scope: Construct, id: string, props: ClusterAutoscalerProps) {
    super(scope, id);
    const tested = clusterAutoscalerRelease(props.kubernetesVersion);
    const imageTag = props.imageTag ?? tested?.imageTag;
    if (!imageTag) {
      throw new Error(`ClusterAutoscaler: no tested image for Kubernetes ${props.kubernetesVersion}; set imageTag to a v1.${kubernetesMinor(props.kubernetesVersion)}.x tag`);
    }
    const chartVersion = props.chartVersion ?? tested?.chartVersion;
    if (!chartVersion) {
      throw new Error(`ClusterAutoscaler: no tested chart for Kubernetes ${props.kubernetesVersion}; set chartVersion`);
    }

    // The chart turns each extraArgs key into a flag, dropping what follows an underscore, so one flag
    // can be given several times (balancing-ignore-label_1, _2, ...).
    const ignoreLabels = Object.fromEntries((props.balancingIgnoreLabels ?? BALANCING_IGNORE_LABELS).map((l, i) => [`balancing-ignore-label_${i + 1}`, l]));
    const startupTaints = Object.fromEntries([...new Set(props.startupTaints ?? [])].map((k, i) => [`startup-taint_${i + 1}`, k]));
    const values = {
      cloudProvider: 'aws',
      awsRegion: props.region,
      autoDiscovery: { clusterName: props.clusterName },
      fullnameOverride: 'cluster-autoscaler',
      image: { tag: imageTag },
      rbac: { serviceAccount: { create: true, name: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT } },
      priorityClassName: 'system-cluster-critical',
      // Requests so the scheduler reserves room for it on the system nodes; a memory limit so a
      // leak cannot starve CoreDNS next to it.
      resources: { requests: { cpu: '100m', memory: '300Mi' }, limits: { memory: '600Mi' } },
      extraArgs: {
        'balance-similar-node-groups': true,
        ...ignoreLabels,
        ...startupTaints,
        expander: props.expander ?? 'least-waste',
        'scale-down-unneeded-time': props.scaleDownUnneededTime ?? '10m',
        'skip-nodes-with-local-storage': false,
      },
      nodeSelector: props.nodeSelector ?? {},
      tolerations: props.tolerations ?? [],
    };

    this.release = new Release(this, 'release', {
      provider: props.helmProvider,
      name: 'cluster-autoscaler',
      namespace: 'kube-system',
      repository: 'https://kubernetes.github.io/autoscaler',
      chart: 'cluster-autoscaler',
      version: chartVersion,
      values: [JSON.stringify(values)],
      ...HELM_RELEASE_SETTINGS,
      dependsOn: props.dependsOn,
    });
  }
}

/**
 * Per-group autoscaler options (Auto Scaling group tags, see ManagedNodeGroup.autoscalingOptions) that
 * keep the autoscaler from draining a node a workspace runs on. A workspace is one replica with its
 * volume: eviction kills the developer's session. GitLab refuses `*.kubernetes.io` annotation keys in the
 * agent config, so the pod annotation `cluster-autoscaler.kubernetes.io/safe-to-evict: "false"` is not
 * available; the node side is:
 * - `scaledownutilizationthreshold`: a node counts as underutilized, and so as a candidate for removal,
 *   only while its pods' requests are below this share of the node (the autoscaler keeps a node when
 *   `utilization >= threshold`). At 0.0001 any pod with requests keeps its node: a workspace container
 *   with GitLab's default requests (`default_resources_per_workspace_container`, which the stack's agent
 *   config sets) is far above it even on the largest instance. 0 would keep empty nodes forever.
 * - `ignoredaemonsetsutilization`: DaemonSet pods (CNI, kube-proxy, CSI node) do not count, so an empty
 *   workspace node is at 0 and is removed after `scaledownunneededtime`.
 */
export const WORKSPACE_NODE_AUTOSCALING_OPTIONS: Readonly<Record<string, string>> = {
  scaledownutilizationthreshold: '0.0001',
  ignoredaemonsetsutilization: 'true',
};
