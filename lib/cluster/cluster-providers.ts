import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { DataAwsEksClusterAuth } from '@cdktf/provider-aws/lib/data-aws-eks-cluster-auth';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';

/**
 * How the Kubernetes and Helm providers authenticate to the cluster:
 * - `exec`: run `aws eks get-token` whenever a token is needed (the client runs it again when the
 *   token expires). Needs the AWS CLI where Terraform runs. Safe for applies of any length.
 * - `token`: one token from the `aws_eks_cluster_auth` data source, read once per plan or apply and
 *   valid 15 minutes. Needs nothing besides Terraform, but an apply that creates the cluster usually
 *   takes longer than that before it reaches the Kubernetes resources, which then fail with
 *   `Unauthorized` (run apply again to finish).
 */
export type KubernetesProviderAuth = 'exec' | 'token';

/** The client authentication API version `aws eks get-token` answers with. */
export const EXEC_CREDENTIAL_API_VERSION = 'client.authentication.k8s.io/v1beta1';

export interface ClusterProvidersProps {
  /** The cluster name (a reference to the cluster resource, so nothing connects before it exists). */
  readonly clusterName: string;
  /** The cluster's region (passed to `aws eks get-token`, so it does not depend on the shell's settings). */
  readonly region: string;
  /** The API server URL. */
  readonly endpoint: string;
  /** Base64 PEM of the cluster CA (as EKS returns it). */
  readonly certificateAuthorityData: string;
  /**
   * How the providers get their credentials.
   * @default 'exec'
   */
  readonly auth?: KubernetesProviderAuth;
  /** Provider alias, when a stack talks to more than one cluster. @default none */
  readonly alias?: string;
}

/**
 * The Kubernetes and Helm providers for one EKS cluster: host and CA from the cluster resource, and
 * credentials from `aws eks get-token` (exec, the default: fresh for every request, so a first
 * apply that spends 20 minutes creating the control plane and nodes still reaches the API) or, on
 * request, a 15-minute token from `aws_eks_cluster_auth`. Later constructs (GitLab agent, workspaces
 * proxy, runtimes) pass these providers to their resources.
 */
export class ClusterProviders extends Construct {
  readonly kubernetes: KubernetesProvider;
  readonly helm: HelmProvider;
  /** The token data source, with `auth: 'token'` only. */
  readonly auth?: DataAwsEksClusterAuth;

  constructor(scope: Construct, id: string, props: ClusterProvidersProps) {
    super(scope, id);
    const host = props.endpoint;
    const clusterCaCertificate = Fn.base64decode(props.certificateAuthorityData);
    if ((props.auth ?? 'exec') === 'token') {
      this.auth = new DataAwsEksClusterAuth(this, 'auth', { name: props.clusterName });
      const connection = { host, clusterCaCertificate, token: this.auth.token };
      this.kubernetes = new KubernetesProvider(this, 'kubernetes', { ...connection, alias: props.alias });
      this.helm = new HelmProvider(this, 'helm', { kubernetes: connection, alias: props.alias });
      return;
    }
    const exec = {
      apiVersion: EXEC_CREDENTIAL_API_VERSION,
      command: 'aws',
      args: ['eks', 'get-token', '--cluster-name', props.clusterName, '--region', props.region, '--output', 'json'],
    };
    this.kubernetes = new KubernetesProvider(this, 'kubernetes', { host, clusterCaCertificate, exec: [exec], alias: props.alias });
    this.helm = new HelmProvider(this, 'helm', { kubernetes: { host, clusterCaCertificate, exec }, alias: props.alias });
  }
}
