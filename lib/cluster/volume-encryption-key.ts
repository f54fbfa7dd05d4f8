import { Construct } from 'constructs';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { EncryptionKey } from './encryption-key';

export interface VolumeEncryptionKeyProps {
  /** Names the alias: `alias/<clusterName>/ebs`. */
  readonly clusterName: string;
  /** The AWS account id (e.g. `data.aws_caller_identity.current.account_id`). */
  readonly accountId: string;
  /** The AWS partition (e.g. `data.aws_partition.current.partition`). */
  readonly partition: string;
  /**
   * Days KMS waits before deleting the key (7 to 30).
   * @default 30
   */
  readonly deletionWindowInDays?: number;
  /**
   * Terraform's `prevent_destroy` on the key (see EncryptionKey): workspace volumes Terraform does not know
   * of are encrypted with it.
   * @default true
   */
  readonly preventDestroy?: boolean;
}

/**
 * The KMS key that encrypts node root volumes and workspace volumes. Besides the account (so IAM
 * policies, such as the EBS CSI driver's, can grant its use), the key policy lets the EC2 Auto Scaling
 * service-linked role use it: managed node groups launch instances through Auto Scaling, which must
 * create the encrypted root volumes. That role is named by `aws:PrincipalArn` in a condition rather
 * than as the principal, because KMS refuses a policy naming a role that does not exist yet, and
 * the service-linked role only appears when the account's first Auto Scaling group is created.
 */
export class VolumeEncryptionKey extends Construct {
  readonly key: EncryptionKey;

  constructor(scope: Construct, id: string, props: VolumeEncryptionKeyProps) {
    super(scope, id);
    const autoscalingRole = `arn:${props.partition}:iam::${props.accountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
    const onlyAutoscaling = [
      { test: 'StringEquals', variable: 'kms:CallerAccount', values: [props.accountId] },
      { test: 'ArnLike', variable: 'aws:PrincipalArn', values: [autoscalingRole] },
    ];
    const policy = new DataAwsIamPolicyDocument(this, 'policy', {
      statement: [
        {
          sid: 'AccountAdministersKeyAndDelegatesToIam',
          principals: [{ type: 'AWS', identifiers: [`arn:${props.partition}:iam::${props.accountId}:root`] }],
          actions: ['kms:*'],
          resources: ['*'],
        },
        {
          sid: 'AutoScalingUsesKeyForNodeVolumes',
          principals: [{ type: 'AWS', identifiers: ['*'] }],
          actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
          resources: ['*'],
          condition: onlyAutoscaling,
        },
        {
          sid: 'AutoScalingGrantsForAttachedVolumes',
          principals: [{ type: 'AWS', identifiers: ['*'] }],
          actions: ['kms:CreateGrant'],
          resources: ['*'],
          condition: [...onlyAutoscaling, { test: 'Bool', variable: 'kms:GrantIsForAWSResource', values: ['true'] }],
        },
      ],
    });
    this.key = new EncryptionKey(this, 'ebs', {
      alias: `${props.clusterName}/ebs`,
      description: `EBS volumes of EKS cluster ${props.clusterName}: node root volumes and workspace volumes`,
      deletionWindowInDays: props.deletionWindowInDays,
      policy: policy.json,
      preventDestroy: props.preventDestroy,
    });
  }

  get arn(): string {
    return this.key.arn;
  }
}
