/**
 * The contract between the two stacks: the outputs the cluster stack publishes under stable names, and
 * the platform stack's reads of them (a `terraform_remote_state` of the cluster stack's backend).
 *
 * cdktf's own cross-stack references would do the same with generated names
 * (`cross-stack-output-aws_eks_clustereks_cluster_55B0C966endpoint`): a construct id or a refactor renames
 * them, and a platform stack planned on its own (from another checkout, another CI job, before the
 * cluster stack is applied again) then reads an output the cluster state does not have. These names are
 * part of the package's interface (docs/stacks.md#the-contract-between-the-stacks): renaming one is a
 * breaking change, adding one is not.
 */
import { TerraformBackend, TerraformOutput, TerraformRemoteState, TerraformStack } from 'cdktf';

/** The outputs of the cluster stack that the platform stack reads, by what they hold. */
export const CLUSTER_OUTPUTS = {
  clusterEndpoint: 'cluster_endpoint',
  clusterCertificateAuthorityData: 'cluster_certificate_authority_data',
  clusterSecurityGroupId: 'cluster_security_group_id',
  volumesKmsKeyArn: 'volumes_kms_key_arn',
  vpcId: 'vpc_id',
  privateSubnetIds: 'private_subnet_ids',
  publicSubnetIds: 'public_subnet_ids',
  hostedZoneId: 'hosted_zone_id',
  httpTargetGroupArn: 'workspaces_http_target_group_arn',
  sshTargetGroupArn: 'workspaces_ssh_target_group_arn',
} as const;

export type ClusterOutputName = (typeof CLUSTER_OUTPUTS)[keyof typeof CLUSTER_OUTPUTS];

/** The logical id of the platform stack's `terraform_remote_state` of the cluster stack. */
export const CLUSTER_STATE_DATA_SOURCE = 'cluster_stack';

/**
 * Publishes an output under its literal name (no cdktf prefix or hash: `overrideLogicalId`), so the name in
 * the state is the name given whatever construct tree produced the value: a CLUSTER_OUTPUTS name for what
 * the platform stack reads, a plain one for what users read.
 */
export function publishClusterOutput(stack: TerraformStack, name: string, value: unknown, description: string): TerraformOutput {
  const output = new TerraformOutput(stack, name, { value, description });
  output.overrideLogicalId(name);
  return output;
}

/**
 * The platform stack's view of the cluster stack: each value read by name from the cluster stack's state,
 * through that stack's own backend (the config's `state` section or the caller's backend factory).
 */
export class ClusterStackOutputs {
  readonly remoteState: TerraformRemoteState;

  /**
   * @param scope the stack that reads (the data source is created there)
   * @param clusterBackend the cluster stack's backend
   * @param clusterStackId the cluster stack's id (a local backend without a path keeps its state by it)
   */
  constructor(scope: TerraformStack, clusterBackend: TerraformBackend, clusterStackId: string) {
    this.remoteState = clusterBackend.getRemoteStateDataSource(scope, CLUSTER_STATE_DATA_SOURCE, clusterStackId);
    this.remoteState.overrideLogicalId(CLUSTER_STATE_DATA_SOURCE);
  }

  get clusterEndpoint(): string { return this.remoteState.getString(CLUSTER_OUTPUTS.clusterEndpoint); }
  get clusterCertificateAuthorityData(): string { return this.remoteState.getString(CLUSTER_OUTPUTS.clusterCertificateAuthorityData); }
  get clusterSecurityGroupId(): string { return this.remoteState.getString(CLUSTER_OUTPUTS.clusterSecurityGroupId); }
  get volumesKmsKeyArn(): string { return this.remoteState.getString(CLUSTER_OUTPUTS.volumesKmsKeyArn); }
  get vpcId(): string { return this.remoteState.getString(CLUSTER_OUTPUTS.vpcId); }
  get privateSubnetIds(): string[] { return this.remoteState.getList(CLUSTER_OUTPUTS.privateSubnetIds); }
  get publicSubnetIds(): string[] { return this.remoteState.getList(CLUSTER_OUTPUTS.publicSubnetIds); }
  /** Only with the workspaces proxy (the cluster stack publishes it then). */
  get hostedZoneId(): string { return this.remoteState.getString(CLUSTER_OUTPUTS.hostedZoneId); }
  /** Only with the workspaces proxy. */
  get httpTargetGroupArn(): string { return this.remoteState.getString(CLUSTER_OUTPUTS.httpTargetGroupArn); }
  /** Only with the workspaces proxy. */
  get sshTargetGroupArn(): string { return this.remoteState.getString(CLUSTER_OUTPUTS.sshTargetGroupArn); }
}
