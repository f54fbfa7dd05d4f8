/**
 * Scheduled backups of workspace volumes with AWS Backup. The volumes are created by the EBS CSI driver
 * for GitLab's claims (not in Terraform state), so they are selected by a tag the driver puts on every
 * volume it creates through the StorageClass (`tagSpecification_1`, see DefaultStorageClass `volumeTags`
 * and WORKSPACE_BACKUP_TAG): a backup vault, a plan (schedule, retention) and a selection of EBS volumes
 * carrying that tag, with an IAM role AWS Backup assumes.
 *
 * Encryption: the vault is encrypted with the stack's volume key; EBS snapshots are not "fully managed"
 * by AWS Backup, so each recovery point keeps the encryption of its volume (the same key). The role may
 * use that key for EBS only (kms:ViaService ec2), through its IAM policy: the key policy delegates to IAM.
 */
import { Construct } from 'constructs';
import { BackupPlan } from '@cdktf/provider-aws/lib/backup-plan';
import { BackupSelection } from '@cdktf/provider-aws/lib/backup-selection';
import { BackupVault } from '@cdktf/provider-aws/lib/backup-vault';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { checkedRoleNamePrefix } from './names';

/** The tag key the StorageClass puts on workspace volumes, valued with the cluster name, that backups select. */
export const WORKSPACE_BACKUP_TAG = 'gitlab-workspaces/backup';

export interface WorkspaceVolumeBackupsProps {
  /** The cluster name (a literal): names the vault, plan and tag value. */
  readonly clusterName: string;
  /** The KMS key ARN of the workspace volumes (the vault's key too). */
  readonly volumeKeyArn: string;
  /** The AWS partition (e.g. `data.aws_partition.current.partition`). */
  readonly partition: string;
  /** An AWS Backup schedule expression, e.g. `cron(0 3 * * ? *)` (UTC). */
  readonly schedule: string;
  /** Days a recovery point is kept. */
  readonly retentionDays: number;
  /** Prefix of the IAM role's name, at most 38 characters. */
  readonly roleNamePrefix: string;
  /**
   * Minutes after the scheduled time a backup must start, or it is skipped.
   * @default 60
   */
  readonly startWindowMinutes?: number;
  /**
   * Terraform's `prevent_destroy` on the vault (it holds the recovery points; AWS refuses to delete a
   * vault that still has some anyway).
   * @default false
   */
  readonly preventDestroy?: boolean;
}

/** The backup vault, plan, selection and role for workspace volumes tagged `WORKSPACE_BACKUP_TAG=<cluster>`. */
export class WorkspaceVolumeBackups extends Construct {
  readonly vault: BackupVault;
  readonly plan: BackupPlan;
  readonly selection: BackupSelection;
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: WorkspaceVolumeBackupsProps) {
    super(scope, id);
    const { clusterName, partition } = props;
    // Vault, plan and selection names allow at most 50 characters (EKS cluster names 100).
    const name = `${clusterName}-workspace-volumes`.slice(0, 50);
    this.vault = new BackupVault(this, 'vault', {
      name,
      kmsKeyArn: props.volumeKeyArn,
      lifecycle: props.preventDestroy ? { preventDestroy: true } : undefined,
    });
    this.plan = new BackupPlan(this, 'plan', {
      name,
      rule: [{
        ruleName: 'workspace-volumes',
        targetVaultName: this.vault.name,
        schedule: props.schedule,
        startWindow: props.startWindowMinutes ?? 60,
        lifecycle: { deleteAfter: props.retentionDays },
        recoveryPointTags: { [WORKSPACE_BACKUP_TAG]: clusterName },
      }],
    });
    const trust = new DataAwsIamPolicyDocument(this, 'trust', {
      statement: [{ actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['backup.amazonaws.com'] }] }],
    });
    this.role = new IamRole(this, 'role', {
      namePrefix: checkedRoleNamePrefix(props.roleNamePrefix, 'WorkspaceVolumeBackups'),
      description: `AWS Backup of the workspace volumes of ${clusterName}`,
      assumeRolePolicy: trust.json,
    });
    const policies = [
      new IamRolePolicyAttachment(this, 'backup-policy', {
        role: this.role.name,
        policyArn: `arn:${partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup`,
      }),
      new IamRolePolicyAttachment(this, 'restore-policy', {
        role: this.role.name,
        policyArn: `arn:${partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores`,
      }),
    ];
    // The volume key, for EBS snapshots and restored volumes only.
    const keyUse = new DataAwsIamPolicyDocument(this, 'key-use', {
      statement: [
        {
          sid: 'UseVolumeKeyThroughEbs',
          actions: ['kms:Decrypt', 'kms:DescribeKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncrypt*'],
          resources: [props.volumeKeyArn],
          condition: [{ test: 'StringLike', variable: 'kms:ViaService', values: ['ec2.*.amazonaws.com'] }],
        },
        {
          sid: 'GrantsForEbs',
          actions: ['kms:CreateGrant'],
          resources: [props.volumeKeyArn],
          condition: [{ test: 'Bool', variable: 'kms:GrantIsForAWSResource', values: ['true'] }],
        },
      ],
    });
    const keyPolicy = new IamRolePolicy(this, 'key-policy', { role: this.role.name, name: 'workspace-volume-key', policy: keyUse.json });
    this.selection = new BackupSelection(this, 'selection', {
      name,
      planId: this.plan.id,
      iamRoleArn: this.role.arn,
      // EBS volumes (resources) carrying the tag: conditions are ANDed with resources, whereas ListOfTags
      // (selection_tag) would be ORed with them and select every volume of the account
      // (https://repost.aws/knowledge-center/backup-assign-resources, examples 1 and 2).
      resources: [`arn:${partition}:ec2:*:*:volume/*`],
      condition: [{ stringEquals: [{ key: `aws:ResourceTag/${WORKSPACE_BACKUP_TAG}`, value: clusterName }] }],
      dependsOn: [...policies, keyPolicy],
    });
  }
}
