/**
 * Every example config synthesizes both stacks with every reference resolving; a snapshot of each stack
 * tells when the output changes, and the assertions below say what the non-default examples must produce.
 */
import { Testing } from 'cdktf';
import { existsSync, readdirSync } from 'fs';
import { join } from 'path';
import { Synthesized } from '../helpers/synthesized';
import { unknownAttributes } from '../helpers/provider-attributes';
import { unresolvedReferences } from '../helpers/terraform-references';
import { EXAMPLES, loadExample, SynthesizedApp, synthApp, withoutMetadata } from './helpers';

const names = readdirSync(EXAMPLES).filter((d) => existsSync(join(EXAMPLES, d, 'workspaces.config.yaml'))).sort();

describe.each(names)('example %s', (name) => {
  let app: SynthesizedApp;
  beforeAll(() => {
    app = synthApp(loadExample(name));
  });

  it.each(['cluster', 'platform'] as const)('%s stack: resolves every reference, to attributes the types have', (which) => {
    expect(unresolvedReferences(app[which].json)).toEqual([]);
    expect(unknownAttributes(app[which].json)).toEqual([]);
  });

  it.each(['cluster', 'platform'] as const)('%s stack: matches its snapshot', (which) => {
    expect(withoutMetadata(app[which].json)).toMatchSnapshot();
  });
});

describe('example private-endpoint', () => {
  let app: SynthesizedApp;
  let s: Synthesized;
  beforeAll(() => {
    app = synthApp(loadExample('private-endpoint'));
    s = app.cluster.s;
  });

  it('keeps the API private and grants admins through access entries', () => {
    const cluster = s.only('aws_eks_cluster');
    expect(cluster.vpc_config).toMatchObject({ endpoint_private_access: true, endpoint_public_access: false });
    expect(cluster.vpc_config.public_access_cidrs).toBeUndefined();
    expect(cluster.access_config).toEqual({ authentication_mode: 'API', bootstrap_cluster_creator_admin_permissions: false });
    expect(s.all('aws_eks_access_entry').map((e) => e.principal_arn).sort()).toEqual([
      'arn:aws:iam::123456789012:role/ci-deployer',
      'arn:aws:iam::123456789012:role/platform-admins',
    ]);
    for (const assoc of s.all('aws_eks_access_policy_association')) {
      expect(assoc.policy_arn).toMatch(/^arn:\$\{data\.aws_partition\.[\w-]+\.partition\}:eks::aws:cluster-access-policy\/AmazonEKSClusterAdminPolicy$/);
      expect(assoc.access_scope).toEqual({ type: 'cluster' });
      expect(s.deref(assoc.principal_arn)).toBeDefined();
    }
  });

  it('lets the VPN and the CI runner subnet reach the private endpoint on 443 through the cluster security group', () => {
    const rules = s.all('aws_vpc_security_group_ingress_rule');
    expect(rules.map((r) => r.cidr_ipv4).sort()).toEqual(['10.20.200.0/24', '172.16.0.0/16']);
    for (const rule of rules) {
      expect(rule).toMatchObject({ ip_protocol: 'tcp', from_port: 443, to_port: 443 });
      expect(rule.security_group_id).toBe(`\${${s.addressOf('aws_eks_cluster', s.only('aws_eks_cluster'))}.vpc_config[0].cluster_security_group_id}`);
    }
  });

  it('keeps both stacks\' state in S3, since the platform stack is applied from another machine than the cluster stack', () => {
    expect(s.doc.terraform.backend.s3).toMatchObject({ bucket: 'acme-internal-terraform-state', key: 'gitlab-workspaces/internal/workspaces-internal.tfstate', region: 'us-east-2', kms_key_id: 'alias/terraform-state' });
    expect(app.platform.s.doc.terraform.backend.s3).toMatchObject({ key: 'gitlab-workspaces/internal/workspaces-internal-platform.tfstate' });
  });

  it('can deploy the cluster stack from outside the VPC: it has nothing that needs the Kubernetes API', () => {
    expect(Object.keys(s.doc.provider)).toEqual(['aws']);
    expect(app.platform.s.all('helm_release')).toHaveLength(1);
  });

  it('goes into the existing VPC that has the way in, changing nothing in it, with a workspace group per listed zone', () => {
    for (const type of ['aws_vpc', 'aws_subnet', 'aws_nat_gateway', 'aws_route_table', 'aws_vpc_endpoint', 'aws_flow_log']) expect(s.all(type)).toEqual([]);
    expect(s.only('aws_eks_cluster').vpc_config.subnet_ids).toEqual(['subnet-0aa1111111111111a', 'subnet-0bb2222222222222b']);
    const ws = s.all('aws_eks_node_group').filter((g) => g.labels['gitlab-workspaces/pool'] === 'workspaces');
    expect(ws.map((g) => g.node_group_name_prefix).sort()).toEqual(['workspaces-g1-us-east-2a-', 'workspaces-g1-us-east-2b-']);
  });

  it('runs 1.35 with the matching autoscaler, on-demand workspace capacity of one size, and per-GiB IOPS that small volumes survive', () => {
    expect(s.only('aws_eks_cluster').version).toBe('1.35');
    expect(JSON.parse(app.platform.s.only('helm_release').values[0]).image.tag).toBe('v1.35.2');
    const ws = s.all('aws_eks_node_group').filter((g) => g.labels['gitlab-workspaces/pool'] === 'workspaces');
    expect(ws).toHaveLength(2);
    for (const g of ws) expect(g).toMatchObject({ capacity_type: 'ON_DEMAND', instance_types: ['m7i.2xlarge', 'm6i.2xlarge'], scaling_config: { min_size: 1, desired_size: 1, max_size: 8 } });
    const sc = app.platform.s.only('kubernetes_storage_class_v1');
    expect(sc.metadata.name).toBe('workspaces-gp3');
    expect(sc.reclaim_policy).toBe('Retain');
    expect(sc.parameters).toMatchObject({ type: 'gp3', encrypted: 'true', iopsPerGB: '120', allowAutoIOPSPerGBIncrease: 'true', throughput: '250' });
    expect(sc.parameters.iops).toBeUndefined();
    expect(s.all('aws_cloudwatch_log_group').find((g) => g.name === '/aws/eks/workspaces-internal/cluster')!.retention_in_days).toBe(365);
  });
});

describe('example existing-vpc', () => {
  let app: SynthesizedApp;
  let s: Synthesized;
  beforeAll(() => {
    app = synthApp(loadExample('existing-vpc'));
    s = app.cluster.s;
  });

  it('creates no network and changes nothing in the VPC (no flow logs either), only reads the given subnets', () => {
    for (const type of ['aws_vpc', 'aws_subnet', 'aws_nat_gateway', 'aws_internet_gateway', 'aws_route_table', 'aws_vpc_endpoint', 'aws_default_security_group']) {
      expect(s.all(type)).toEqual([]);
    }
    const subnets = Object.values(s.data('aws_subnet'));
    expect(subnets.map((x) => x.id)).toEqual(['subnet-0aa1111111111111a', 'subnet-0bb2222222222222b', 'subnet-0cc3333333333333c']);
    for (const x of subnets) expect(x.vpc_id).toBe('vpc-0a1b2c3d4e5f60718');
    expect(s.only('aws_eks_cluster').vpc_config.subnet_ids).toEqual(['subnet-0aa1111111111111a', 'subnet-0bb2222222222222b', 'subnet-0cc3333333333333c']);
    expect(s.all('aws_flow_log')).toEqual([]);
    expect(s.output('public_subnet_ids').value).toEqual(['subnet-0dd4444444444444d', 'subnet-0ee5555555555555e', 'subnet-0ff6666666666666f']);
  });

  it('keeps per-zone workspace groups named by zone, each told its zone for EBS', () => {
    const current = s.all('aws_eks_node_group').filter((g) => g.labels['gitlab-workspaces/generation'] === '1');
    expect(current.map((g) => g.node_group_name_prefix).sort()).toEqual(['workspaces-g1-eu-central-1a-', 'workspaces-g1-eu-central-1b-', 'workspaces-g1-eu-central-1c-']);
    const zoneTags = s.all('aws_autoscaling_group_tag').filter((t) => t.tag.key.endsWith('/topology.ebs.csi.aws.com/zone')).map((t) => t.tag.value);
    expect(zoneTags.sort()).toEqual(['eu-central-1a', 'eu-central-1b', 'eu-central-1c']);
  });

  it('starts a new cluster at generation 1 with nothing retiring (the retiring path is in network-zones.test.ts)', () => {
    const groups = s.all('aws_eks_node_group').filter((g) => g.labels['gitlab-workspaces/pool'] === 'workspaces');
    expect(groups).toHaveLength(3);
    for (const g of groups) {
      expect(g.labels['gitlab-workspaces/generation']).toBe('1');
      expect(g.taint).toBeUndefined();
    }
  });

  it('keeps both stacks\' state in S3 and deletes workspace volumes on destroy', () => {
    expect(s.doc.terraform.backend.s3).toMatchObject({ bucket: 'acme-platform-terraform-state', key: 'gitlab-workspaces/eu/platform-eu.tfstate', region: 'eu-central-1', use_lockfile: true });
    expect(app.platform.s.doc.terraform.backend.s3).toMatchObject({ key: 'gitlab-workspaces/eu/platform-eu-platform.tfstate' });
    expect(app.platform.s.onlyWhere('terraform_data', (d) => d.provisioner !== undefined).provisioner[0]['local-exec'].command).toContain('delete persistentvolumeclaims');
  });

  it('grants the roles with their paths', () => {
    expect(s.all('aws_eks_access_entry').map((e) => e.principal_arn).sort()).toEqual([
      'arn:aws:iam::210987654321:role/aws-reserved/sso.amazonaws.com/eu-central-1/AWSReservedSSO_PlatformAdmin_0123456789abcdef',
      'arn:aws:iam::210987654321:role/platform/ci-deployer',
    ]);
  });
});

describe('example extend-stack (an app that adds to the ready stacks)', () => {
  it('adds its own Kubernetes resources to the platform stack through its provider, with every reference resolving', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { buildExtendedApp } = require('../../examples/extend-stack/main') as typeof import('../../examples/extend-stack/main');
    const { platform } = synthApp(loadExample('default'), (outdir) => buildExtendedApp(outdir));
    expect(platform.s.onlyWhere('kubernetes_namespace_v1', (n) => n.metadata.name === 'platform-tools')).toMatchObject({ provider: 'kubernetes' });
    expect(unresolvedReferences(platform.json)).toEqual([]);
  });
});

describe('example single-stack (the constructs in one stack, for those who want it)', () => {
  it('synthesizes the cluster and its Kubernetes side together, the latter waiting for access, nodes and the autoscaler identity', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { buildSingleStackApp } = require('../../examples/single-stack/main') as typeof import('../../examples/single-stack/main');
    const { stack } = buildSingleStackApp(join(__dirname, 'unused-outdir'));
    const json = Testing.synth(stack);
    expect(unresolvedReferences(json)).toEqual([]);
    expect(unknownAttributes(json)).toEqual([]);
    const s = new Synthesized(json);
    expect(s.all('aws_eks_cluster')).toHaveLength(1);
    const release = s.only('helm_release');
    expect(release.depends_on).toEqual(expect.arrayContaining([
      s.addressOf('aws_eks_pod_identity_association', s.all('aws_eks_pod_identity_association').find((a) => a.service_account === 'cluster-autoscaler')!),
      s.addressOf('aws_eks_access_policy_association', s.only('aws_eks_access_policy_association')),
    ]));
    expect(s.only('kubernetes_storage_class_v1').depends_on).toContain(s.addressOf('aws_eks_access_entry', s.only('aws_eks_access_entry')));
    expect(s.doc.provider.kubernetes[0].host).toBe(`\${${s.addressOf('aws_eks_cluster', s.only('aws_eks_cluster'))}.endpoint}`);
  });
});

describe('example self-managed-gitlab (network and state)', () => {
  let app: SynthesizedApp;
  beforeAll(() => {
    app = synthApp(loadExample('self-managed-gitlab'));
  });

  it('goes into the existing VPC that routes to GitLab, creating and changing nothing in it', () => {
    const s = app.cluster.s;
    for (const type of ['aws_vpc', 'aws_subnet', 'aws_nat_gateway', 'aws_route_table', 'aws_vpc_endpoint', 'aws_flow_log']) expect(s.all(type)).toEqual([]);
    expect(Object.values(s.data('aws_subnet')).map((x) => [x.id, x.vpc_id])).toEqual([
      ['subnet-0a1a1a1a1a1a1a1a1', 'vpc-0c0ffee0c0ffee012'], ['subnet-0b2b2b2b2b2b2b2b2', 'vpc-0c0ffee0c0ffee012'], ['subnet-0c3c3c3c3c3c3c3c3', 'vpc-0c0ffee0c0ffee012'],
    ]);
  });

  it('keeps both stacks\' state in S3 under a customer-managed key (the GitLab secrets are in the platform stack\'s state)', () => {
    expect(app.cluster.s.doc.terraform.backend.s3).toMatchObject({ bucket: 'acme-terraform-state', key: 'gitlab-workspaces/acme/workspaces-acme.tfstate', kms_key_id: 'alias/terraform-state' });
    expect(app.platform.s.doc.terraform.backend.s3).toMatchObject({ key: 'gitlab-workspaces/acme/workspaces-acme-platform.tfstate', kms_key_id: 'alias/terraform-state' });
  });
});
