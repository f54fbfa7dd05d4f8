import { Construct } from 'constructs';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { checkedRoleNamePrefix } from './names';

/** The managed policies every EKS worker node needs. */
export const NODE_MANAGED_POLICIES = [
  'AmazonEKSWorkerNodePolicy',
  'AmazonEC2ContainerRegistryPullOnly',
  // The VPC CNI (aws-node, host network) assigns pod IPs with the node's credentials. Kept on the node
  // role rather than moved to Pod Identity: aws-node must work before a node is Ready, which is before
  // the Pod Identity agent can serve it. Workspace pods cannot use these credentials: IMDSv2 with
  // hop limit 1 keeps them away from the node's metadata service.
  'AmazonEKS_CNI_Policy',
] as const;

export interface NodeRoleProps {
  /** Prefix of the role name, at most 38 characters (see `iamRoleNamePrefix`). */
  readonly namePrefix: string;
  /**
   * The AWS partition, for managed policy ARNs.
   * @default 'aws'
   */
  readonly partition?: string;
}

/** The IAM role of managed node group instances (EKS creates their access entry itself). */
export class NodeRole extends Construct {
  readonly role: IamRole;
  readonly attachments: IamRolePolicyAttachment[];

  constructor(scope: Construct, id: string, props: NodeRoleProps) {
    super(scope, id);
    const partition = props.partition ?? 'aws';
    const assume = new DataAwsIamPolicyDocument(this, 'assume-role', {
      statement: [{ actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['ec2.amazonaws.com'] }] }],
    });
    this.role = new IamRole(this, 'role', {
      namePrefix: checkedRoleNamePrefix(props.namePrefix, 'NodeRole'),
      description: 'EKS managed node group instances',
      assumeRolePolicy: assume.json,
    });
    this.attachments = NODE_MANAGED_POLICIES.map((p) => new IamRolePolicyAttachment(this, p, {
      role: this.role.name,
      policyArn: `arn:${partition}:iam::aws:policy/${p}`,
    }));
  }

  get arn(): string {
    return this.role.arn;
  }
}
