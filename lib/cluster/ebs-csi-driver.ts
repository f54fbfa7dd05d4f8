import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { ClusterAddon } from './cluster-addon';
import { iamRoleNamePrefix } from './names';
import { PodIdentityRole } from './pod-identity-role';

/** The service account of the EBS CSI controller (the add-on's fixed name). */
export const EBS_CSI_SERVICE_ACCOUNT = 'ebs-csi-controller-sa';

export interface EbsCsiDriverProps {
  /** The cluster (its name; a reference to the cluster resource orders the add-on after it). */
  readonly clusterName: string;
  /** The cluster's Kubernetes version, to pick the add-on version for it. */
  readonly kubernetesVersion: string;
  /**
   * Prefix of the IAM role's name, at most 38 characters.
   * @default `iamRoleNamePrefix(clusterName, 'ebs-csi')` (needs `clusterName` to be a literal)
   */
  readonly roleNamePrefix?: string;
  /** Customer-managed KMS keys the driver may encrypt volumes with (key ARNs). @default none */
  readonly kmsKeyArns?: readonly string[];
  /** Pin the add-on version. @default the newest for the cluster's version */
  readonly version?: string;
  /** Add-on configuration values, e.g. `{controller: {nodeSelector: ...}}`. @default none */
  readonly configurationValues?: Readonly<Record<string, unknown>>;
  /**
   * The AWS partition, for the managed policy ARN.
   * @default 'aws'
   */
  readonly partition?: string;
  /** Resources the add-on waits for (nodes to run the controller on). @default none */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The `aws-ebs-csi-driver` add-on with its own IAM identity through EKS Pod Identity:
 * `AmazonEBSCSIDriverPolicy`, plus use of the given KMS keys (grants for attached volumes only).
 */
export class EbsCsiDriver extends Construct {
  readonly identity: PodIdentityRole;
  readonly addon: ClusterAddon;

  constructor(scope: Construct, id: string, props: EbsCsiDriverProps) {
    super(scope, id);
    const keys = [...(props.kmsKeyArns ?? [])];
    this.identity = new PodIdentityRole(this, 'identity', {
      clusterName: props.clusterName,
      namespace: 'kube-system',
      serviceAccount: EBS_CSI_SERVICE_ACCOUNT,
      namePrefix: props.roleNamePrefix ?? iamRoleNamePrefix(props.clusterName, 'ebs-csi'),
      managedPolicyArns: [`arn:${props.partition ?? 'aws'}:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy`],
      statements: keys.length === 0 ? undefined : [
        {
          sid: 'UseVolumeKeys',
          actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
          resources: keys,
        },
        {
          sid: 'GrantVolumeKeysToEbs',
          actions: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'],
          resources: keys,
          condition: [{ test: 'Bool', variable: 'kms:GrantIsForAWSResource', values: ['true'] }],
        },
      ],
    });
    this.addon = new ClusterAddon(this, 'addon', {
      clusterName: props.clusterName,
      kubernetesVersion: props.kubernetesVersion,
      addonName: 'aws-ebs-csi-driver',
      version: props.version,
      configurationValues: props.configurationValues,
      // The controller must find its credentials on first start.
      dependsOn: [this.identity.association, ...this.identity.policies, ...(props.dependsOn ?? [])],
    });
  }
}
