import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { DataAwsEksClusterAuth } from '@cdktf/provider-aws/lib/data-aws-eks-cluster-auth';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';

export interface ClusterProvidersProps {
  /** The cluster name (a reference to the cluster resource, so the token is read after it exists). */
  readonly clusterName: string;
  /** The API server URL. */
  readonly endpoint: string;
  /** Base64 PEM of the cluster CA (as EKS returns it). */
  readonly certificateAuthorityData: string;
  /** Provider alias, when a stack talks to more than one cluster. @default none */
  readonly alias?: string;
}

/**
 * The Kubernetes and Helm providers for one EKS cluster: host and CA from the cluster, a bearer
 * token from `aws_eks_cluster_auth` (valid 15 minutes, fetched on every plan and apply). Later
 * constructs (GitLab agent, workspaces proxy, runtimes) pass these providers to their resources.
 */
export class ClusterProviders extends Construct {
  readonly kubernetes: KubernetesProvider;
  readonly helm: HelmProvider;
  readonly auth: DataAwsEksClusterAuth;

  constructor(scope: Construct, id: string, props: ClusterProvidersProps) {
    super(scope, id);
    this.auth = new DataAwsEksClusterAuth(this, 'auth', { name: props.clusterName });
    const connection = {
      host: props.endpoint,
      clusterCaCertificate: Fn.base64decode(props.certificateAuthorityData),
      token: this.auth.token,
    };
    this.kubernetes = new KubernetesProvider(this, 'kubernetes', { ...connection, alias: props.alias });
    this.helm = new HelmProvider(this, 'helm', { kubernetes: connection, alias: props.alias });
  }
}
