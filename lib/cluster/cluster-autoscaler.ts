import { ITerraformDependable, TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { Release } from '@cdktf/provider-helm/lib/release';
import { PodIdentityRole } from './pod-identity-role';
import { CLUSTER_AUTOSCALER_IMAGE_TAGS, DEFAULT_CLUSTER_AUTOSCALER_CHART_VERSION, kubernetesMinor } from './versions';

export const CLUSTER_AUTOSCALER_SERVICE_ACCOUNT = 'cluster-autoscaler';

/** A toleration as Kubernetes spells it. */
export interface Toleration {
  readonly key?: string;
  readonly operator?: 'Exists' | 'Equal';
  readonly value?: string;
  readonly effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

export interface ClusterAutoscalerProps {
  /** The cluster (its name): scales the Auto Scaling groups tagged `k8s.io/cluster-autoscaler/<name>`. */
  readonly clusterName: string;
  /** The AWS region of the cluster. */
  readonly region: string;
  /** The cluster's Kubernetes minor version, e.g. `1.34`; picks the image. */
  readonly kubernetesVersion: string;
  /** The Helm provider configured for the cluster. */
  readonly helmProvider: TerraformProvider;
  /**
   * Chart version from https://kubernetes.github.io/autoscaler.
   * @default '9.52.1'
   */
  readonly chartVersion?: string;
  /**
   * Image tag; its minor version must be the cluster's.
   * @default the tested tag for `kubernetesVersion` (1.33 and 1.34)
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
  /** Where the autoscaler runs (the system nodes). @default anywhere */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /** Tolerations for those nodes' taints. @default none */
  readonly tolerations?: readonly Toleration[];
  /** Resources the release waits for (nodes to run on). @default none */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The Kubernetes Cluster Autoscaler for managed node groups, from its Helm chart, with its IAM
 * identity through EKS Pod Identity. It discovers node groups by the discovery tags on their Auto
 * Scaling groups (see ManagedNodeGroup), balances similar (per-zone) groups, and may only resize or
 * terminate instances of groups tagged as this cluster's.
 */
export class ClusterAutoscaler extends Construct {
  readonly identity: PodIdentityRole;
  readonly release: Release;

  constructor(scope: Construct, id: string, props: ClusterAutoscalerProps) {
    super(scope, id);
    const imageTag = props.imageTag ?? CLUSTER_AUTOSCALER_IMAGE_TAGS[props.kubernetesVersion];
    if (!imageTag) {
      throw new Error(`ClusterAutoscaler: no tested image for Kubernetes ${props.kubernetesVersion}; set imageTag to a v1.${kubernetesMinor(props.kubernetesVersion)}.x tag`);
    }

    this.identity = new PodIdentityRole(this, 'identity', {
      clusterName: props.clusterName,
      namespace: 'kube-system',
      serviceAccount: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT,
      namePrefix: `${props.clusterName}-autoscaler-`,
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
      version: props.chartVersion ?? DEFAULT_CLUSTER_AUTOSCALER_CHART_VERSION,
      values: [JSON.stringify(values)],
      atomic: true,
      cleanupOnFail: true,
      wait: true,
      timeout: 600,
      // The pod must find its Pod Identity credentials on first start.
      dependsOn: [this.identity.association, ...this.identity.policies, ...(props.dependsOn ?? [])],
    });
  }
}
