import { Testing } from 'cdktf';
import { ManagedNodeGroup } from '../../lib/cluster/managed-node-group';
import { NodeRole } from '../../lib/cluster/node-role';
import { WorkspacesVpc } from '../../lib/cluster/vpc';
import { ExistingNetwork } from '../../lib/cluster/cluster-network';
import { Synthesized } from '../helpers/synthesized';
import { unresolvedReferences } from '../helpers/terraform-references';

describe('WorkspacesVpc', () => {
  it('defaults to 3 zones from the data source, one NAT gateway per zone', () => {
    const s = new Synthesized(Testing.synthScope((scope) => new WorkspacesVpc(scope, 'net', { clusterName: 'c' })));
    expect(Object.keys(s.data('aws_availability_zones'))).toHaveLength(1);
    expect(s.all('aws_subnet')).toHaveLength(6);
    expect(s.all('aws_nat_gateway')).toHaveLength(3);
    expect(s.all('aws_eip').every((e) => e.domain === 'vpc')).toBe(true);
  });

  it('takes 2 listed zones, a single NAT gateway, an owned cluster tag and extra private subnet tags', () => {
    const json = Testing.synthScope((scope) => new WorkspacesVpc(scope, 'net', {
      clusterName: 'c', zoneCount: 2, availabilityZones: ['eu-west-1a', 'eu-west-1b'], natGateways: 'single',
      clusterTagValue: 'owned', privateSubnetTags: { 'karpenter.sh/discovery': 'c' },
    }));
    const s = new Synthesized(json);
    expect(s.data('aws_availability_zones')).toEqual({});
    expect(s.all('aws_nat_gateway')).toHaveLength(1);
    const priv = s.all('aws_subnet').filter((x) => x.tags['kubernetes.io/role/internal-elb'] === '1');
    expect(priv.map((x) => x.availability_zone)).toEqual(['eu-west-1a', 'eu-west-1b']);
    for (const x of priv) expect(x.tags).toMatchObject({ 'kubernetes.io/cluster/c': 'owned', 'karpenter.sh/discovery': 'c' });
    expect(unresolvedReferences(json)).toEqual([]);
  });

  it('refuses lists that do not match the zone count', () => {
    expect(() => Testing.synthScope((scope) => new WorkspacesVpc(scope, 'net', { clusterName: 'c', zoneCount: 3, availabilityZones: ['a', 'b'] })))
      .toThrow('WorkspacesVpc: availabilityZones has 2 entries; zoneCount is 3');
  });

  it('refuses a VPC block that is not an IPv4 network block, naming it', () => {
    for (const cidr of ['10.0.0.1/16', '010.0.0.0/16', 'fd00::/56', '10.0.0.0']) {
      expect(() => Testing.synthScope((scope) => new WorkspacesVpc(scope, 'net', { clusterName: 'c', cidr })))
        .toThrow(`WorkspacesVpc: cidr ${cidr} is not an IPv4 network block; write a.b.c.d/n with the host bits zero (e.g. 10.0.0.0/16)`);
    }
  });

  it('computes the default plan only for a list left out, so a small VPC can take explicit subnets', () => {
    const json = Testing.synthScope((scope) => new WorkspacesVpc(scope, 'net', {
      clusterName: 'c', cidr: '10.0.0.0/24', zoneCount: 2, availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      privateSubnetCidrs: ['10.0.0.0/26', '10.0.0.64/26'], publicSubnetCidrs: ['10.0.0.128/28', '10.0.0.144/28'],
    }));
    const blocks = new Synthesized(json).all('aws_subnet').map((x) => x.cidr_block).sort();
    expect(blocks).toEqual(['10.0.0.0/26', '10.0.0.128/28', '10.0.0.144/28', '10.0.0.64/26']);
    expect(() => Testing.synthScope((scope) => new WorkspacesVpc(scope, 'net', {
      clusterName: 'c', cidr: '10.0.0.0/24', zoneCount: 2, privateSubnetCidrs: ['10.0.0.0/26', '10.0.0.64/26'],
    }))).toThrow('WorkspacesVpc: the default subnet plan needs a VPC of /22 or larger (its public blocks are 1/64 of the VPC, and AWS\'s smallest subnet is a /28), not /24; give privateSubnetCidrs and publicSubnetCidrs');
  });
});

describe('ManagedNodeGroup', () => {
  const base = { clusterName: 'c', name: 'pool', nodeRoleArn: 'arn:aws:iam::1:role/n', subnetIds: ['subnet-1'], instanceTypes: ['m6i.large'], minSize: 0, desiredSize: 1, maxSize: 3 };

  it('hardens the launch template whatever the props', () => {
    const s = new Synthesized(Testing.synthScope((scope) => new ManagedNodeGroup(scope, 'ng', { ...base, rootDeviceName: '/dev/sda1', diskSizeGiB: 80 })));
    const lt = s.only('aws_launch_template');
    expect(lt.metadata_options).toMatchObject({ http_tokens: 'required', http_put_response_hop_limit: 1 });
    expect(lt.block_device_mappings).toEqual([{ device_name: '/dev/sda1', ebs: { volume_size: 80, volume_type: 'gp3', encrypted: 'true', delete_on_termination: 'true' } }]);
    expect(lt.key_name).toBeUndefined();
  });

  it('maps taints to the EKS spelling and tags the ASG with the node template', () => {
    const s = new Synthesized(Testing.synthScope((scope) => new ManagedNodeGroup(scope, 'ng', {
      ...base, labels: { role: 'runtime', 'example.com/zone': 'a' }, taints: [{ key: 'sysbox', value: 'yes', effect: 'NoExecute' }, { key: 'gpu', effect: 'PreferNoSchedule' }],
    })));
    expect(s.only('aws_eks_node_group').taint).toEqual([{ key: 'sysbox', value: 'yes', effect: 'NO_EXECUTE' }, { key: 'gpu', effect: 'PREFER_NO_SCHEDULE' }]);
    expect(s.all('aws_autoscaling_group_tag').map((t) => [t.tag.key, t.tag.value]).sort()).toEqual([
      ['k8s.io/cluster-autoscaler/c', 'owned'],
      ['k8s.io/cluster-autoscaler/enabled', 'true'],
      ['k8s.io/cluster-autoscaler/node-template/label/example.com/zone', 'a'],
      ['k8s.io/cluster-autoscaler/node-template/label/role', 'runtime'],
      ['k8s.io/cluster-autoscaler/node-template/taint/gpu', ':PreferNoSchedule'],
      ['k8s.io/cluster-autoscaler/node-template/taint/sysbox', 'yes:NoExecute'],
    ]);
    for (const t of s.all('aws_autoscaling_group_tag')) {
      expect(t.autoscaling_group_name).toBe(`\${${s.addressOf('aws_eks_node_group', s.only('aws_eks_node_group'))}.resources[0].autoscaling_groups[0].name}`);
      expect(t.tag.propagate_at_launch).toBe(false);
    }
  });

  it('leaves the ASG alone when asked', () => {
    const s = new Synthesized(Testing.synthScope((scope) => new ManagedNodeGroup(scope, 'ng', { ...base, labels: { a: 'b' }, clusterAutoscalerTags: false })));
    expect(s.all('aws_autoscaling_group_tag')).toEqual([]);
  });

  it('refuses sizes out of order', () => {
    expect(() => Testing.synthScope((scope) => new ManagedNodeGroup(scope, 'ng', { ...base, minSize: 2, desiredSize: 1 })))
      .toThrow('ManagedNodeGroup pool: sizes must satisfy minSize <= desiredSize <= maxSize (got 2, 1, 3)');
  });
});

describe('NodeRole', () => {
  it('refuses a name prefix IAM would refuse at plan time, instead of cutting it silently', () => {
    expect(() => Testing.synthScope((scope) => new NodeRole(scope, 'r', { namePrefix: 'x'.repeat(39) })))
      .toThrow('NodeRole: namePrefix "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" has 39 characters; IAM allows at most 38 (use iamRoleNamePrefix() to cut and hash it)');
  });

  it('trusts EC2 and carries the worker, CNI and ECR pull policies in the given partition', () => {
    const s = new Synthesized(Testing.synthScope((scope) => new NodeRole(scope, 'r', { namePrefix: 'x'.repeat(38), partition: 'aws-us-gov' })));
    expect(s.only('aws_iam_role').name_prefix).toHaveLength(38);
    expect(s.all('aws_iam_role_policy_attachment').map((a) => a.policy_arn).sort()).toEqual([
      'arn:aws-us-gov:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly',
      'arn:aws-us-gov:iam::aws:policy/AmazonEKSWorkerNodePolicy',
    ]);
  });
});

describe('ManagedNodeGroup versions, generations and autoscaler options', () => {
  const base = { clusterName: 'c', name: 'pool', nodeRoleArn: 'arn:aws:iam::1:role/n', subnetIds: ['subnet-1'], instanceTypes: ['m6i.large'], minSize: 0, desiredSize: 0, maxSize: 3 };

  it('sets the Kubernetes version and AMI release it is given, so either change rolls the nodes', () => {
    const s = new Synthesized(Testing.synthScope((scope) => new ManagedNodeGroup(scope, 'ng', { ...base, kubernetesVersion: '1.35', releaseVersion: '1.35.0-20261115' })));
    expect(s.only('aws_eks_node_group')).toMatchObject({ version: '1.35', release_version: '1.35.0-20261115' });
    expect(s.only('aws_eks_node_group').lifecycle.ignore_changes).toEqual(['scaling_config[0].desired_size']);
  });

  it('keeps its nodes through a template change when asked: only a new group gets the new template (and labels)', () => {
    const s = new Synthesized(Testing.synthScope((scope) => new ManagedNodeGroup(scope, 'ng', { ...base, keepNodesOnTemplateChange: true })));
    expect(s.only('aws_eks_node_group').lifecycle.ignore_changes).toEqual([
      'scaling_config[0].desired_size', 'launch_template', 'instance_types', 'ami_type', 'release_version', 'version', 'capacity_type', 'node_role_arn', 'labels', 'node_group_name_prefix',
    ]);
  });

  it('tags per-group autoscaler options on its Auto Scaling group', () => {
    const s = new Synthesized(Testing.synthScope((scope) => new ManagedNodeGroup(scope, 'ng', { ...base, autoscalingOptions: { scaledownutilizationthreshold: '0.0001' } })));
    expect(s.all('aws_autoscaling_group_tag').map((t) => t.tag)).toContainEqual({
      key: 'k8s.io/cluster-autoscaler/node-template/autoscaling-options/scaledownutilizationthreshold', value: '0.0001', propagate_at_launch: false,
    });
  });

  it('names its launch template after a literal cluster name, within the limits', () => {
    const s = new Synthesized(Testing.synthScope((scope) => new ManagedNodeGroup(scope, 'ng', { ...base, clusterName: 'x'.repeat(100) })));
    const prefix = s.only('aws_launch_template').name_prefix;
    expect(prefix.length).toBeLessThanOrEqual(102);
    expect(prefix.endsWith('-pool-')).toBe(true);
    expect(() => Testing.synthScope((scope) => new ManagedNodeGroup(scope, 'ng', { ...base, name: 'n'.repeat(37) })))
      .toThrow('ManagedNodeGroup nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn: the name has 37 characters; EKS node group name prefixes allow at most 36 before the \'-\'');
  });
});

describe('WorkspacesVpc S3 endpoint', () => {
  it('puts a gateway endpoint on every private route table, for the given or the provider\'s region', () => {
    const given = new Synthesized(Testing.synthScope((scope) => new WorkspacesVpc(scope, 'net', { clusterName: 'c', region: 'eu-north-1', zoneCount: 2, availabilityZones: ['eu-north-1a', 'eu-north-1b'] })));
    expect(given.only('aws_vpc_endpoint')).toMatchObject({ service_name: 'com.amazonaws.eu-north-1.s3', vpc_endpoint_type: 'Gateway' });
    expect(given.only('aws_vpc_endpoint').route_table_ids).toHaveLength(2);
    const looked = new Synthesized(Testing.synthScope((scope) => new WorkspacesVpc(scope, 'net', { clusterName: 'c' })));
    const region = Object.keys(looked.data('aws_region'))[0];
    expect(looked.only('aws_vpc_endpoint').service_name).toBe(`com.amazonaws.\${data.aws_region.${region}.region}.s3`);
    const none = new Synthesized(Testing.synthScope((scope) => new WorkspacesVpc(scope, 'net', { clusterName: 'c', s3GatewayEndpoint: false })));
    expect(none.all('aws_vpc_endpoint')).toEqual([]);
  });
});

describe('ExistingNetwork', () => {
  it('reads the subnets (their zones, and that they are in the VPC) and creates nothing', () => {
    let network: ExistingNetwork | undefined;
    const json = Testing.synthScope((scope) => {
      network = new ExistingNetwork(scope, 'net', { vpcId: 'vpc-1', privateSubnetIds: ['subnet-a', 'subnet-b'], publicSubnetIds: ['subnet-p'] });
    });
    const s = new Synthesized(json);
    expect(s.doc.resource).toBeUndefined();
    expect(Object.values(s.data('aws_subnet')).map((x) => [x.id, x.vpc_id])).toEqual([['subnet-a', 'vpc-1'], ['subnet-b', 'vpc-1']]);
    expect(network!.privateSubnetIds).toEqual(['subnet-a', 'subnet-b']);
    expect(network!.publicSubnetIds).toEqual(['subnet-p']);
    expect(network!.egress).toEqual([]);
    expect(() => Testing.synthScope((scope) => new ExistingNetwork(scope, 'net', { vpcId: 'vpc-1', privateSubnetIds: ['subnet-a'] })))
      .toThrow('ExistingNetwork: give at least two private subnets (EKS needs subnets in two availability zones), not 1');
  });
});
