import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { DataAwsSubnet } from '@cdktf/provider-aws/lib/data-aws-subnet';

/**
 * What the cluster and its node groups need of a network, whoever made it: WorkspacesVpc (a VPC this
 * stack creates) or ExistingNetwork (a VPC that already has a way in: VPN, peering, CI runners).
 */
export interface ClusterNetwork {
  readonly vpcId: string;
  /** Node subnets (also the control plane's network interfaces). */
  readonly privateSubnetIds: string[];
  /** The availability zone of each private subnet, in the same order. */
  readonly privateSubnetZones: string[];
  /** Subnets for internet-facing load balancers (may be empty for an existing, internal-only network). */
  readonly publicSubnetIds: string[];
  /** What a node needs to boot (routes out of the private subnets); node groups wait for it. */
  readonly egress: ITerraformDependable[];
}

export interface ExistingNetworkProps {
  /** The VPC id. */
  readonly vpcId: string;
  /** Private subnets for nodes and the control plane, in at least two availability zones. */
  readonly privateSubnetIds: readonly string[];
  /** Public subnets for internet-facing load balancers. @default none */
  readonly publicSubnetIds?: readonly string[];
}

/**
 * A VPC the stack does not own. It is read, never changed: the subnets are looked up (for their zones,
 * which the per-zone node groups and the autoscaler's EBS zone tags need, and so a wrong id fails at plan
 * time), and the routes out of the private subnets, the `kubernetes.io` subnet tags and any VPC endpoints
 * are the network owner's business.
 */
export class ExistingNetwork extends Construct implements ClusterNetwork {
  readonly vpcId: string;
  readonly privateSubnetIds: string[];
  readonly privateSubnetZones: string[];
  readonly publicSubnetIds: string[];
  readonly egress: ITerraformDependable[] = [];
  /** The looked-up private subnets. */
  readonly privateSubnets: DataAwsSubnet[];

  constructor(scope: Construct, id: string, props: ExistingNetworkProps) {
    super(scope, id);
    if (props.privateSubnetIds.length < 2) {
      throw new Error(`ExistingNetwork: give at least two private subnets (EKS needs subnets in two availability zones), not ${props.privateSubnetIds.length}`);
    }
    this.vpcId = props.vpcId;
    // Each lookup also checks that the subnet is in the VPC: a subnet of another VPC fails the plan.
    this.privateSubnets = props.privateSubnetIds.map((subnetId, i) => new DataAwsSubnet(this, `private-${i}`, { id: subnetId, vpcId: props.vpcId }));
    this.privateSubnetIds = [...props.privateSubnetIds];
    this.privateSubnetZones = this.privateSubnets.map((s) => s.availabilityZone);
    this.publicSubnetIds = [...(props.publicSubnetIds ?? [])];
  }
}
