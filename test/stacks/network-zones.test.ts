/**
 * Zones resolved at synth, workspace groups keyed by zone (and moved there from their former index ids),
 * flow logs for a VPC the stack only reads, and the gp2 default by Kubernetes version.
 */
import { Fn, TerraformStack, Testing } from 'cdktf';
import { DataAwsAvailabilityZones } from '@cdktf/provider-aws/lib/data-aws-availability-zones';
import { ManagedNodeGroup } from '../../lib/cluster/managed-node-group';
import { ClusterNetwork, ExistingNetwork } from '../../lib/cluster/cluster-network';
import { instanceTypeMemoryGiB } from '../../lib/cluster/instance-types';
import { privateSubnetAddresses, stackCapacity, stackCost } from '../../stacks/config/capacity';
import { nodeGroupSets } from '../../lib/preflight/plan';
import { fillDependentDefaults } from '../../stacks/config/dependent-defaults';
import { workspaceGroupName, workspaceGroupPlans } from '../../stacks/cluster-stack';
import { Block, Synthesized } from '../helpers/synthesized';
import { configFromText, REQUIRED_CLUSTER_CONFIG, REQUIRED_CONFIG, synthApp, ZONES } from './helpers';

const SUBNETS = ['subnet-0aa1111111111111a', 'subnet-0bb2222222222222b', 'subnet-0cc3333333333333c'];
const ZONE_OF: Record<string, string> = { [SUBNETS[0]]: 'eu-west-1a', [SUBNETS[1]]: 'eu-west-1b', [SUBNETS[2]]: 'eu-west-1c' };

/** An existing-VPC config with the private subnets in the order given (and more after `extra`). */
function existingVpc(order: readonly string[], extra = '', zones: Record<string, string> = ZONE_OF): string {
  return `network:
  existingVpc:
    vpcId: vpc-0123456789abcdef0
    privateSubnetIds: [${order.join(', ')}]
    privateSubnetZones: {${Object.entries(zones).filter(([s]) => order.includes(s)).map(([s, z]) => `${s}: ${z}`).join(', ')}}
${extra}${REQUIRED_CLUSTER_CONFIG}`;
}

const workspaceGroups = (s: Synthesized): Record<string, Block> =>
  Object.fromEntries(Object.entries(s.resources('aws_eks_node_group')).filter(([, g]) => g.labels['gitlab-workspaces/pool'] === 'workspaces'));

/** The logical id cdktf gives the node group of a ManagedNodeGroup with construct id `id` directly in a stack. */
function nodeGroupLogicalId(id: string): string {
  const stack = new TerraformStack(Testing.app(), 'any');
  const group = new ManagedNodeGroup(stack, id, {
    clusterName: 'c', name: 'x', nodeRoleArn: 'arn:aws:iam::111122223333:role/n', subnetIds: ['subnet-1'], instanceTypes: ['m6i.large'], minSize: 0, desiredSize: 0, maxSize: 1,
  });
  return group.nodeGroup.friendlyUniqueId;
}

describe('workspace groups keyed by zone', () => {
  it('keeps every group, with its subnet, when an existing VPC\'s subnets are reordered', () => {
    const before = workspaceGroups(synthApp(configFromText(existingVpc(SUBNETS))).cluster.s);
    const after = workspaceGroups(synthApp(configFromText(existingVpc([SUBNETS[2], SUBNETS[0], SUBNETS[1]]))).cluster.s);
    expect(Object.keys(before)).toHaveLength(3);
    // Same Terraform addresses, each with the same subnet and name: nothing to replace.
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    for (const [address, group] of Object.entries(before)) {
      expect(after[address].subnet_ids).toEqual(group.subnet_ids);
      expect(after[address].node_group_name_prefix).toBe(group.node_group_name_prefix);
    }
  });

  it('names and ids the groups by zone, and tags each with its zone as a literal', () => {
    const { s } = synthApp(configFromText(existingVpc(SUBNETS))).cluster;
    const groups = Object.values(workspaceGroups(s));
    expect(groups.map((g) => [g.node_group_name_prefix, g.subnet_ids]).sort()).toEqual([
      ['workspaces-g1-eu-west-1a-', [SUBNETS[0]]], ['workspaces-g1-eu-west-1b-', [SUBNETS[1]]], ['workspaces-g1-eu-west-1c-', [SUBNETS[2]]],
    ]);
    for (const address of Object.keys(workspaceGroups(s))) expect(address).toMatch(/^workspace-nodes-g1-eu-west-1[abc]_node-group_[0-9A-F]{8}$/);
    const zoneTags = s.all('aws_autoscaling_group_tag').filter((t) => t.tag.key.endsWith('/topology.ebs.csi.aws.com/zone')).map((t) => t.tag.value);
    expect(zoneTags.sort()).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
  });

  it('checks at plan time that each subnet is in the zone the config gives it', () => {
    const { s } = synthApp(configFromText(existingVpc(SUBNETS))).cluster;
    const subnets = Object.values(s.data('aws_subnet'));
    expect(subnets).toHaveLength(3);
    for (const subnet of subnets) {
      const [check] = subnet.lifecycle.postcondition;
      expect(check.condition).toBe(`\${self.availability_zone == "${ZONE_OF[subnet.id]}"}`);
      expect(check.error_message).toContain(`Subnet ${subnet.id} is in \${self.availability_zone}, and network.existingVpc.privateSubnetZones has it in ${ZONE_OF[subnet.id]}`);
    }
  });

  it('moves each group from the id it had when keyed by its subnet\'s index, so upgrading keeps its nodes', () => {
    // The subnets in an order where index and zone differ: index 0 is eu-west-1c.
    const order = [SUBNETS[2], SUBNETS[0], SUBNETS[1]];
    const { s } = synthApp(configFromText(existingVpc(order, '', ZONE_OF))).cluster;
    const moved = s.doc.moved as Array<{ from: string; to: string }>;
    const groups = workspaceGroups(s);
    // The address index-keyed groups had in state before (as in the example snapshots of that version).
    expect(moved).toContainEqual(expect.objectContaining({ from: 'aws_eks_node_group.workspace-nodes-g1-0_node-group_580FF6BC' }));
    order.forEach((subnet, i) => {
      const [address] = Object.entries(groups).find(([, g]) => g.subnet_ids[0] === subnet)!;
      expect(moved).toContainEqual({ from: `aws_eks_node_group.${nodeGroupLogicalId(`workspace-nodes-g1-${i}`)}`, to: `aws_eks_node_group.${address}` });
    });
    // Every resource of a group moves with it (its launch template, its Auto Scaling group tags), and nothing else moves.
    const perGroup = moved.filter((m) => m.to.includes('workspace-nodes-g1-eu-west-1a_'));
    expect(perGroup.map((m) => m.to.split('.')[0]).sort()).toEqual(expect.arrayContaining(['aws_autoscaling_group_tag', 'aws_eks_node_group', 'aws_launch_template']));
    for (const m of perGroup) expect(m.from).toMatch(new RegExp(`^${m.to.split('.')[0]}\\.workspace-nodes-g1-1_`));
    expect(moved.every((m) => /\.workspace-nodes-g1-[0-2]_/.test(m.from))).toBe(true);
    // The moved groups keep their names (a new name prefix would replace the group and its template).
    for (const g of Object.values(groups)) expect(g.lifecycle.ignore_changes).toContain('node_group_name_prefix');
    for (const lt of s.all('aws_launch_template').filter((l) => l.name_prefix.includes('workspaces-g1'))) expect(lt.lifecycle.ignore_changes).toEqual(['name_prefix']);
  });

  it('moves the groups of a VPC the stack created by the order of availabilityZones (the order of its subnets)', () => {
    const { s } = synthApp(configFromText(REQUIRED_CONFIG)).cluster;
    const moved = s.doc.moved as Array<{ from: string; to: string }>;
    const groups = workspaceGroups(s);
    ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'].forEach((zone, i) => {
      const address = Object.keys(groups).find((a) => a.startsWith(`workspace-nodes-g1-${zone}_`))!;
      expect(moved).toContainEqual({ from: `aws_eks_node_group.${nodeGroupLogicalId(`workspace-nodes-g1-${i}`)}`, to: `aws_eks_node_group.${address}` });
    });
  });

  it('puts the subnets of one zone into one group (moved from the first of them)', () => {
    const zones = { ...ZONE_OF, [SUBNETS[2]]: 'eu-west-1a' };
    const { s } = synthApp(configFromText(existingVpc(SUBNETS, '', zones))).cluster;
    const groups = Object.values(workspaceGroups(s));
    expect(groups.map((g) => [g.node_group_name_prefix, g.subnet_ids]).sort()).toEqual([
      ['workspaces-g1-eu-west-1a-', [SUBNETS[0], SUBNETS[2]]], ['workspaces-g1-eu-west-1b-', [SUBNETS[1]]],
    ]);
    const moved = (s.doc.moved as Array<{ from: string }>).filter((m) => m.from.startsWith('aws_eks_node_group.'));
    expect(moved.map((m) => m.from).sort()).toEqual([nodeGroupLogicalId('workspace-nodes-g1-0'), nodeGroupLogicalId('workspace-nodes-g1-1')].map((id) => `aws_eks_node_group.${id}`).sort());
  });

  it('refuses, with the reason, a network whose zones are only known at plan time', () => {
    const config = configFromText(REQUIRED_CONFIG);
    // Zones from a data source, as WorkspacesVpc and ExistingNetwork have them without literal zones.
    const zones = new DataAwsAvailabilityZones(new TerraformStack(Testing.app(), 'any'), 'zones').names;
    const network: ClusterNetwork = { vpcId: 'vpc-1', privateSubnetIds: ['subnet-1', 'subnet-2'], privateSubnetZones: [0, 1].map((i) => Fn.element(zones, i)), publicSubnetIds: [], egress: [] };
    expect(() => workspaceGroupPlans(config, network)).toThrow(/need the zone of each private subnet at synth .* the zone of subnet-1 is only known at plan time: list network.availabilityZones .*network.existingVpc.privateSubnetZones .*or set nodes.workspaces.perZone: false/);
    // One group across the zones needs none.
    const across = configFromText(`${REQUIRED_CONFIG}nodes:\n  workspaces:\n    perZone: false\n`);
    expect(workspaceGroupPlans(across, network).map((g) => g.id)).toEqual(['workspace-nodes-g1']);
  });

  it('names a group within EKS\'s prefix limit, cutting the region off a zone name that would pass it', () => {
    expect(workspaceGroupName(1, 'ap-southeast-1a', 'ap-southeast-1')).toBe('workspaces-g1-ap-southeast-1a');
    expect(workspaceGroupName(12345, 'us-gov-west-1a', 'us-gov-west-1')).toBe('workspaces-g12345-us-gov-west-1a');
    expect(workspaceGroupName(123456789, 'ap-southeast-1a', 'ap-southeast-1')).toBe('workspaces-g123456789-a');
  });

  it('keeps the retiring generation\'s groups by zone as well, tainted, shrinking to zero', () => {
    const { s } = synthApp(configFromText(existingVpc(SUBNETS, '', ZONE_OF).replace('cluster:', 'nodes:\n  workspaces:\n    generation: 2\n    retiringGenerations: [1]\ncluster:'))).cluster;
    const groups = Object.values(workspaceGroups(s));
    const byGeneration = (gen: string) => groups.filter((g) => g.labels['gitlab-workspaces/generation'] === gen);
    expect(byGeneration('2').map((g) => g.node_group_name_prefix).sort()).toEqual(['workspaces-g2-eu-west-1a-', 'workspaces-g2-eu-west-1b-', 'workspaces-g2-eu-west-1c-']);
    expect(byGeneration('1').map((g) => g.node_group_name_prefix).sort()).toEqual(['workspaces-g1-eu-west-1a-', 'workspaces-g1-eu-west-1b-', 'workspaces-g1-eu-west-1c-']);
    for (const g of byGeneration('1')) {
      expect(g.taint).toEqual([{ key: 'gitlab-workspaces/retiring', value: 'true', effect: 'NO_SCHEDULE' }]);
      expect(g.scaling_config).toMatchObject({ min_size: 0, desired_size: 0 });
      // Its node template (from the current config) is never applied to its running nodes.
      expect(g.lifecycle.ignore_changes).toEqual(expect.arrayContaining(['launch_template', 'instance_types', 'version', 'release_version']));
      // The autoscaler knows the taint, so it never scales the group up for a workspace.
      const asg = `\${${s.addressOf('aws_eks_node_group', g)}.resources[0].autoscaling_groups[0].name}`;
      expect(s.all('aws_autoscaling_group_tag').filter((x) => x.autoscaling_group_name === asg).map((x) => x.tag))
        .toContainEqual({ key: 'k8s.io/cluster-autoscaler/node-template/taint/gitlab-workspaces/retiring', value: 'true:NoSchedule', propagate_at_launch: false });
    }
  });
});

describe('zones in the config', () => {
  const errors = (text: string) => {
    try {
      configFromText(text);
      return '';
    } catch (e) {
      return (e as Error).message;
    }
  };

  it('are required for a VPC the stack creates, with the commands that list them', () => {
    const message = errors(REQUIRED_CLUSTER_CONFIG);
    expect(message).toContain('`availabilityZones` is required in `network`: list the 3 zones the VPC spans');
    expect(message).toContain('aws ec2 describe-availability-zones --region eu-west-1');
    expect(message).toContain('list the zones of its subnets gitlab-workspaces-private-0, -1, -2 in that order');
  });

  it('give the zone count when it is left out', () => {
    const config = configFromText(`network:\n  availabilityZones: [eu-west-1a, eu-west-1b]\n${REQUIRED_CLUSTER_CONFIG}`);
    expect(config.network.availabilityZoneCount).toBe(2);
    expect(errors(`network:\n  availabilityZoneCount: 3\n  availabilityZones: [eu-west-1a, eu-west-1b]\n${REQUIRED_CLUSTER_CONFIG}`)).toContain('lists 2 zones but availabilityZoneCount is 3');
  });

  it('are required per subnet for an existing VPC with groups per zone, and not without', () => {
    const text = `network:\n  existingVpc:\n    vpcId: vpc-0123456789abcdef0\n    privateSubnetIds: [${SUBNETS[0]}, ${SUBNETS[1]}]\n${REQUIRED_CLUSTER_CONFIG}`;
    expect(errors(text)).toContain('`privateSubnetZones` is required in `network.existingVpc` with nodes.workspaces.perZone');
    expect(errors(`${text}nodes:\n  workspaces:\n    perZone: false\n`)).toBe('');
  });
});

describe('an existing VPC with two private subnets in one zone', () => {
  const zones = { [SUBNETS[0]]: 'eu-west-1a', [SUBNETS[1]]: 'eu-west-1b', [SUBNETS[2]]: 'eu-west-1b' };
  it('has one workspace group per zone, and capacity and preflight count the same groups', () => {
    const c = configFromText(existingVpc(SUBNETS, 'nodes:\n  workspaces:\n    maxSize: 5\n', zones));
    expect(Object.values(workspaceGroups(synthApp(c).cluster.s))).toHaveLength(2);
    const capacity = stackCapacity(c);
    expect(capacity.ok && capacity.report.nodes.max).toBe(2 * 5);
    expect(nodeGroupSets(c).filter((g) => g.pool === 'workspaces').map((g) => g.count)).toEqual([2]);
  });

  it('counts the addresses of a zone\'s subnets together, as its one group uses them', () => {
    const c = configFromText(existingVpc(SUBNETS, `    privateSubnetCidrs: {${SUBNETS[0]}: 10.20.0.0/22, ${SUBNETS[1]}: 10.20.4.0/22, ${SUBNETS[2]}: 10.20.8.0/22}\n`, zones));
    expect(privateSubnetAddresses(c)).toEqual([1024, 2048]);
  });
});

describe('flow logs', () => {
  it('are off by default for an existing VPC: the stack does not change a VPC it only reads', () => {
    const { s } = synthApp(configFromText(existingVpc(SUBNETS))).cluster;
    expect(s.all('aws_flow_log')).toEqual([]);
    expect(s.all('aws_cloudwatch_log_group').map((g) => g.name)).not.toContain('/aws/vpc/gitlab-workspaces/flow-logs');
  });

  it('are on by default for a VPC the stack creates, to an encrypted log group', () => {
    const { s } = synthApp(configFromText(REQUIRED_CONFIG)).cluster;
    const log = s.only('aws_flow_log');
    expect(log).toMatchObject({ log_destination_type: 'cloud-watch-logs', traffic_type: 'ALL' });
    expect(s.deref(log.log_destination).name).toBe('/aws/vpc/gitlab-workspaces/flow-logs');
  });

  it('record refused traffic only with trafficType: REJECT, and the idle cost then offers no REJECT saving', () => {
    const config = configFromText(`${REQUIRED_CLUSTER_CONFIG}network:\n${ZONES}  flowLogs:\n    trafficType: REJECT\n`);
    expect(synthApp(config).cluster.s.only('aws_flow_log')).toMatchObject({ traffic_type: 'REJECT' });
    const cost = stackCost(config);
    const all = stackCost(configFromText(REQUIRED_CONFIG));
    expect(cost.ok && all.ok).toBe(true);
    if (!cost.ok || !all.ok) return;
    expect(all.report.savings.map((x) => x.option)).toContainEqual(expect.stringContaining('network.flowLogs.trafficType: REJECT'));
    expect(cost.report.savings.map((x) => x.option)).not.toContainEqual(expect.stringContaining('trafficType'));
  });

  it('go to an existing bucket with destination s3, without a log group or a role', () => {
    const { s } = synthApp(configFromText(existingVpc(SUBNETS, '  flowLogs:\n    enabled: true\n    destination: s3\n    bucket: acme-flow-logs\n    prefix: vpc/workspaces\n'))).cluster;
    const log = s.only('aws_flow_log');
    expect(log).toMatchObject({ vpc_id: 'vpc-0123456789abcdef0', log_destination_type: 's3', traffic_type: 'ALL', max_aggregation_interval: 60 });
    expect(log.log_destination).toMatch(/^arn:\$\{data\.aws_partition\.[\w-]+\.partition\}:s3:::acme-flow-logs\/vpc\/workspaces$/);
    expect(log.iam_role_arn).toBeUndefined();
    expect(s.all('aws_iam_role').filter((r) => String(r.name_prefix).includes('flow-logs'))).toEqual([]);
    expect(s.all('aws_cloudwatch_log_group').map((g) => g.name)).not.toContain('/aws/vpc/gitlab-workspaces/flow-logs');
  });
});

describe('the gp2 StorageClass', () => {
  it('is left alone from Kubernetes 1.30 unless demoteGp2 says so', () => {
    const annotations = (text: string) => synthApp(configFromText(text)).platform.s.all('kubernetes_annotations');
    expect(annotations(REQUIRED_CONFIG).filter((a) => a.metadata.name === 'gp2')).toEqual([]);
    expect(annotations(`${REQUIRED_CONFIG}storage:\n  demoteGp2: true\n`).filter((a) => a.metadata.name === 'gp2')).toHaveLength(1);
  });

  it('is demoted by default before 1.30, where EKS marked it default; a written value always wins', () => {
    const config = (version: string, demote?: boolean) => ({ cluster: { kubernetesVersion: version }, storage: demote === undefined ? {} : { demoteGp2: demote }, network: { flowLogs: {} } });
    const filled = (c: ReturnType<typeof config>) => {
      fillDependentDefaults(c, (path) => path.join('.') === 'storage.demoteGp2' && 'demoteGp2' in c.storage);
      return (c.storage as { demoteGp2: boolean }).demoteGp2;
    };
    expect(filled(config('1.29'))).toBe(true);
    expect(filled(config('1.30'))).toBe(false);
    expect(filled(config('1.35'))).toBe(false);
    expect(filled(config('1.35', true))).toBe(true);
    expect(filled(config('1.29', false))).toBe(false);
  });
});

// The zones line of REQUIRED_CONFIG is what every created-VPC config here has.
it('REQUIRED_CONFIG lists the zones', () => expect(REQUIRED_CONFIG).toContain(ZONES));

describe('library pieces', () => {
  it('ExistingNetwork takes literal zones for every subnet, or none', () => {
    const stack = () => new TerraformStack(Testing.app(), 'any');
    const net = new ExistingNetwork(stack(), 'n', { vpcId: 'vpc-1', privateSubnetIds: ['subnet-a', 'subnet-b'], privateSubnetZones: { 'subnet-a': 'eu-west-1a', 'subnet-b': 'eu-west-1b' } });
    expect(net.privateSubnetZones).toEqual(['eu-west-1a', 'eu-west-1b']);
    expect(() => new ExistingNetwork(stack(), 'n', { vpcId: 'vpc-1', privateSubnetIds: ['subnet-a', 'subnet-b'], privateSubnetZones: { 'subnet-a': 'eu-west-1a' } }))
      .toThrow('ExistingNetwork: privateSubnetZones gives no zone for subnet-b; give the zone of every private subnet, or leave privateSubnetZones out');
  });

  it.each([
    ['m6i.2xlarge', 32], ['m7i-flex.xlarge', 16], ['c7i.2xlarge', 16], ['r6i.large', 16], ['x2iedn.xlarge', 128], ['x2gd.xlarge', 64],
    ['t3.xlarge', 16], ['t3.medium', undefined], ['m7i.metal-24xl', undefined], ['g5.xlarge', undefined], ['im4gn.xlarge', 16], ['is4gen.xlarge', 24],
  ])('reads the memory of %s from its name: %s GiB', (type, gib) => {
    expect(instanceTypeMemoryGiB(type as string)).toBe(gib);
  });
});
