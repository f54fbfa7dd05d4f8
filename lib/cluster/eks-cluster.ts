import { createHash } from 'crypto';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsIamSessionContext } from '@cdktf/provider-aws/lib/data-aws-iam-session-context';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { EksAccessEntry } from '@cdktf/provider-aws/lib/eks-access-entry';
import { EksAccessPolicyAssociation } from '@cdktf/provider-aws/lib/eks-access-policy-association';
import { EksCluster as EksClusterResource } from '@cdktf/provider-aws/lib/eks-cluster';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { EncryptionKey } from './encryption-key';
import { iamRoleNamePrefix } from './names';
import { DEFAULT_KUBERNETES_VERSION } from './versions';

export type ControlPlaneLogType = 'api' | 'audit' | 'authenticator' | 'controllerManager' | 'scheduler';

/**
 * EKS support tiers (`upgrade_policy.support_type`): `STANDARD` upgrades the control plane automatically
 * when its version leaves standard support; `EXTENDED` keeps it for up to 12 more months at six times the
 * control-plane price ($0.60 instead of $0.10 per cluster-hour).
 */
export type UpgradePolicy = 'STANDARD' | 'EXTENDED';

/** Every control-plane log type EKS offers. */
export const ALL_CONTROL_PLANE_LOGS: readonly ControlPlaneLogType[] = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'];

export interface EksClusterProps {
  /** The cluster name (a literal: IAM and KMS names are derived from it). */
  readonly name: string;
  /** Subnets for the control plane's network interfaces (the private node subnets). */
  readonly subnetIds: string[];
  /**
   * Kubernetes minor version.
   * @default '1.34' (see versions.ts for why)
   */
  readonly version?: string;
  /**
   * The support tier once the version leaves standard support. The EKS API's own default is EXTENDED,
   * billed at six times the control-plane price from that day on; this construct chooses STANDARD unless
   * told otherwise.
   * @default 'STANDARD'
   */
  readonly upgradePolicy?: UpgradePolicy;
  /**
   * Whether the API endpoint is reachable from the internet (from `publicAccessCidrs` only). The
   * private endpoint is always on, so nodes talk to the API inside the VPC.
   * @default true
   */
  readonly endpointPublicAccess?: boolean;
  /**
   * CIDRs allowed to reach the public endpoint. Required when the public endpoint is on: a cluster that
   * runs untrusted code should not expose its API to the whole internet. `0.0.0.0/0` is refused unless
   * `allowPublicEndpointFromAnywhere` is set.
   * @default none (an error when `endpointPublicAccess` is true)
   */
  readonly publicAccessCidrs?: string[];
  /**
   * Accept `0.0.0.0/0` in `publicAccessCidrs`.
   * @default false
   */
  readonly allowPublicEndpointFromAnywhere?: boolean;
  /**
   * CIDRs allowed to reach the private endpoint on port 443, besides the nodes (which the cluster
   * security group already admits): a VPN, peered networks, CI runners inside the VPC. Each becomes
   * an ingress rule on the cluster security group.
   * @default none
   */
  readonly privateAccessCidrs?: readonly string[];
  /**
   * IAM role or user ARNs given cluster-admin (`AmazonEKSClusterAdminPolicy`, cluster scope) through
   * access entries. Give a role's ARN with its path (`arn:aws:iam::<account>:role/<path>/<name>`, as
   * `aws iam get-role` prints it), not an STS session ARN.
   * @default none
   */
  readonly adminPrincipalArns?: readonly string[];
  /**
   * Also give the identity that runs the deploy cluster-admin, through an access entry this construct
   * declares (the IAM role behind the caller's session, with its path, from `aws_iam_session_context`).
   * Opt-in: the entry follows whoever runs the apply, so a CI run and a person deploying in turn keep
   * swapping the admin. Prefer listing the deploy roles in `adminPrincipalArns`. Do not also list that
   * identity there (EKS refuses two entries for one principal).
   * @default false
   */
  readonly clusterCreatorAdmin?: boolean;
  /**
   * The ARN of the identity running the deploy (`aws_caller_identity.arn`), when the stack already
   * reads it; used with `clusterCreatorAdmin`.
   * @default read by this construct
   */
  readonly callerArn?: string;
  /**
   * Control-plane logs sent to CloudWatch.
   * @default all five: api, audit, authenticator, controllerManager, scheduler
   */
  readonly logTypes?: readonly ControlPlaneLogType[];
  /**
   * Retention of the `/aws/eks/<name>/cluster` log group, in days.
   * @default 90
   */
  readonly logRetentionDays?: number;
  /**
   * KMS key ARN for the control-plane log group (see LogEncryptionKey).
   * @default CloudWatch's own encryption
   */
  readonly logKmsKeyArn?: string;
  /**
   * Days before the secrets KMS key is deleted after a destroy (7 to 30).
   * @default 30
   */
  readonly kmsKeyDeletionWindowDays?: number;
  /**
   * The AWS partition, for managed policy ARNs.
   * @default 'aws'
   */
  readonly partition?: string;
  /**
   * Terraform's `prevent_destroy` on the cluster and its secrets key: a destroy, or a change that would
   * replace either (and with the cluster every workspace), stops at plan. Set false to destroy.
   * @default true
   */
  readonly preventDestroy?: boolean;
}

/**
 * An EKS control plane: authentication through access entries only (mode `API`; the deployer and
 * the configured admins each get an explicit entry with `AmazonEKSClusterAdminPolicy`), Kubernetes Secrets
 * envelope-encrypted with its own rotating KMS key, every control-plane log (audit included) in a
 * log group with retention created before the cluster, and no self-managed add-ons bootstrapped
 * (the stack installs vpc-cni, kube-proxy and CoreDNS as managed add-ons it controls). The cluster and
 * its key carry `prevent_destroy` unless `preventDestroy: false`.
 */
export class EksCluster extends Construct {
  readonly cluster: EksClusterResource;
  readonly role: IamRole;
  readonly secretsKey: EncryptionKey;
  readonly logGroup: CloudwatchLogGroup;
  /**
   * Access entries, policy associations and private-endpoint ingress rules; Kubernetes resources
   * created by the stack wait for them.
   */
  readonly accessResources: ITerraformDependable[] = [];

  constructor(scope: Construct, id: string, props: EksClusterProps) {
    super(scope, id);
    const partition = props.partition ?? 'aws';
    const name = props.name;

    this.secretsKey = new EncryptionKey(this, 'secrets-key', {
      alias: `${name}/eks-secrets`,
      description: `Envelope encryption of Kubernetes Secrets in EKS cluster ${name}`,
      deletionWindowInDays: props.kmsKeyDeletionWindowDays,
      preventDestroy: props.preventDestroy,
    });

    const assume = new DataAwsIamPolicyDocument(this, 'assume-role', {
      statement: [{
        actions: ['sts:AssumeRole', 'sts:TagSession'],
        principals: [{ type: 'Service', identifiers: ['eks.amazonaws.com'] }],
      }],
    });
    const publicAccess = props.endpointPublicAccess ?? true;
    const publicCidrs = props.publicAccessCidrs ?? [];
    if (publicAccess && publicCidrs.length === 0) {
      throw new Error(`EksCluster ${name}: publicAccessCidrs is required when the public endpoint is on; list the networks that may reach the Kubernetes API (office, VPN, CI), or turn endpointPublicAccess off`);
    }
    if (publicAccess && publicCidrs.includes('0.0.0.0/0') && !props.allowPublicEndpointFromAnywhere) {
      throw new Error(`EksCluster ${name}: publicAccessCidrs contains 0.0.0.0/0, which opens the API of a cluster running untrusted code to the whole internet; narrow it, or set allowPublicEndpointFromAnywhere`);
    }

    this.role = new IamRole(this, 'role', {
      namePrefix: iamRoleNamePrefix(name, 'cluster'),
      description: `EKS control plane of ${name}`,
      assumeRolePolicy: assume.json,
    });
    const clusterPolicy = new IamRolePolicyAttachment(this, 'cluster-policy', {
      role: this.role.name,
      policyArn: `arn:${partition}:iam::aws:policy/AmazonEKSClusterPolicy`,
    });
    const encryptionPolicyDoc = new DataAwsIamPolicyDocument(this, 'encryption-policy-doc', {
      statement: [{
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ListGrants', 'kms:DescribeKey'],
        resources: [this.secretsKey.arn],
      }],
    });
    const encryptionPolicy = new IamRolePolicy(this, 'encryption-policy', {
      name: 'secrets-encryption',
      role: this.role.id,
      policy: encryptionPolicyDoc.json,
    });

    this.logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: controlPlaneLogGroupName(name),
      retentionInDays: props.logRetentionDays ?? 90,
      kmsKeyId: props.logKmsKeyArn,
    });

    this.cluster = new EksClusterResource(this, 'cluster', {
      name,
      version: props.version ?? DEFAULT_KUBERNETES_VERSION,
      upgradePolicy: { supportType: props.upgradePolicy ?? 'STANDARD' },
      roleArn: this.role.arn,
      accessConfig: {
        authenticationMode: 'API',
        // The creator's access is an explicit access entry below, visible and changeable in place.
        bootstrapClusterCreatorAdminPermissions: false,
      },
      bootstrapSelfManagedAddons: false,
      enabledClusterLogTypes: [...(props.logTypes ?? ALL_CONTROL_PLANE_LOGS)],
      encryptionConfig: { resources: ['secrets'], provider: { keyArn: this.secretsKey.arn } },
      vpcConfig: {
        subnetIds: props.subnetIds,
        endpointPrivateAccess: true,
        endpointPublicAccess: publicAccess,
        publicAccessCidrs: publicAccess ? publicCidrs : undefined,
      },
      kubernetesNetworkConfig: { ipFamily: 'ipv4' },
      lifecycle: { preventDestroy: props.preventDestroy ?? true },
      // The log group must exist first, or EKS creates one without retention; the role's policies
      // must be attached before EKS uses the role.
      dependsOn: [this.logGroup, clusterPolicy, encryptionPolicy],
    });

    for (const [i, cidr] of (props.privateAccessCidrs ?? []).entries()) {
      this.accessResources.push(new VpcSecurityGroupIngressRule(this, `private-api-access-${i}`, {
        securityGroupId: this.clusterSecurityGroupId,
        description: `Kubernetes API (private endpoint) from ${cidr}`,
        ipProtocol: 'tcp',
        fromPort: 443,
        toPort: 443,
        cidrIpv4: cidr,
      }));
    }

    const admins: Array<{ id: string; arn: string }> = (props.adminPrincipalArns ?? []).map((arn) => ({ id: `admin-${principalId(arn)}`, arn }));
    if (props.clusterCreatorAdmin ?? false) {
      // An assumed-role session ARN (arn:aws:sts::...:assumed-role/R/s) is not a valid access entry
      // principal; the session context gives the role's own ARN (and passes a user's ARN through).
      const callerArn = props.callerArn ?? new DataAwsCallerIdentity(this, 'deployer').arn;
      const session = new DataAwsIamSessionContext(this, 'deployer-session', { arn: callerArn });
      admins.unshift({ id: 'deployer-admin', arn: session.issuerArn });
    }
    for (const { id, arn } of admins) {
      const entry = new EksAccessEntry(this, id, {
        clusterName: this.cluster.name,
        principalArn: arn,
        type: 'STANDARD',
      });
      const association = new EksAccessPolicyAssociation(this, `${id}-policy`, {
        clusterName: this.cluster.name,
        principalArn: entry.principalArn,
        policyArn: `arn:${partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`,
        accessScope: { type: 'cluster' },
      });
      this.accessResources.push(entry, association);
    }
  }

  get name(): string {
    return this.cluster.name;
  }

  get arn(): string {
    return this.cluster.arn;
  }

  get endpoint(): string {
    return this.cluster.endpoint;
  }

  /** Base64 PEM of the cluster CA. */
  get certificateAuthorityData(): string {
    return this.cluster.certificateAuthority.get(0).data;
  }

  get version(): string {
    return this.cluster.version;
  }

  /** The security group EKS creates for the control plane and managed nodes. */
  get clusterSecurityGroupId(): string {
    return this.cluster.vpcConfig.clusterSecurityGroupId;
  }
}

/** The log group EKS writes control-plane logs to. */
export function controlPlaneLogGroupName(clusterName: string): string {
  return `/aws/eks/${clusterName}/cluster`;
}

/** A stable, readable logical id for a principal: role or user name plus a short hash of the ARN. */
function principalId(arn: string): string {
  const last = arn.split('/').pop() ?? 'principal';
  const hash = createHash('sha256').update(arn).digest('hex').slice(0, 8);
  return `${last.replace(/[^A-Za-z0-9-]/g, '-').slice(0, 40)}-${hash}`;
}
