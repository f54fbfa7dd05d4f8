import { Construct } from 'constructs';
import { DataAwsIamPolicyDocument, DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { EksPodIdentityAssociation } from '@cdktf/provider-aws/lib/eks-pod-identity-association';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { checkedRoleNamePrefix } from './names';

export interface PodIdentityRoleProps {
  /** The cluster whose service account gets the role (its name). */
  readonly clusterName: string;
  /** The service account's namespace. */
  readonly namespace: string;
  /** The service account's name. */
  readonly serviceAccount: string;
  /** Prefix of the role name, at most 38 characters (see `iamRoleNamePrefix`). */
  readonly namePrefix: string;
  /** Managed policy ARNs to attach. @default none */
  readonly managedPolicyArns?: readonly string[];
  /** Statements of an inline policy. @default none */
  readonly statements?: DataAwsIamPolicyDocumentStatement[];
}

/**
 * An IAM role for one Kubernetes service account through EKS Pod Identity: the role trusts the
 * Pod Identity service (`pods.eks.amazonaws.com`) only for sessions tagged with this cluster,
 * namespace and service account, and an association binds it to the service account.
 * Needs the `eks-pod-identity-agent` add-on on the nodes.
 */
export class PodIdentityRole extends Construct {
  readonly role: IamRole;
  readonly association: EksPodIdentityAssociation;
  readonly policies: Array<IamRolePolicy | IamRolePolicyAttachment> = [];

  constructor(scope: Construct, id: string, props: PodIdentityRoleProps) {
    super(scope, id);
    const trust = new DataAwsIamPolicyDocument(this, 'trust', {
      statement: [{
        actions: ['sts:AssumeRole', 'sts:TagSession'],
        principals: [{ type: 'Service', identifiers: ['pods.eks.amazonaws.com'] }],
        // Pod Identity tags its session with the cluster, namespace and service account: the role
        // serves only the one service account it was made for, whatever associations exist.
        condition: [
          { test: 'StringEquals', variable: 'aws:RequestTag/eks-cluster-name', values: [props.clusterName] },
          { test: 'StringEquals', variable: 'aws:RequestTag/kubernetes-namespace', values: [props.namespace] },
          { test: 'StringEquals', variable: 'aws:RequestTag/kubernetes-service-account', values: [props.serviceAccount] },
        ],
      }],
    });
    this.role = new IamRole(this, 'role', {
      namePrefix: checkedRoleNamePrefix(props.namePrefix, 'PodIdentityRole'),
      description: `EKS Pod Identity for ${props.namespace}/${props.serviceAccount}`,
      assumeRolePolicy: trust.json,
    });
    for (const [i, arn] of (props.managedPolicyArns ?? []).entries()) {
      this.policies.push(new IamRolePolicyAttachment(this, `managed-${i}`, { role: this.role.name, policyArn: arn }));
    }
    if (props.statements && props.statements.length > 0) {
      const doc = new DataAwsIamPolicyDocument(this, 'inline-doc', { statement: props.statements });
      this.policies.push(new IamRolePolicy(this, 'inline', { name: props.serviceAccount, role: this.role.id, policy: doc.json }));
    }
    this.association = new EksPodIdentityAssociation(this, 'association', {
      clusterName: props.clusterName,
      namespace: props.namespace,
      serviceAccount: props.serviceAccount,
      roleArn: this.role.arn,
    });
  }

  get arn(): string {
    return this.role.arn;
  }
}
