import { Construct } from 'constructs';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { EncryptionKey } from './encryption-key';

export interface LogEncryptionKeyProps {
  /** Names the alias: `alias/<clusterName>/logs`. */
  readonly clusterName: string;
  readonly accountId: string;
  readonly region: string;
  /** The AWS partition. @default 'aws' */
  readonly partition?: string;
  /** Names of the log groups the key may encrypt (e.g. `/aws/eks/<name>/cluster`). */
  readonly logGroupNames: readonly string[];
  /** Days before the key is deleted after a destroy (7 to 30). @default 30 */
  readonly deletionWindowInDays?: number;
  /** Terraform's `prevent_destroy` on the key (see EncryptionKey). @default true */
  readonly preventDestroy?: boolean;
}

/**
 * The KMS key that encrypts the stack's CloudWatch log groups (control-plane logs, VPC flow logs).
 * CloudWatch Logs in the region may use it only for the named log groups
 * (`kms:EncryptionContext:aws:logs:arn`).
 */
export class LogEncryptionKey extends Construct {
  readonly key: EncryptionKey;

  constructor(scope: Construct, id: string, props: LogEncryptionKeyProps) {
    super(scope, id);
    const partition = props.partition ?? 'aws';
    const groupArns = props.logGroupNames.map((n) => `arn:${partition}:logs:${props.region}:${props.accountId}:log-group:${n}`);
    const policy = new DataAwsIamPolicyDocument(this, 'policy', {
      statement: [
        {
          sid: 'AccountAdministersKeyAndDelegatesToIam',
          principals: [{ type: 'AWS', identifiers: [`arn:${partition}:iam::${props.accountId}:root`] }],
          actions: ['kms:*'],
          resources: ['*'],
        },
        {
          sid: 'CloudWatchLogsEncryptsTheseGroups',
          principals: [{ type: 'Service', identifiers: [`logs.${props.region}.amazonaws.com`] }],
          actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
          resources: ['*'],
          condition: [{ test: 'ArnEquals', variable: 'kms:EncryptionContext:aws:logs:arn', values: groupArns }],
        },
      ],
    });
    this.key = new EncryptionKey(this, 'logs', {
      alias: `${props.clusterName}/logs`,
      description: `CloudWatch log groups of EKS cluster ${props.clusterName} (control plane, VPC flow logs)`,
      deletionWindowInDays: props.deletionWindowInDays,
      policy: policy.json,
      preventDestroy: props.preventDestroy,
    });
  }

  get arn(): string {
    return this.key.arn;
  }
}
