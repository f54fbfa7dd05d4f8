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
  /**
   * The availability zone of each private subnet, in the same order: literal names when known at synth
   * (the ready stack needs them: workspace node groups are keyed by zone), else Terraform references.
   */
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
  /**
   * The availability zone name of each private subnet, by subnet id, so the zones are known at synth (and
   * node groups per zone can be named and keyed by zone). The plan fails when a subnet is in another zone.
   * @default looked up at plan time (then `privateSubnetZones` are Terraform references)
   */
  readonly privateSubnetZones?: Readonly<Record<string, string>>;
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
    const zones = props.privateSubnetZones;
    const unzoned = zones === undefined ? [] : props.privateSubnetIds.filter((s) => zones[s] === undefined);
    if (unzoned.length > 0) {
      throw new Error(`ExistingNetwork: privateSubnetZones gives no zone for ${unzoned.join(', ')}; give the zone of every private subnet, or leave privateSubnetZones out`);
    }
    this.vpcId = props.vpcId;
    // Each lookup also checks that the subnet is in the VPC: a subnet of another VPC fails the plan; and,
    // with zones given, that it is in the zone given (a wrong zone would name and tag a group wrongly).
    this.privateSubnets = props.privateSubnetIds.map((subnetId, i) => new DataAwsSubnet(this, `private-${i}`, {
      id: subnetId,
      vpcId: props.vpcId,
      lifecycle: zones === undefined ? undefined : {
        postcondition: [{
          condition: `\${self.availability_zone == ${JSON.stringify(zones[subnetId])}}`,
          errorMessage: `Subnet ${subnetId} is in \${self.availability_zone}, and network.existingVpc.privateSubnetZones has it in ${zones[subnetId]}: write its zone as \${self.availability_zone}.`,
        }],
      },
    }));
    this.privateSubnetIds = [...props.privateSubnetIds];
    this.privateSubnetZones = zones === undefined ? this.privateSubnets.map((s) => s.availabilityZone) : props.privateSubnetIds.map((s) => zones[s]);
    this.publicSubnetIds = [...(props.publicSubnetIds ?? [])];
  }
}
