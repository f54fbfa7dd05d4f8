/**
 * Every example config synthesizes, with every reference resolving; a snapshot of each tells when
 * the output changes, and the assertions below say what the non-default examples must produce.
 */
import { Testing } from 'cdktf';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { WorkspacesAwsStack } from '../../stacks/aws-stack';
import { loadConfigFile } from '../../stacks/config/load';
import { Synthesized } from '../helpers/synthesized';
import { unknownAttributes } from '../helpers/provider-attributes';
import { unresolvedReferences } from '../helpers/terraform-references';

const EXAMPLES = join(__dirname, '..', '..', 'examples');
const names = readdirSync(EXAMPLES).filter((d) => existsSync(join(EXAMPLES, d, 'workspaces.config.yaml'))).sort();

function synthExample(name: string): string {
  const result = loadConfigFile(join(EXAMPLES, name, 'workspaces.config.yaml'));
  if (!result.ok) throw new Error(`example ${name} does not load`);
  return Testing.synth(new WorkspacesAwsStack(Testing.app(), result.value.cluster.name, result.value));
}

describe.each(names)('example %s', (name) => {
  let json: string;
  beforeAll(() => {
    json = synthExample(name);
  });

  it('resolves every reference, to attributes the types have', () => {
    expect(unresolvedReferences(json)).toEqual([]);
    expect(unknownAttributes(json)).toEqual([]);
  });

  it('matches its snapshot', () => {
    expect(JSON.parse(json)).toMatchSnapshot();
  });
});

describe('example private-endpoint', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = new Synthesized(synthExample('private-endpoint'));
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
    // Kubernetes resources wait until the admins can reach the API.
    const entries = Object.keys(s.resources('aws_eks_access_policy_association')).map((k) => `aws_eks_access_policy_association.${k}`);
    expect(s.only('kubernetes_storage_class_v1').depends_on).toEqual(expect.arrayContaining(entries));
    expect(s.only('helm_release').depends_on).toEqual(expect.arrayContaining(entries));
  });

  it('lets the deploy network reach the private endpoint on 443 through the cluster security group, before Kubernetes resources are made', () => {
    const rule = s.only('aws_vpc_security_group_ingress_rule');
    expect(rule).toMatchObject({ ip_protocol: 'tcp', from_port: 443, to_port: 443, cidr_ipv4: '172.16.0.0/16' });
    expect(rule.security_group_id).toBe(`\${${s.addressOf('aws_eks_cluster', s.only('aws_eks_cluster'))}.vpc_config[0].cluster_security_group_id}`);
    const address = s.addressOf('aws_vpc_security_group_ingress_rule', rule);
    expect(s.only('kubernetes_storage_class_v1').depends_on).toContain(address);
    expect(s.only('helm_release').depends_on).toContain(address);
  });

  it('spans the two listed zones with one NAT gateway', () => {
    expect(s.data('aws_availability_zones')).toEqual({});
    const subnets = s.all('aws_subnet').map((x) => [x.availability_zone, x.cidr_block, x.tags['kubernetes.io/role/elb'] ? 'public' : 'private']);
    expect(subnets.sort()).toEqual([
      ['us-east-2a', '10.20.0.0/18', 'private'], ['us-east-2a', '10.20.128.0/24', 'public'],
      ['us-east-2b', '10.20.129.0/24', 'public'], ['us-east-2b', '10.20.64.0/18', 'private'],
    ]);
    expect(s.all('aws_nat_gateway')).toHaveLength(1);
    const nat = s.ref('aws_nat_gateway', s.only('aws_nat_gateway'), 'id');
    expect(s.all('aws_route_table').filter((t) => t.route[0].nat_gateway_id === nat)).toHaveLength(2);
  });

  it('runs 1.33 with the matching autoscaler, spot workspace capacity, and the configured storage class', () => {
    expect(s.only('aws_eks_cluster').version).toBe('1.33');
    expect(JSON.parse(s.only('helm_release').values[0]).image.tag).toBe('v1.33.0');
    const ws = s.all('aws_eks_node_group').filter((g) => g.labels['gitlab-workspaces/pool'] === 'workspaces');
    expect(ws).toHaveLength(2);
    for (const g of ws) expect(g).toMatchObject({ capacity_type: 'SPOT', instance_types: ['m7i.2xlarge', 'm6i.2xlarge'], scaling_config: { min_size: 1, desired_size: 1, max_size: 8 } });
    const sc = s.only('kubernetes_storage_class_v1');
    expect(sc.metadata.name).toBe('workspaces-gp3');
    expect(sc.reclaim_policy).toBe('Retain');
    expect(sc.parameters).toMatchObject({ type: 'gp3', encrypted: 'true', iops: '6000', throughput: '250' });
    expect(s.all('aws_cloudwatch_log_group').find((g) => g.name === '/aws/eks/workspaces-internal/cluster')!.retention_in_days).toBe(365);
  });
});

describe('example extend-stack (an app that adds to the ready stack)', () => {
  it('adds its own Kubernetes resources through the stack\'s provider, with every reference resolving', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { buildExtendedApp } = require('../../examples/extend-stack/main') as typeof import('../../examples/extend-stack/main');
    const outdir = mkdtempSync(join(tmpdir(), 'extend-stack-'));
    const { stack } = buildExtendedApp(outdir);
    const json = Testing.synth(stack);
    rmSync(outdir, { recursive: true, force: true });
    const s = new Synthesized(json);
    expect(s.only('kubernetes_namespace_v1')).toMatchObject({ provider: 'kubernetes', metadata: { name: 'gitlab-workspaces' } });
    expect(unresolvedReferences(json)).toEqual([]);
  });
});
