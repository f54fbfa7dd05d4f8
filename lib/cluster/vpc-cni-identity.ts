import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { PodIdentityRole } from './pod-identity-role';

/** The VPC CNI's service account (the `vpc-cni` add-on's fixed name): its `aws-node` DaemonSet. */
export const VPC_CNI_SERVICE_ACCOUNT = 'aws-node';

export interface VpcCniIdentityProps {
  /** The cluster (its name). */
  readonly clusterName: string;
  /** Prefix of the IAM role's name, at most 38 characters (see `iamRoleNamePrefix`). */
  readonly roleNamePrefix: string;
  /**
   * The AWS partition, for the managed policy ARN.
   * @default 'aws'
   */
  readonly partition?: string;
}

/**
 * The VPC CNI's own IAM identity through EKS Pod Identity: `AmazonEKS_CNI_Policy` for `kube-system/aws-node`,
 * instead of on the node role, where every process on a node with the instance credentials could create,
 * attach and delete network interfaces and assign addresses in the VPC. `aws-node` runs on the host network
 * and reaches the Pod Identity agent (`169.254.170.23`, also host network) before the node is Ready; the
 * `vpc-cni` add-on must be created after the association (pods read their credentials' source when created)
 * and the `eks-pod-identity-agent` add-on must be installed.
 */
export class VpcCniIdentity extends Construct {
  readonly identity: PodIdentityRole;

  constructor(scope: Construct, id: string, props: VpcCniIdentityProps) {
    super(scope, id);
    this.identity = new PodIdentityRole(this, 'identity', {
      clusterName: props.clusterName,
      namespace: 'kube-system',
      serviceAccount: VPC_CNI_SERVICE_ACCOUNT,
      namePrefix: props.roleNamePrefix,
      managedPolicyArns: [`arn:${props.partition ?? 'aws'}:iam::aws:policy/AmazonEKS_CNI_Policy`],
    });
  }

  /** What the `vpc-cni` add-on waits for: the association and the role's policy. */
  get dependables(): ITerraformDependable[] {
    return [this.identity.association, ...this.identity.policies];
  }
}
