/** preflight's checks follow from the config, with the pins resolved as the stacks resolve them. */
import { join } from 'path';
import { planChecks, nodeGroupSets, CheckSpec } from '../../lib/preflight';
import { loadConfigFile } from '../../stacks/config/load';
import { TESTED_ADDON_VERSIONS, CLUSTER_AUTOSCALER_RELEASES } from '../../lib/cluster/versions';
import { BASE_CONFIG, BASE_WITHOUT_NETWORK, config, EXISTING_VPC_CONFIG, PRIVATE_SUBNETS, VPC_ID } from './helpers';

const of = <K extends CheckSpec['kind']>(specs: CheckSpec[], kind: K) => specs.filter((s): s is Extract<CheckSpec, { kind: K }> => s.kind === kind);

describe('planChecks', () => {
  it('checks every add-on the cluster stack installs, at the tested pin for the Kubernetes version', () => {
    const addons = of(planChecks(config()), 'addon');
    expect(addons.map((a) => [a.addonName, a.version, a.source])).toEqual(
      ['vpc-cni', 'kube-proxy', 'eks-pod-identity-agent', 'coredns', 'aws-ebs-csi-driver'].map((n) => [n, TESTED_ADDON_VERSIONS['1.35'][n], 'tested']));
    expect(addons.every((a) => a.kubernetesVersion === '1.35')).toBe(true);
  });

  it('takes a pin from the config, and checks only that the add-on exists for latest', () => {
    const addons = of(planChecks(config(`${BASE_CONFIG}addons:\n  coredns: {version: v1.99.0-eksbuild.1}\n  kubeProxy: {version: latest}\n`)), 'addon');
    expect(addons.find((a) => a.addonName === 'coredns')).toMatchObject({ version: 'v1.99.0-eksbuild.1', source: 'config', configKey: 'coredns' });
    expect(addons.find((a) => a.addonName === 'kube-proxy')).toMatchObject({ version: undefined, source: 'latest' });
  });

  it('follows the Kubernetes version into the add-on pins and the AMI parameters', () => {
    const specs = planChecks(config(BASE_CONFIG.replace('"1.35"', '"1.34"')));
    expect(of(specs, 'addon').find((a) => a.addonName === 'kube-proxy')?.version).toBe(TESTED_ADDON_VERSIONS['1.34']['kube-proxy']);
    expect(of(specs, 'ssm-parameter').map((s) => s.name)).toEqual(['/aws/service/eks/optimized-ami/1.34/amazon-linux-2023/x86_64/standard/recommended/release_version']);
  });

  it('reads one AMI release parameter per AMI type in use (Graviton system nodes, Bottlerocket workspaces)', () => {
    const specs = planChecks(config(`${BASE_CONFIG}nodes:\n  system: {amiType: AL2023_ARM_64_STANDARD, instanceTypes: [m7g.large]}\n  workspaces: {amiType: BOTTLEROCKET_x86_64}\n`));
    expect(of(specs, 'ssm-parameter').map((s) => [s.name, s.configPath])).toEqual([
      ['/aws/service/eks/optimized-ami/1.35/amazon-linux-2023/arm64/standard/recommended/release_version', 'nodes.system.amiType'],
      ['/aws/service/bottlerocket/aws-k8s-1.35/x86_64/latest/image_version', 'nodes.workspaces.amiType'],
      // What the Bottlerocket image-age check reads (the recommended image's AMI id).
      ['/aws/service/bottlerocket/aws-k8s-1.35/x86_64/latest/image_id', 'nodes.workspaces.amiType'],
    ]);
  });

  it('checks Canonical\'s Ubuntu image parameter for Sysbox workspace nodes', () => {
    const result = loadConfigFile(join(__dirname, '..', '..', 'examples', 'sysbox', 'workspaces.config.yaml'));
    if (!result.ok) throw new Error('the sysbox example does not load');
    const names = of(planChecks(result.value), 'ssm-parameter').map((s) => s.name);
    expect(names).toContain('/aws/service/canonical/ubuntu/eks/24.04/1.35/stable/current/amd64/hvm/ebs-gp3/ami-id');
    expect(names).toContain('/aws/service/eks/optimized-ami/1.35/amazon-linux-2023/x86_64/standard/recommended/release_version');
  });

  it('checks the dated Ubuntu build the config pins, and the current one its image-age check reads', () => {
    const pinned = config(`${BASE_CONFIG}runtime: sysbox\nruntimes:\n  sysbox:\n    nodeImage: {serial: '20250925', kernel: '6.8'}\n`);
    const specs = of(planChecks(pinned), 'ssm-parameter').filter((s) => s.name.includes('/canonical/'));
    expect(specs.map((s) => [s.name, s.configPath])).toEqual([
      ['/aws/service/canonical/ubuntu/eks/24.04/1.35/stable/20250925/amd64/hvm/ebs-gp3/ami-id', 'runtimes.sysbox.nodeImage.serial'],
      ['/aws/service/canonical/ubuntu/eks/24.04/1.35/stable/current/amd64/hvm/ebs-gp3/ami-id', 'runtime'],
    ]);
  });

  it('takes the zones from the config, or the existing VPC\'s subnets with the zones the config gives them', () => {
    expect(of(planChecks(config()), 'zones')[0].source).toEqual({ kind: 'listed', zones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'] });
    const listed = config(`${BASE_WITHOUT_NETWORK}network:\n  availabilityZoneCount: 2\n  availabilityZones: [eu-west-1b, eu-west-1c]\n`);
    expect(of(planChecks(listed), 'zones')[0].source).toEqual({ kind: 'listed', zones: ['eu-west-1b', 'eu-west-1c'] });
    expect(of(planChecks(config(EXISTING_VPC_CONFIG)), 'zones')[0].source).toEqual({ kind: 'subnets', vpcId: VPC_ID, subnetIds: PRIVATE_SUBNETS, configuredZones: { [PRIVATE_SUBNETS[0]]: 'eu-west-1a', [PRIVATE_SUBNETS[1]]: 'eu-west-1b' } });
  });

  it('counts every node group at its maximum: the system group, and per generation one workspace group per zone', () => {
    const c = config(`${BASE_CONFIG}nodes:\n  workspaces:\n    maxSize: 4\n    generation: 3\n    retiringGenerations: [2]\n`);
    expect(nodeGroupSets(c).map((g) => [g.pool, g.count, g.maxSize, g.capacityType])).toEqual([
      ['system', 1, 4, 'ON_DEMAND'], ['workspaces', 3, 4, 'ON_DEMAND'], ['workspaces', 3, 4, 'ON_DEMAND'],
    ]);
    const quotas = of(planChecks(c), 'vcpu-quota');
    expect(quotas.map((q) => [q.id, q.groups.length])).toEqual([['vcpu-quota/on-demand', 3]]);
    // An existing VPC: one group per private subnet.
    expect(nodeGroupSets(config(EXISTING_VPC_CONFIG)).map((g) => g.count)).toEqual([1, 2]);
    const one = config(`${BASE_CONFIG}nodes:\n  workspaces: {perZone: false, capacityType: SPOT}\n`);
    expect(of(planChecks(one), 'vcpu-quota').map((q) => [q.id, q.groups.map((g) => g.count)])).toEqual([['vcpu-quota/on-demand', [1]], ['vcpu-quota/spot', [1]]]);
  });

  it('checks the hosted zone the way the config names it, and none without the proxy', () => {
    expect(of(planChecks(config()), 'hosted-zone')[0].zone).toEqual({ by: 'name', name: 'workspaces.acme.dev' });
    expect(of(planChecks(config(`${BASE_CONFIG}  hostedZone: {id: ZWS}\n`)), 'hosted-zone')[0].zone).toEqual({ by: 'id', zoneId: 'ZWS' });
    expect(of(planChecks(config(`${BASE_CONFIG}  hostedZone: {create: true}\n`)), 'hosted-zone')[0].zone).toEqual({ by: 'create' });
    expect(of(planChecks(config(`${BASE_CONFIG}  hostedZone: {name: acme.dev}\n`)), 'hosted-zone')[0].zone).toEqual({ by: 'name', name: 'acme.dev' });
    const noGitlab = BASE_CONFIG.slice(0, BASE_CONFIG.indexOf('gitlab:'));
    expect(of(planChecks(config(noGitlab)), 'hosted-zone')).toEqual([]);
  });

  it('checks each admin principal, whether the deployer is one, and the autoscaler pair', () => {
    const specs = planChecks(config());
    expect(of(specs, 'admin-principal').map((s) => s.arn)).toEqual(['arn:aws:iam::111122223333:role/admins']);
    expect(of(specs, 'deployer-access')).toHaveLength(1);
    expect(of(specs, 'autoscaler')[0]).toMatchObject({ ...CLUSTER_AUTOSCALER_RELEASES['1.35'], tested: true });
    const own = of(planChecks(config(`${BASE_CONFIG}autoscaling:\n  clusterAutoscaler: {chartVersion: 9.99.0}\n`)), 'autoscaler')[0];
    expect(own).toMatchObject({ chartVersion: '9.99.0', imageTag: CLUSTER_AUTOSCALER_RELEASES['1.35'].imageTag, tested: false });
  });

  it('gives every check a distinct id', () => {
    const ids = planChecks(config()).map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
