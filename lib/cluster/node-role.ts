import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { DataAwsIamPolicyDocument, DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { checkedRoleNamePrefix } from './names';

/**
 * The managed policies of a node role. No `AmazonEKS_CNI_Policy`: the VPC CNI (`aws-node`) gets its own
 * identity through EKS Pod Identity (see `VPC_CNI_SERVICE_ACCOUNT`), so the node's instance credentials
 * cannot create or attach network interfaces. ECR pulls: `AmazonEC2ContainerRegistryPullOnly` (every
 * repository the account can read), unless the role lists its repositories (`ecrPulls`).
 */
export const NODE_MANAGED_POLICIES = [
  'AmazonEKSWorkerNodePolicy',
  'AmazonEC2ContainerRegistryPullOnly',
] as const;

/** What pulling an image from ECR takes, on the repository (`AmazonEC2ContainerRegistryPullOnly`'s). */
export const ECR_PULL_ACTIONS = ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'] as const;

/** ECR pulls limited to some of the account's repositories (see `NodeRoleProps.ecrPulls`). */
export interface EcrPullScope {
  /** The account whose repositories are limited to `repositoryArns` (the cluster's). */
  readonly accountId: string;
  /** Repository ARNs the nodes may pull from (an ARN may end in `*`). Empty: none of the account's. */
  readonly repositoryArns: readonly string[];
}

export interface NodeRoleProps {
  /** Prefix of the role name, at most 38 characters (see `iamRoleNamePrefix`). */
  readonly namePrefix: string;
  /**
   * The AWS partition, for managed policy ARNs.
   * @default 'aws'
   */
  readonly partition?: string;
  /**
   * The role's description.
   * @default 'EKS managed node group instances'
   */
  readonly description?: string;
  /**
   * Limit ECR pulls: instead of `AmazonEC2ContainerRegistryPullOnly`, an inline policy that lets the nodes
   * pull from the listed repositories of `accountId` and from no other repository of that account. Other
   * accounts' repositories stay allowed on the node's side (their own repository policies decide): EKS's
   * add-on and pause images live in AWS-owned accounts' registries and are pulled with the node's
   * credentials. Public registries need no credentials at all, so this does not limit them.
   * @default every repository the account can read (`AmazonEC2ContainerRegistryPullOnly`)
   */
  readonly ecrPulls?: EcrPullScope;
}

/**
 * The IAM role of managed node group instances. EKS creates its access entry (type `EC2_LINUX`) itself
 * when a managed node group first uses the role.
 */
export class NodeRole extends Construct {
  readonly role: IamRole;
  readonly attachments: IamRolePolicyAttachment[];
  /** The inline ECR pull policy, with `ecrPulls`. */
  readonly ecrPullPolicy?: IamRolePolicy;

  constructor(scope: Construct, id: string, props: NodeRoleProps) {
    super(scope, id);
    const partition = props.partition ?? 'aws';
    const assume = new DataAwsIamPolicyDocument(this, 'assume-role', {
      statement: [{ actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['ec2.amazonaws.com'] }] }],
    });
    this.role = new IamRole(this, 'role', {
      namePrefix: checkedRoleNamePrefix(props.namePrefix, 'NodeRole'),
      description: props.description ?? 'EKS managed node group instances',
      assumeRolePolicy: assume.json,
    });
    const limit = props.ecrPulls;
    const managed = NODE_MANAGED_POLICIES.filter((p) => !(limit && p === 'AmazonEC2ContainerRegistryPullOnly'));
    this.attachments = managed.map((p) => new IamRolePolicyAttachment(this, p, {
      role: this.role.name,
      policyArn: `arn:${partition}:iam::aws:policy/${p}`,
    }));
    if (limit) {
      const doc = new DataAwsIamPolicyDocument(this, 'ecr-pull-doc', { statement: ecrPullStatements(limit, partition) });
      this.ecrPullPolicy = new IamRolePolicy(this, 'ecr-pull', { name: 'ecr-pull', role: this.role.id, policy: doc.json });
    }
  }

  get arn(): string {
    return this.role.arn;
  }

  /** The role's policies: what a node group waits for. */
  get policies(): ITerraformDependable[] {
    return [...this.attachments, ...(this.ecrPullPolicy ? [this.ecrPullPolicy] : [])];
  }
}

/**
 * The statements of a limited ECR pull policy: a token for any registry; pulls from every repository
 * outside the account (`NotResource` the account's repositories, so no condition key is relied on); pulls,
 * and pull-through cache imports, from the listed repositories of the account.
 */
export function ecrPullStatements(limit: EcrPullScope, partition = 'aws'): DataAwsIamPolicyDocumentStatement[] {
  const accountRepositories = `arn:${partition}:ecr:*:${limit.accountId}:repository/*`;
  return [
    { sid: 'EcrToken', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] },
    { sid: 'PullOutsideTheAccount', actions: [...ECR_PULL_ACTIONS], notResources: [accountRepositories] },
    ...(limit.repositoryArns.length === 0 ? [] : [{
      sid: 'PullListedRepositories',
      actions: [...ECR_PULL_ACTIONS, 'ecr:BatchImportUpstreamImage'],
      resources: [...limit.repositoryArns],
    }]),
  ];
}

/**
 * A repository of `nodes.workspaces.ecrRepositories` as an ARN: an ARN stays as it is; a name (`team/app`,
 * or `team/*` for every repository under `team/`) is a repository of the cluster's account and region.
 */
export function ecrRepositoryArn(entry: string, where: { partition: string; region: string; accountId: string }): string {
  if (entry.startsWith('arn:')) return entry;
  return `arn:${where.partition}:ecr:${where.region}:${where.accountId}:repository/${entry}`;
}
