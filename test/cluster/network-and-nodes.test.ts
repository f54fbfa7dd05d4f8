import { Testing } from 'cdktf';
import { ManagedNodeGroup } from '../../lib/cluster/managed-node-group';
import { NodeRole } from '../../lib/cluster/node-role';
import { WorkspacesVpc } from '../../lib/cluster/vpc';
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
  it('trusts EC2 and carries the worker, CNI and ECR pull policies in the given partition', () => {
    const s = new Synthesized(Testing.synthScope((scope) => new NodeRole(scope, 'r', { namePrefix: 'x'.repeat(50), partition: 'aws-us-gov' })));
    expect(s.only('aws_iam_role').name_prefix).toHaveLength(38);
    expect(s.all('aws_iam_role_policy_attachment').map((a) => a.policy_arn).sort()).toEqual([
      'arn:aws-us-gov:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly',
      'arn:aws-us-gov:iam::aws:policy/AmazonEKSWorkerNodePolicy',
      'arn:aws-us-gov:iam::aws:policy/AmazonEKS_CNI_Policy',
    ]);
  });
});
