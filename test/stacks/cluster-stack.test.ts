/**
 * The default config's cluster stack, read as an EKS reviewer would: network, control plane, nodes,
 * autoscaling, add-ons, the destroy guard, outputs, and every reference resolving. (The Kubernetes side
 * is in platform-stack.test.ts; the split itself in app.test.ts.)
 */
import 'cdktf/lib/testing/adapters/jest';
import { Testing } from 'cdktf';
import { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Synthesized } from '../helpers/synthesized';
import { unknownAttributes } from '../helpers/provider-attributes';
import { unresolvedReferences } from '../helpers/terraform-references';
import { configFromText, loadExample, REQUIRED_CLUSTER_CONFIG, REQUIRED_CONFIG, synthApp, ZONES } from './helpers';

Testing.setupJest();

describe('the default cluster stack', () => {
  let json: string;
  let s: Synthesized;

  beforeAll(() => {
    ({ json, s } = synthApp(loadExample('default')).cluster);
  });

  it('has every reference resolving to something declared, with an attribute its type has', () => {
    expect(unresolvedReferences(json)).toEqual([]);
    expect(unknownAttributes(json)).toEqual([]);
  });

  describe('network', () => {
    it('has a private and a public subnet in each of 3 zones, with the tags EKS and load balancers read', () => {
      const subnets = s.all('aws_subnet');
      const pub = subnets.filter((x) => x.tags['kubernetes.io/role/elb'] === '1');
      const priv = subnets.filter((x) => x.tags['kubernetes.io/role/internal-elb'] === '1');
      expect(pub).toHaveLength(3);
      expect(priv).toHaveLength(3);
      for (const subnet of subnets) expect(subnet.tags['kubernetes.io/cluster/gitlab-workspaces']).toBe('shared');
      // Public subnets hold load balancers, not instances with public addresses.
      for (const subnet of pub) expect(subnet.map_public_ip_on_launch).toBe(false);
      expect(priv.map((x) => x.cidr_block)).toEqual(['10.0.0.0/19', '10.0.32.0/19', '10.0.64.0/19']);
      expect(pub.map((x) => x.cidr_block)).toEqual(['10.0.96.0/22', '10.0.100.0/22', '10.0.104.0/22']);
      // The zones the config lists, as literals: a change in what the region offers never moves a subnet.
      expect(priv.map((x) => x.availability_zone)).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
      expect(pub.map((x) => x.availability_zone)).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
      expect(s.data('aws_availability_zones')).toEqual({});
    });

    it('routes public subnets to the internet gateway and each private subnet to its own zone\'s NAT gateway', () => {
      const nats = s.all('aws_nat_gateway');
      expect(nats).toHaveLength(3);
      const tables = s.all('aws_route_table');
      const igw = s.ref('aws_internet_gateway', s.only('aws_internet_gateway'), 'id');
      expect(tables.filter((t) => t.route[0].gateway_id === igw)).toHaveLength(1);
      const natRoutes = tables.map((t) => t.route[0].nat_gateway_id).filter(Boolean);
      expect(new Set(natRoutes).size).toBe(3);
      expect(s.all('aws_route_table_association')).toHaveLength(6);
      expect(s.only('aws_vpc')).toMatchObject({ cidr_block: '10.0.0.0/16', enable_dns_hostnames: true, enable_dns_support: true });
      expect(s.only('aws_default_security_group')).toMatchObject({ ingress: [], egress: [] });
    });

    it('sends S3 traffic (ECR image layers) of the private subnets through a free gateway endpoint, not NAT', () => {
      const endpoint = s.only('aws_vpc_endpoint');
      expect(endpoint).toMatchObject({ service_name: 'com.amazonaws.eu-west-1.s3', vpc_endpoint_type: 'Gateway', vpc_id: s.ref('aws_vpc', s.only('aws_vpc'), 'id') });
      const privateTables = Object.entries(s.resources('aws_route_table')).filter(([, t]) => t.route[0].nat_gateway_id).map(([k]) => `\${aws_route_table.${k}.id}`);
      expect([...endpoint.route_table_ids].sort()).toEqual(privateTables.sort());
    });

    it('records all VPC traffic in an encrypted flow-log group', () => {
      const flow = s.only('aws_flow_log');
      expect(flow).toMatchObject({ traffic_type: 'ALL', log_destination_type: 'cloud-watch-logs', max_aggregation_interval: 60, vpc_id: s.ref('aws_vpc', s.only('aws_vpc'), 'id') });
      const group = s.deref(flow.log_destination);
      expect(group).toMatchObject({ name: '/aws/vpc/gitlab-workspaces/flow-logs', retention_in_days: 30 });
      expect(group.kms_key_id).toBe(s.all('aws_cloudwatch_log_group').find((g) => g.name.startsWith('/aws/eks/'))!.kms_key_id);
      const role = s.deref(flow.iam_role_arn);
      const trust = s.deref(role.assume_role_policy).statement[0];
      expect(trust.principals).toEqual([{ type: 'Service', identifiers: ['vpc-flow-logs.amazonaws.com'] }]);
      expect(trust.condition).toEqual([{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [expect.stringMatching(/^\$\{data\.aws_caller_identity\.[\w-]+\.account_id\}$/)] }]);
    });
  });

  describe('control plane', () => {
    it('runs Kubernetes 1.35 on standard support only, with access entries only, in the private subnets', () => {
      expect(json).toHaveResourceWithProperties(EksCluster, {
        name: 'gitlab-workspaces',
        version: '1.35',
        // The API's default is EXTENDED: six times the control-plane price once standard support ends.
        upgrade_policy: { support_type: 'STANDARD' },
        access_config: { authentication_mode: 'API', bootstrap_cluster_creator_admin_permissions: false },
        bootstrap_self_managed_addons: false,
      });
      const cluster = s.only('aws_eks_cluster');
      const privateIds = s.all('aws_subnet').filter((x) => x.tags['kubernetes.io/role/internal-elb']).map((x) => s.ref('aws_subnet', x, 'id'));
      expect(cluster.vpc_config).toEqual({
        subnet_ids: privateIds,
        endpoint_private_access: true,
        endpoint_public_access: true,
        // The example's placeholder, never 0.0.0.0/0 by default.
        public_access_cidrs: ['203.0.113.0/24'],
      });
      // Only the nodes reach the private endpoint unless privateAccessCidrs says otherwise.
      expect(s.all('aws_vpc_security_group_ingress_rule')).toEqual([]);
    });

    it('gives cluster-admin to the listed roles only, not to whoever runs the apply', () => {
      const entry = s.only('aws_eks_access_entry');
      expect(entry).toMatchObject({
        type: 'STANDARD',
        cluster_name: s.ref('aws_eks_cluster', s.only('aws_eks_cluster'), 'name'),
        principal_arn: 'arn:aws:iam::123456789012:role/platform-admins',
      });
      // The creator entry is opt-in: no session lookup that would follow each deployer.
      expect(s.data('aws_iam_session_context')).toEqual({});
      const association = s.only('aws_eks_access_policy_association');
      expect(association).toMatchObject({
        policy_arn: `arn:\${${Object.keys(s.data('aws_partition')).map((k) => `data.aws_partition.${k}`)[0]}.partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`,
        access_scope: { type: 'cluster' },
        principal_arn: s.ref('aws_eks_access_entry', entry, 'principal_arn'),
      });
    });

    it('envelope-encrypts Secrets with a rotating KMS key the cluster role may use', () => {
      const cluster = s.only('aws_eks_cluster');
      expect(cluster.encryption_config.resources).toEqual(['secrets']);
      const key = s.deref(cluster.encryption_config.provider.key_arn);
      expect(key).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
      const role = s.deref(cluster.role_arn);
      expect(s.deref(role.assume_role_policy).statement[0].principals).toEqual([{ type: 'Service', identifiers: ['eks.amazonaws.com'] }]);
      const inline = s.all('aws_iam_role_policy').find((p) => p.name === 'secrets-encryption');
      expect(s.deref(inline!.policy).statement[0]).toEqual({ actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ListGrants', 'kms:DescribeKey'], resources: [cluster.encryption_config.provider.key_arn] });
    });

    it('sends every control-plane log, audit included, to an encrypted log group with retention created first', () => {
      const cluster = s.only('aws_eks_cluster');
      expect(cluster.enabled_cluster_log_types).toEqual(['api', 'audit', 'authenticator', 'controllerManager', 'scheduler']);
      const group = s.all('aws_cloudwatch_log_group').find((g) => g.name === '/aws/eks/gitlab-workspaces/cluster')!;
      expect(group.retention_in_days).toBe(90);
      expect(cluster.depends_on).toContain(s.addressOf('aws_cloudwatch_log_group', group));
      const key = s.deref(group.kms_key_id);
      expect(key.enable_key_rotation).toBe(true);
      const logsStatement = s.deref(key.policy).statement[1];
      expect(logsStatement.principals).toEqual([{ type: 'Service', identifiers: ['logs.eu-west-1.amazonaws.com'] }]);
      expect(logsStatement.condition[0].values).toEqual([
        expect.stringMatching(/:logs:eu-west-1:\$\{data\.aws_caller_identity\.[\w-]+\.account_id\}:log-group:\/aws\/eks\/gitlab-workspaces\/cluster$/),
        expect.stringMatching(/:log-group:\/aws\/vpc\/gitlab-workspaces\/flow-logs$/),
      ]);
    });
  });

  describe('nodes', () => {
    const groupsByName = () => Object.fromEntries(s.all('aws_eks_node_group').map((g) => [g.node_group_name_prefix, g]));
    const workspaceGroups = () => s.all('aws_eks_node_group').filter((g) => g.labels['gitlab-workspaces/pool'] === 'workspaces');

    it('every node group comes from a launch template with IMDSv2 required, hop limit 1, encrypted gp3 root and no SSH key', () => {
      const groups = s.all('aws_eks_node_group');
      expect(groups).toHaveLength(4);
      for (const g of groups) {
        expect(g.remote_access).toBeUndefined();
        const lt = s.deref(g.launch_template.id);
        expect(g.launch_template.version).toBe(s.ref('aws_launch_template', lt, 'latest_version'));
        expect(lt.metadata_options).toEqual({ http_endpoint: 'enabled', http_tokens: 'required', http_put_response_hop_limit: 1, instance_metadata_tags: 'disabled' });
        expect(lt.key_name).toBeUndefined();
        expect(lt.block_device_mappings).toHaveLength(1);
        const ebs = lt.block_device_mappings[0].ebs;
        expect(ebs).toMatchObject({ volume_type: 'gp3', encrypted: 'true', delete_on_termination: 'true' });
        expect(s.deref(ebs.kms_key_id)).toMatchObject({ enable_key_rotation: true });
        expect(lt.block_device_mappings[0].device_name).toBe('/dev/xvda');
        expect(g.ami_type).toBe('AL2023_x86_64_STANDARD');
        expect(g.node_repair_config).toEqual({ enabled: true });
        expect(g.lifecycle.create_before_destroy).toBe(true);
        // The autoscaler owns the desired size after creation.
        expect(g.lifecycle.ignore_changes).toContain('scaling_config[0].desired_size');
      }
    });

    it('every node group follows the control plane\'s version, at the AMI release AWS recommends for it', () => {
      const cluster = s.only('aws_eks_cluster');
      const [ssmName] = Object.keys(s.data('aws_ssm_parameter'));
      expect(s.data('aws_ssm_parameter')[ssmName].name).toBe('/aws/service/eks/optimized-ami/1.35/amazon-linux-2023/x86_64/standard/recommended/release_version');
      for (const g of s.all('aws_eks_node_group')) {
        expect(g.version).toBe(s.ref('aws_eks_cluster', cluster, 'version'));
        expect(g.release_version).toBe(`\${data.aws_ssm_parameter.${ssmName}.insecure_value}`);
      }
    });

    it('rolls the system nodes on a new version (not on a new AMI: their release is pinned), but never drains workspace nodes for a template change', () => {
      expect(groupsByName()['system-'].lifecycle.ignore_changes).toEqual(['scaling_config[0].desired_size', 'release_version']);
      for (const g of workspaceGroups()) {
        expect(g.lifecycle.ignore_changes).toEqual(['scaling_config[0].desired_size', 'launch_template', 'instance_types', 'ami_type', 'release_version', 'version', 'capacity_type', 'node_role_arn', 'labels', 'node_group_name_prefix']);
      }
    });

    it('has a small tainted system group across all zones', () => {
      const system = groupsByName()['system-'];
      expect(system.scaling_config).toEqual({ min_size: 2, desired_size: 2, max_size: 4 });
      expect(system.instance_types).toEqual(['m6i.large']);
      expect(system.labels).toEqual({ 'gitlab-workspaces/pool': 'system' });
      expect(system.taint).toEqual([{ key: 'CriticalAddonsOnly', value: 'true', effect: 'NO_SCHEDULE' }]);
      expect(system.subnet_ids).toHaveLength(3);
    });

    it('has one workspace group per zone (zonal EBS volumes) of generation 1, untainted, scaling 0..5', () => {
      const groups = workspaceGroups();
      expect(groups).toHaveLength(3);
      expect(new Set(groups.map((g) => g.subnet_ids[0])).size).toBe(3);
      expect(groups.map((g) => g.node_group_name_prefix).sort()).toEqual(['workspaces-g1-eu-west-1a-', 'workspaces-g1-eu-west-1b-', 'workspaces-g1-eu-west-1c-']);
      for (const g of groups) {
        expect(g.subnet_ids).toHaveLength(1);
        expect(g.labels).toEqual({ 'gitlab-workspaces/pool': 'workspaces', 'gitlab-workspaces/generation': '1' });
        expect(g.scaling_config).toEqual({ min_size: 0, desired_size: 0, max_size: 5 });
        expect(g.taint).toBeUndefined();
        expect(g.capacity_type).toBe('ON_DEMAND');
      }
    });

    it('waits for the networking add-ons, the node role and the NAT routes before creating nodes', () => {
      const addonAddr = (name: string) => s.addressOf('aws_eks_addon', s.all('aws_eks_addon').find((a) => a.addon_name === name)!);
      const nats = Object.keys(s.resources('aws_nat_gateway')).map((k) => `aws_nat_gateway.${k}`);
      const privateTables = Object.entries(s.resources('aws_route_table')).filter(([, t]) => t.route[0].nat_gateway_id).map(([k]) => `aws_route_table.${k}`);
      const privateAssociations = Object.keys(s.resources('aws_route_table_association')).filter((k) => k.includes('private')).map((k) => `aws_route_table_association.${k}`);
      expect(nats).toHaveLength(3);
      expect(privateTables).toHaveLength(3);
      expect(privateAssociations).toHaveLength(3);
      for (const g of s.all('aws_eks_node_group')) {
        expect(g.depends_on).toEqual(expect.arrayContaining([addonAddr('vpc-cni'), addonAddr('kube-proxy'), addonAddr('eks-pod-identity-agent')]));
        // Nodes pull images and register through NAT while they boot.
        expect(g.depends_on).toEqual(expect.arrayContaining([...nats, ...privateTables, ...privateAssociations]));
        const role = s.deref(g.node_role_arn);
        const attached = s.all('aws_iam_role_policy_attachment').filter((a) => a.role === s.ref('aws_iam_role', role, 'name')).map((a) => a.policy_arn.split('/').pop());
        expect(attached.sort()).toEqual(['AmazonEC2ContainerRegistryPullOnly', 'AmazonEKSWorkerNodePolicy']);
      }
    });

    it('lets EC2 Auto Scaling use the volume key (managed node groups launch through it)', () => {
      const lt = s.all('aws_launch_template')[0];
      const key = s.deref(lt.block_device_mappings[0].ebs.kms_key_id);
      const policy = s.deref(key.policy);
      const sids = policy.statement.map((st: { sid: string }) => st.sid);
      expect(sids).toEqual(['AccountAdministersKeyAndDelegatesToIam', 'AutoScalingUsesKeyForNodeVolumes', 'AutoScalingGrantsForAttachedVolumes']);
      expect(JSON.stringify(policy.statement[1].condition)).toContain('AWSServiceRoleForAutoScaling');
    });
  });

  describe('autoscaling', () => {
    it('leaves the autoscaler\'s Helm release to the platform stack', () => {
      expect(s.all('helm_release')).toEqual([]);
    });

    it('protects every node a workspace runs on from scale-down, and removes empty ones after scaleDownUnneededTime', () => {
      const tags = s.all('aws_autoscaling_group_tag');
      for (const g of s.all('aws_eks_node_group').filter((x) => x.labels['gitlab-workspaces/pool'] === 'workspaces')) {
        const asg = `\${${s.addressOf('aws_eks_node_group', g)}.resources[0].autoscaling_groups[0].name}`;
        const options = Object.fromEntries(tags.filter((t) => t.autoscaling_group_name === asg && t.tag.key.includes('/autoscaling-options/'))
          .map((t) => [t.tag.key.split('/').pop(), t.tag.value]));
        // utilization >= threshold keeps a node: any workspace with requests keeps its node; an empty one
        // (DaemonSets ignored) is at 0 and goes.
        expect(options).toEqual({ scaledownutilizationthreshold: '0.0001', ignoredaemonsetsutilization: 'true', scaledownunneededtime: '10m' });
        expect(Number(options.scaledownutilizationthreshold)).toBeGreaterThan(0);
      }
      const system = s.all('aws_eks_node_group').find((g) => g.node_group_name_prefix === 'system-')!;
      const systemAsg = `\${${s.addressOf('aws_eks_node_group', system)}.resources[0].autoscaling_groups[0].name}`;
      expect(tags.filter((t) => t.autoscaling_group_name === systemAsg && t.tag.key.includes('/autoscaling-options/'))).toEqual([]);
    });

    it('gives the autoscaler its IAM identity through EKS Pod Identity, limited to this cluster\'s groups', () => {
      const assoc = s.all('aws_eks_pod_identity_association').find((a) => a.service_account === 'cluster-autoscaler')!;
      expect(assoc.namespace).toBe('kube-system');
      const role = s.deref(assoc.role_arn);
      const trust = s.deref(role.assume_role_policy);
      const clusterName = s.ref('aws_eks_cluster', s.only('aws_eks_cluster'), 'name');
      expect(trust.statement[0]).toEqual({
        actions: ['sts:AssumeRole', 'sts:TagSession'],
        principals: [{ type: 'Service', identifiers: ['pods.eks.amazonaws.com'] }],
        condition: [
          { test: 'StringEquals', variable: 'aws:RequestTag/eks-cluster-name', values: [clusterName] },
          { test: 'StringEquals', variable: 'aws:RequestTag/kubernetes-namespace', values: ['kube-system'] },
          { test: 'StringEquals', variable: 'aws:RequestTag/kubernetes-service-account', values: ['cluster-autoscaler'] },
        ],
      });
      const inline = s.all('aws_iam_role_policy').find((p) => p.role === s.ref('aws_iam_role', role, 'id'))!;
      const statements = s.deref(inline.policy).statement;
      expect(statements[0].actions).toEqual(expect.arrayContaining(['autoscaling:DescribeAutoScalingGroups', 'eks:DescribeNodegroup']));
      expect(statements[1].actions).toEqual(['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup']);
      expect(statements[1].condition).toContainEqual({ test: 'StringEquals', variable: `aws:ResourceTag/k8s.io/cluster-autoscaler/${s.ref('aws_eks_cluster', s.only('aws_eks_cluster'), 'name')}`, values: ['owned'] });
    });

    it('tags each node group\'s Auto Scaling group for discovery and with its node template, for scaling up from zero', () => {
      const tags = s.all('aws_autoscaling_group_tag');
      for (const g of s.all('aws_eks_node_group')) {
        const asg = `\${${s.addressOf('aws_eks_node_group', g)}.resources[0].autoscaling_groups[0].name}`;
        const mine = tags.filter((t) => t.autoscaling_group_name === asg).map((t) => t.tag);
        expect(mine).toContainEqual({ key: 'k8s.io/cluster-autoscaler/enabled', value: 'true', propagate_at_launch: false });
        expect(mine).toContainEqual({ key: `k8s.io/cluster-autoscaler/\${${s.addressOf('aws_eks_cluster', s.only('aws_eks_cluster'))}.name}`, value: 'owned', propagate_at_launch: false });
        expect(mine).toContainEqual({ key: 'k8s.io/cluster-autoscaler/node-template/label/gitlab-workspaces/pool', value: g.labels['gitlab-workspaces/pool'], propagate_at_launch: false });
        if (g.taint) expect(mine).toContainEqual({ key: 'k8s.io/cluster-autoscaler/node-template/taint/CriticalAddonsOnly', value: 'true:NoSchedule', propagate_at_launch: false });
      }
    });

    it('tells the autoscaler the EBS zone of each zonal workspace group, so a stopped workspace\'s volume can bring a node back from zero', () => {
      const tags = s.all('aws_autoscaling_group_tag');
      const zonal = s.all('aws_eks_node_group').filter((g) => g.labels['gitlab-workspaces/pool'] === 'workspaces');
      expect(zonal).toHaveLength(3);
      for (const g of zonal) {
        const asg = `\${${s.addressOf('aws_eks_node_group', g)}.resources[0].autoscaling_groups[0].name}`;
        const zoneTag = tags.filter((t) => t.autoscaling_group_name === asg && t.tag.key === 'k8s.io/cluster-autoscaler/node-template/label/topology.ebs.csi.aws.com/zone');
        expect(zoneTag).toHaveLength(1);
        // The zone of the group's one subnet.
        expect(zoneTag[0].tag.value).toBe(s.deref(g.subnet_ids[0]).availability_zone);
      }
      // The system group spans every zone: no zone label.
      const system = s.all('aws_eks_node_group').find((g) => g.node_group_name_prefix === 'system-')!;
      const systemAsg = `\${${s.addressOf('aws_eks_node_group', system)}.resources[0].autoscaling_groups[0].name}`;
      expect(tags.filter((t) => t.autoscaling_group_name === systemAsg && t.tag.key.includes('topology'))).toEqual([]);
    });
  });

  describe('add-ons', () => {
    const addon = (name: string) => s.all('aws_eks_addon').find((a) => a.addon_name === name)!;

    it('installs the five add-ons pinned to the versions tested with Kubernetes 1.35, owning their configuration', () => {
      expect(s.all('aws_eks_addon').map((a) => a.addon_name).sort()).toEqual(['aws-ebs-csi-driver', 'coredns', 'eks-pod-identity-agent', 'kube-proxy', 'vpc-cni']);
      for (const a of s.all('aws_eks_addon')) {
        expect(a).toMatchObject({ resolve_conflicts_on_create: 'OVERWRITE', resolve_conflicts_on_update: 'OVERWRITE' });
        // A literal: a new release does not roll the add-on on an unrelated apply.
        expect(a.addon_version).toMatch(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/);
      }
      expect(addon('kube-proxy').addon_version).toMatch(/^v1\.35\./);
      expect(s.data('aws_eks_addon_version')).toEqual({});
    });

    it('turns NetworkPolicy enforcement and prefix delegation on in the VPC CNI', () => {
      expect(JSON.parse(addon('vpc-cni').configuration_values)).toEqual({
        enableNetworkPolicy: 'true',
        env: { ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: '1' },
      });
    });

    it('installs CoreDNS and the EBS CSI driver after the system nodes, pinned to them', () => {
      const systemGroup = s.addressOf('aws_eks_node_group', s.all('aws_eks_node_group').find((g) => g.node_group_name_prefix === 'system-')!);
      expect(addon('coredns').depends_on).toContain(systemGroup);
      expect(addon('aws-ebs-csi-driver').depends_on).toContain(systemGroup);
      expect(addon('aws-ebs-csi-driver').depends_on).toContain(s.addressOf('aws_eks_addon', addon('coredns')));
      expect(JSON.parse(addon('coredns').configuration_values)).toEqual({ nodeSelector: { 'gitlab-workspaces/pool': 'system' } });
      expect(JSON.parse(addon('aws-ebs-csi-driver').configuration_values).controller.nodeSelector).toEqual({ 'gitlab-workspaces/pool': 'system' });
      for (const early of ['kube-proxy', 'eks-pod-identity-agent']) expect(addon(early).depends_on).toBeUndefined();
    });

    it('gives the EBS CSI controller its IAM identity through Pod Identity, with use of the volume key', () => {
      const assoc = s.all('aws_eks_pod_identity_association').find((a) => a.service_account === 'ebs-csi-controller-sa')!;
      expect(assoc.namespace).toBe('kube-system');
      const role = s.deref(assoc.role_arn);
      expect(s.deref(role.assume_role_policy).statement[0].condition).toContainEqual({ test: 'StringEquals', variable: 'aws:RequestTag/kubernetes-service-account', values: ['ebs-csi-controller-sa'] });
      const attached = s.all('aws_iam_role_policy_attachment').filter((a) => a.role === s.ref('aws_iam_role', role, 'name'));
      expect(attached.map((a) => a.policy_arn)).toEqual([`arn:\${${Object.keys(s.data('aws_partition')).map((k) => `data.aws_partition.${k}`)[0]}.partition}:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy`]);
      const inline = s.all('aws_iam_role_policy').find((p) => p.role === s.ref('aws_iam_role', role, 'id'))!;
      const statements = s.deref(inline.policy).statement;
      const volumeKey = s.deref(s.all('aws_launch_template')[0].block_device_mappings[0].ebs.kms_key_id);
      expect(statements[0].resources).toEqual([s.ref('aws_kms_key', volumeKey, 'arn')]);
      expect(statements[1]).toMatchObject({ actions: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'], condition: [{ test: 'Bool', variable: 'kms:GrantIsForAWSResource', values: ['true'] }] });
      expect(addon('aws-ebs-csi-driver').depends_on).toContain(s.addressOf('aws_eks_pod_identity_association', assoc));
    });
  });

  describe('providers', () => {
    it('configures AWS with the region and default tags, and nothing that talks to the Kubernetes API', () => {
      expect(json).toHaveProviderWithProperties(AwsProvider, { region: 'eu-west-1', default_tags: [{ tags: { project: 'gitlab-workspaces', 'managed-by': 'cdktf' } }] });
      expect(Object.keys(s.doc.provider)).toEqual(['aws']);
      expect(Object.keys(s.doc.resource).filter((t) => !t.startsWith('aws_') && t !== 'terraform_data')).toEqual([]);
    });
  });

  describe('destroy', () => {
    it('stops before the volume key, the cluster or a node group is destroyed while workspace volumes encrypted with the key remain', () => {
      const guard = s.only('terraform_data');
      const key = s.deref(s.all('aws_launch_template')[0].block_device_mappings[0].ebs.kms_key_id);
      expect(guard.input).toEqual({ volume_key_arn: s.ref('aws_kms_key', key, 'arn'), region: 'eu-west-1' });
      // Destroy runs in reverse dependency order: the guard goes (and checks) before all of these.
      expect(guard.depends_on).toEqual(expect.arrayContaining([
        s.addressOf('aws_kms_key', key),
        s.addressOf('aws_eks_cluster', s.only('aws_eks_cluster')),
        ...Object.keys(s.resources('aws_eks_node_group')).map((k) => `aws_eks_node_group.${k}`),
      ]));
      const [exec] = guard.provisioner.map((p: Record<string, unknown>) => p['local-exec']);
      expect(exec).toMatchObject({ when: 'destroy', interpreter: ['/bin/sh', '-c'], environment: { KEY_ARN: '${self.input.volume_key_arn}', REGION: '${self.input.region}' } });
      // Volumes the EBS CSI driver made (not the nodes' root volumes), encrypted with this key: any left fails the destroy.
      expect(exec.command).toContain('Name=tag:ebs.csi.aws.com/cluster,Values=true');
      expect(exec.command).toContain("Volumes[?KmsKeyId=='$KEY_ARN']");
      expect(exec.command).toMatch(/exit 1/);
      // No `${` in the script: Terraform would read it as interpolation.
      expect(exec.command).not.toContain('${');
    });
  });

  describe('outputs', () => {
    it('names what the user does next', () => {
      const cluster = s.addressOf('aws_eks_cluster', s.only('aws_eks_cluster'));
      expect(s.output('kubeconfig_command').value).toBe(`aws eks update-kubeconfig --region eu-west-1 --name \${${cluster}.name}`);
      expect(s.output('cluster_name').value).toBe(`\${${cluster}.name}`);
      expect(s.output('region').value).toBe('eu-west-1');
      expect(s.output('vpc_id').value).toBe(s.ref('aws_vpc', s.only('aws_vpc'), 'id'));
      expect(Object.keys(s.doc.output).sort()).toEqual([
        'cluster_certificate_authority_data', 'cluster_endpoint', 'cluster_name', 'cluster_security_group_id', 'hosted_zone_id', 'hosted_zone_name_servers', 'kubeconfig_command',
        'kubernetes_version', 'node_role_arn', 'private_subnet_ids', 'public_subnet_ids', 'region',
        'secrets_kms_key_arn', 'upgrade_policy', 'volumes_kms_key_arn', 'vpc_id', 'workspace_capacity', 'workspace_node_groups', 'workspace_node_role_arn',
        'workspaces_http_target_group_arn', 'workspaces_ssh_target_group_arn',
      ]);
    });

    it('keeps state next to cdktf.json whatever the checkout path', () => {
      expect(s.doc.terraform.backend).toEqual({ local: { path: '../../../terraform.gitlab-workspaces.tfstate' } });
    });
  });
});

describe('add-on versions', () => {
  it('take a pinned version, or the newest EKS offers at each plan with `latest`', () => {
    const { s } = synthApp(configFromText(`${REQUIRED_CONFIG}addons:\n  vpcCni: {version: latest}\n  coredns: {version: v1.12.4-eksbuild.1}\n`)).cluster;
    const addon = (name: string) => s.all('aws_eks_addon').find((a) => a.addon_name === name)!;
    expect(addon('coredns').addon_version).toBe('v1.12.4-eksbuild.1');
    const lookup = s.deref(addon('vpc-cni').addon_version);
    expect(lookup).toMatchObject({ addon_name: 'vpc-cni', most_recent: true, kubernetes_version: s.ref('aws_eks_cluster', s.only('aws_eks_cluster'), 'version') });
    expect(addon('kube-proxy').addon_version).toMatch(/^v1\.35\./);
  });

  it('follow the Kubernetes version: 1.33 gets 1.33\'s kube-proxy and autoscaler', () => {
    const app = synthApp(configFromText(`${REQUIRED_CONFIG}  kubernetesVersion: "1.33"\n  upgradePolicy: EXTENDED\n`));
    expect(app.cluster.s.all('aws_eks_addon').find((a) => a.addon_name === 'kube-proxy')!.addon_version).toMatch(/^v1\.33\./);
    expect(app.cluster.s.only('aws_eks_cluster').upgrade_policy).toEqual({ support_type: 'EXTENDED' });
    expect(Object.values(app.cluster.s.data('aws_ssm_parameter'))[0].name).toContain('/optimized-ami/1.33/');
    expect(JSON.parse(app.platform.s.only('helm_release').values[0]).image.tag).toMatch(/^v1\.33\./);
  });
});

describe('node pools', () => {
  it('may put the system nodes on Graviton while workspace nodes stay x86_64, each group with its own AMI release', () => {
    const { s } = synthApp(configFromText(`${REQUIRED_CONFIG}nodes:\n  system:\n    amiType: AL2023_ARM_64_STANDARD\n    instanceTypes: [m7g.large]\n`)).cluster;
    const system = s.all('aws_eks_node_group').find((g) => g.node_group_name_prefix === 'system-')!;
    expect(system.ami_type).toBe('AL2023_ARM_64_STANDARD');
    expect(s.deref(system.release_version).name).toContain('/amazon-linux-2023/arm64/');
    for (const g of s.all('aws_eks_node_group').filter((x) => x !== system)) {
      expect(g.ami_type).toBe('AL2023_x86_64_STANDARD');
      expect(s.deref(g.release_version).name).toContain('/amazon-linux-2023/x86_64/');
    }
  });

  it('without perZone, have one workspace group across the zones, without an EBS zone', () => {
    const { s } = synthApp(configFromText(`${REQUIRED_CONFIG}nodes:\n  workspaces:\n    perZone: false\n`)).cluster;
    const ws = s.all('aws_eks_node_group').filter((g) => g.labels['gitlab-workspaces/pool'] === 'workspaces');
    expect(ws.map((g) => [g.node_group_name_prefix, g.subnet_ids.length])).toEqual([['workspaces-g1-', 3]]);
    expect(s.all('aws_autoscaling_group_tag').filter((t) => t.tag.key.includes('topology.ebs.csi.aws.com'))).toEqual([]);
  });
});

describe('network options', () => {
  it('can leave out the S3 gateway endpoint', () => {
    const { s } = synthApp(configFromText(`network:\n${ZONES}  s3GatewayEndpoint: false\n${REQUIRED_CLUSTER_CONFIG}`)).cluster;
    expect(s.all('aws_vpc_endpoint')).toEqual([]);
  });

  it('takes a pinned autoscaler chart and image, in the platform stack', () => {
    const { s } = synthApp(configFromText(`${REQUIRED_CONFIG}autoscaling:\n  clusterAutoscaler:\n    chartVersion: 9.55.1\n    imageTag: v1.35.0\n`)).platform;
    expect(s.only('helm_release').version).toBe('9.55.1');
    expect(JSON.parse(s.only('helm_release').values[0]).image.tag).toBe('v1.35.0');
  });
});
