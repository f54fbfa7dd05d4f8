import { Fn, ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { DataAwsAvailabilityZones } from '@cdktf/provider-aws/lib/data-aws-availability-zones';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { defaultSubnetPlan, parseCidr } from './cidr';
import { ClusterNetwork } from './cluster-network';

export interface WorkspacesVpcProps {
  /** The EKS cluster the subnets serve: names resources and sets the `kubernetes.io/cluster/<name>` tag. */
  readonly clusterName: string;
  /**
   * The VPC's IPv4 block (host bits zero). The default subnet plan needs a /22 or larger; /16 to /20
   * leaves room for the VPC CNI's one address per pod.
   * @default '10.0.0.0/16'
   */
  readonly cidr?: string;
  /**
   * How many availability zones to span: 2 or 3.
   * @default 3
   */
  readonly zoneCount?: 2 | 3;
  /**
   * Availability zone names, one per zone, in the order of the subnets. Give them: the default is read at
   * each plan, so a change in what the region offers would move (replace) subnets and what runs in them,
   * and zone-keyed node groups (the ready stack's) need the zones at synth.
   * @default the region's first `zoneCount` available zones that need no opt-in (`aws_availability_zones`)
   */
  readonly availabilityZones?: readonly string[];
  /**
   * One private (node) subnet block per zone.
   * @default 1/8 of the VPC each, from its start (10.0.0.0/19, 10.0.32.0/19, ... for a /16)
   */
  readonly privateSubnetCidrs?: readonly string[];
  /**
   * One public (load balancer) subnet block per zone.
   * @default 1/64 of the VPC each, after the private blocks (10.0.96.0/22, ... for a /16)
   */
  readonly publicSubnetCidrs?: readonly string[];
  /**
   * `one-per-zone`: each zone's private subnet leaves through its own NAT gateway (a zone outage only
   * affects that zone); `single`: one NAT gateway in the first zone (cheaper).
   * @default 'one-per-zone'
   */
  readonly natGateways?: 'one-per-zone' | 'single';
  /**
   * Whether the cluster tag says `owned` (the subnets belong to this cluster alone) or `shared`.
   * @default 'shared'
   */
  readonly clusterTagValue?: 'owned' | 'shared';
  /**
   * Extra tags on the private subnets, e.g. a Karpenter discovery tag.
   * @default none
   */
  readonly privateSubnetTags?: Readonly<Record<string, string>>;
  /**
   * An S3 gateway endpoint on the private route tables. Free, and ECR keeps image layers in S3, so image
   * pulls (large workspace images) skip the NAT gateways and their per-GiB charge. Needs `region`.
   * @default true
   */
  readonly s3GatewayEndpoint?: boolean;
  /**
   * The region (names the S3 endpoint service, `com.amazonaws.<region>.s3`).
   * @default the provider's region (`aws_region` data source)
   */
  readonly region?: string;
}

/**
 * A VPC for an EKS cluster over 2 or 3 availability zones: per zone a private subnet for nodes and
 * pods (tagged `kubernetes.io/role/internal-elb`) and a public subnet for internet-facing load
 * balancers (tagged `kubernetes.io/role/elb`), an internet gateway, NAT gateways, route tables, and
 * the VPC's default security group emptied so nothing uses it by accident.
 */
export class WorkspacesVpc extends Construct implements ClusterNetwork {
  readonly vpc: Vpc;
  /** The S3 gateway endpoint, unless turned off. */
  readonly s3Endpoint?: VpcEndpoint;
  readonly privateSubnets: Subnet[] = [];
  readonly publicSubnets: Subnet[] = [];
  readonly natGateways: NatGateway[] = [];
  /** Zone names (literal, or references to the `aws_availability_zones` data source). */
  readonly zoneNames: string[];
  /**
   * What a node in a private subnet needs to reach ECR, EKS and the other AWS APIs while it boots:
   * the NAT gateways and the private route tables and their associations. Node groups wait for
   * these, or their first nodes can fail to join (NodeCreationFailure).
   */
  readonly egress: ITerraformDependable[] = [];

  constructor(scope: Construct, id: string, props: WorkspacesVpcProps) {
    super(scope, id);
    const cidr = props.cidr ?? '10.0.0.0/16';
    const zoneCount = props.zoneCount ?? 3;
    const name = props.clusterName;
    const clusterTag = { [`kubernetes.io/cluster/${name}`]: props.clusterTagValue ?? 'shared' };
    const vpcBlock = parseCidr(cidr);
    if (!vpcBlock) throw new Error(`WorkspacesVpc: cidr ${cidr} is not an IPv4 network block; write a.b.c.d/n with the host bits zero (e.g. 10.0.0.0/16)`);
    // The default plan is computed only for a list left out: a VPC with both lists given may be too
    // small for it. Its public blocks are 1/64 of the VPC, and AWS's smallest subnet is a /28.
    const plan = (): { privateCidrs: string[]; publicCidrs: string[] } => {
      if (vpcBlock.prefix > 22) {
        throw new Error(`WorkspacesVpc: the default subnet plan needs a VPC of /22 or larger (its public blocks are 1/64 of the VPC, and AWS's smallest subnet is a /28), not /${vpcBlock.prefix}; give privateSubnetCidrs and publicSubnetCidrs`);
      }
      return defaultSubnetPlan(cidr, zoneCount);
    };
    const privateCidrs = props.privateSubnetCidrs ?? plan().privateCidrs;
    const publicCidrs = props.publicSubnetCidrs ?? plan().publicCidrs;
    for (const [what, list] of [['availabilityZones', props.availabilityZones], ['privateSubnetCidrs', privateCidrs], ['publicSubnetCidrs', publicCidrs]] as const) {
      if (list && list.length !== zoneCount) throw new Error(`WorkspacesVpc: ${what} has ${list.length} entries; zoneCount is ${zoneCount}`);
    }

    if (props.availabilityZones) {
      this.zoneNames = [...props.availabilityZones];
    } else {
      const zones = new DataAwsAvailabilityZones(this, 'zones', {
        state: 'available',
        filter: [{ name: 'opt-in-status', values: ['opt-in-not-required'] }],
      });
      this.zoneNames = Array.from({ length: zoneCount }, (_, i) => Fn.element(zones.names, i));
    }

    this.vpc = new Vpc(this, 'vpc', {
      cidrBlock: cidr,
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: { Name: name },
    });

    new DefaultSecurityGroup(this, 'default-sg', {
      vpcId: this.vpc.id,
      ingress: [],
      egress: [],
      tags: { Name: `${name}-default-unused` },
    });

    const igw = new InternetGateway(this, 'igw', { vpcId: this.vpc.id, tags: { Name: name } });

    const publicRoutes = new RouteTable(this, 'public-routes', {
      vpcId: this.vpc.id,
      route: [{ cidrBlock: '0.0.0.0/0', gatewayId: igw.id }],
      tags: { Name: `${name}-public` },
    });

    for (let i = 0; i < zoneCount; i++) {
      const zone = this.zoneNames[i];
      const pub = new Subnet(this, `public-${i}`, {
        vpcId: this.vpc.id,
        cidrBlock: publicCidrs[i],
        availabilityZone: zone,
        mapPublicIpOnLaunch: false,
        tags: { Name: `${name}-public-${i}`, 'kubernetes.io/role/elb': '1', ...clusterTag },
      });
      new RouteTableAssociation(this, `public-${i}-routes`, { subnetId: pub.id, routeTableId: publicRoutes.id });
      this.publicSubnets.push(pub);
    }

    const natCount = props.natGateways === 'single' ? 1 : zoneCount;
    for (let i = 0; i < natCount; i++) {
      const eip = new Eip(this, `nat-${i}-ip`, { domain: 'vpc', tags: { Name: `${name}-nat-${i}` }, dependsOn: [igw] });
      this.natGateways.push(new NatGateway(this, `nat-${i}`, {
        allocationId: eip.allocationId,
        subnetId: this.publicSubnets[i].id,
        connectivityType: 'public',
        tags: { Name: `${name}-nat-${i}` },
        dependsOn: [igw],
      }));
    }

    this.egress.push(...this.natGateways);
    const privateRouteTables: RouteTable[] = [];
    for (let i = 0; i < zoneCount; i++) {
      const priv = new Subnet(this, `private-${i}`, {
        vpcId: this.vpc.id,
        cidrBlock: privateCidrs[i],
        availabilityZone: this.zoneNames[i],
        tags: { Name: `${name}-private-${i}`, 'kubernetes.io/role/internal-elb': '1', ...clusterTag, ...props.privateSubnetTags },
      });
      const routes = new RouteTable(this, `private-${i}-routes`, {
        vpcId: this.vpc.id,
        route: [{ cidrBlock: '0.0.0.0/0', natGatewayId: this.natGateways[Math.min(i, natCount - 1)].id }],
        tags: { Name: `${name}-private-${i}` },
      });
      const association = new RouteTableAssociation(this, `private-${i}-routes-assoc`, { subnetId: priv.id, routeTableId: routes.id });
      this.privateSubnets.push(priv);
      privateRouteTables.push(routes);
      this.egress.push(routes, association);
    }

    if (props.s3GatewayEndpoint ?? true) {
      const region = props.region ?? new DataAwsRegion(this, 'region').region;
      this.s3Endpoint = new VpcEndpoint(this, 's3-endpoint', {
        vpcId: this.vpc.id,
        serviceName: `com.amazonaws.${region}.s3`,
        vpcEndpointType: 'Gateway',
        routeTableIds: privateRouteTables.map((t) => t.id),
        tags: { Name: `${name}-s3` },
      });
      this.egress.push(this.s3Endpoint);
    }
  }

  get vpcId(): string {
    return this.vpc.id;
  }

  get privateSubnetIds(): string[] {
    return this.privateSubnets.map((s) => s.id);
  }

  /** The zone of each private subnet, in order. */
  get privateSubnetZones(): string[] {
    return this.zoneNames;
  }

  get publicSubnetIds(): string[] {
    return this.publicSubnets.map((s) => s.id);
  }
}
