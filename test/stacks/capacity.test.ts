/**
 * Capacity as the stack sees it: figures from loaded configs (the agent's settings rendered through the
 * workspace renderer), the workspaces_quota rule and the subnet warning, prefix delegation with matching max
 * pods in the synthesized node templates, and the `workspace_capacity` output.
 */
import { base64encodeArgument } from '../helpers/hcl';
import { Synthesized } from '../helpers/synthesized';
import { stackCapacity, stackCapacityInput, stackCost } from '../../stacks/config/capacity';
import { loadConfigText } from '../../stacks/config/load';
import { configFromText, GITLAB_CONFIG, loadExample, REQUIRED_CLUSTER_CONFIG, REQUIRED_CONFIG, synthApp, TEST_DAY, ZONES } from './helpers';

function report(config: Parameters<typeof stackCapacity>[0]) {
  const r = stackCapacity(config);
  if (!r.ok) throw new Error(r.message);
  return r.report;
}

/** The decoded user data of the current generation's workspace launch templates. */
function workspaceUserData(s: Synthesized): string[] {
  return s.all('aws_eks_node_group')
    .filter((g) => g.labels['gitlab-workspaces/pool'] === 'workspaces')
    .map((g) => s.deref(g.launch_template.id).user_data)
    .map((u: string) => (u.startsWith('${base64encode(') ? base64encodeArgument(u) : Buffer.from(u, 'base64').toString()));
}

describe('stack capacity', () => {
  it('renders GitLab\'s default devfile with the stack\'s default resources: 500m and 1Gi, one 50 GiB volume', () => {
    const prepared = stackCapacityInput(loadExample('default'));
    if (!prepared.ok) throw new Error(prepared.message);
    // The tools injector init container (100m / 256Mi) is below the main container: the scheduler counts 500m / 1Gi.
    expect(prepared.input.workspace).toMatchObject({ cpuMilli: 500, memoryMiB: 1024, volumes: 1, volumeGiB: 50 });
    expect(prepared.input).toMatchObject({ zones: 3, perZone: true, maxSize: 5, extraEbsVolumes: 0, subnetAddresses: [8192, 8192, 8192], systemNodesPerZone: 2, workspacesQuota: -1 });
  });

  it('holds 225 workspaces with the default config (15 m6i.2xlarge nodes, CPU fills each at 15)', () => {
    const r = report(loadExample('default'));
    expect(r.maxWorkspaces).toBe(225);
    expect(r.bindingLimit).toBe('cpu');
  });

  it('holds 2,000 with the production example: 66 m7i.4xlarge nodes of 31 (EBS and CPU), capped by its quota', () => {
    // m7i.4xlarge: dedicated EBS limit 32 - 1 root = 31; cpu (16000 - 110 - 190) / 500 = 31; 22 x 3 nodes = 66; 66 x 31 = 2,046.
    const config = loadExample('production');
    const r = report(config);
    expect(r.maxWorkspaces).toBe(2000);
    expect(r.bindingLimit).toBe('workspaces-quota');
    expect(r.nodes.max).toBe(66);
    expect(r.node).toMatchObject({ instanceType: 'm7i.4xlarge', workspaces: 31, ebsVolumes: 31, ebsLimitType: 'dedicated' });
    expect(r.limits.find((l) => l.name === 'node-group-maxima')?.workspaces).toBe(2046);
    // Its /20 private subnets (privateSubnetCidrs): 256 /28 blocks, less 3 (AWS's first and last, the control
    // plane's interfaces) and 8 for the system nodes' share (6 at most, 2 per zone, 4 blocks each) = 245; a
    // m7i.4xlarge takes 5 blocks, so 49 nodes per zone, 147 in all, x 31 = 4,557: not the binding limit.
    expect(r.limits.find((l) => l.name === 'subnet-ips')?.workspaces).toBe(4557);
    // Without the blocks, the limit is unknown (said so), never guessed.
    const { privateSubnetCidrs: _omit, ...vpc } = config.network.existingVpc!; // eslint-disable-line @typescript-eslint/no-unused-vars
    const unknown = report({ ...config, network: { ...config.network, existingVpc: vpc } });
    expect(unknown.limits.find((l) => l.name === 'subnet-ips')).toMatchObject({ workspaces: null, note: expect.stringMatching(/^unknown: an existing VPC/) });
    // Without its quota, the EBS attachments bind (tied with CPU at 31: the volume limit is listed first).
    const unlimited = configFromText(`${REQUIRED_CONFIG}nodes:\n  workspaces:\n    instanceTypes: [m7i.4xlarge]\n    maxSize: 22\n`);
    expect(report(unlimited)).toMatchObject({ maxWorkspaces: 2046, bindingLimit: 'ebs-attachments' });
  });

  it('counts Bottlerocket\'s data volume and Kata\'s pod overhead', () => {
    const bottlerocket = configFromText(`${REQUIRED_CONFIG}nodes:\n  workspaces:\n    amiType: BOTTLEROCKET_x86_64\n    instanceTypes: [m6i.4xlarge]\n`);
    const prepared = stackCapacityInput(bottlerocket);
    expect(prepared.ok && prepared.input.extraEbsVolumes).toBe(1);
    expect(report(bottlerocket).node.ebsVolumes).toBe(25); // 27 - root - data volume
    const kata = stackCapacityInput(loadExample('kata'));
    // kata-deploy 4.1.0's QEMU shim overhead, from the runtime's RuntimeClass.
    expect(kata.ok && kata.input.podOverhead).toEqual({ cpuMilli: 250, memoryMiB: 320 });
    expect(kata.ok && kata.input.daemonSets.map((d) => d.name)).toContain('runtime-installer');
  });

  it('refuses a workspaces_quota above what the stack holds, naming the binding limit', () => {
    const result = loadConfigText(`${REQUIRED_CONFIG}${GITLAB_CONFIG}  remote_development:\n    workspaces_quota: 226\n`, 'q.yaml', { today: TEST_DAY });
    expect(result.ok).toBe(false);
    expect(result.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.rule, d.path, d.message])).toEqual([[
      'config/workspaces-quota', 'gitlab.remote_development.workspaces_quota', expect.stringMatching(/^workspaces_quota 226 is more than the stack can hold: 225 concurrent default-sized workspaces \(15 per m6i\.2xlarge node x 15 nodes\), bound by cpu /),
    ]]);
    expect(loadConfigText(`${REQUIRED_CONFIG}${GITLAB_CONFIG}  remote_development:\n    workspaces_quota: 225\n`, 'q.yaml', { today: TEST_DAY }).ok).toBe(true);
  });

  it('warns when the subnets run out of addresses before the node groups reach their maxima', () => {
    const result = loadConfigText(`${REQUIRED_CLUSTER_CONFIG}network:\n${ZONES}  vpcCidr: 10.0.0.0/20\nnodes:\n  workspaces:\n    maxSize: 10\n`, 'w.yaml', { today: TEST_DAY });
    expect(result.ok).toBe(true);
    expect(result.diagnostics.filter((d) => d.rule === 'config/workspace-capacity').map((d) => [d.severity, d.path])).toEqual([['warning', 'nodes.workspaces.maxSize']]);
  });

  it('leaves a config whose instance types the tables do not know to the capacity command', () => {
    const config = configFromText(`${REQUIRED_CONFIG}${GITLAB_CONFIG}  remote_development:\n    workspaces_quota: 100000\nnodes:\n  workspaces:\n    instanceTypes: [x2iezn.2xlarge]\n`);
    expect(stackCapacity(config)).toEqual({ ok: false, message: expect.stringContaining('no capacity figures for instance type x2iezn.2xlarge') });
  });

  it('prices the default config\'s idle month and a workspace-hour (eu-west-1)', () => {
    const cost = stackCost(loadExample('default'));
    if (!cost.ok) throw new Error(cost.message);
    const item = (name: string) => cost.report.idle.find((l) => l.item === name)?.monthly;
    expect(item('EKS control plane')).toBe(73); // $0.10 x 730
    expect(item('NAT gateways')).toBe(116.07); // 3 x ($0.048 + $0.005) x 730
    expect(item('System nodes')).toBe(165.02); // 2 x ($0.107 x 730 + 50 x $0.088)
    expect(item('KMS keys')).toBe(3);
    expect(cost.report.savings[0]).toEqual({ option: expect.stringMatching(/^network\.natGateways: single/), monthly: 77.38 }); // 2 x 0.053 x 730
    // Flow logs 3 GB x $0.57 + 3 GB kept 30 days x $0.03 = $1.80; to S3 at eu-west-1's vended rate, 3 x $0.285 = $0.855
    // (the table used us-east-1's $0.25 everywhere: 1.80 - 0.75 = 1.05); saving 1.80 - 0.855 = 0.945, rounded 0.95.
    expect(cost.report.savings[1]).toEqual({ option: expect.stringMatching(/^VPC flow logs to S3/), monthly: 0.95 });
    // 1/15 of ($0.428 + 100 x 0.088 / 730) + 50 x 0.088 / 730 = 0.02933 + 0.00603.
    expect(cost.report.perWorkspaceHour).toBeCloseTo(0.0354, 4);
  });
});

describe('the synthesized cluster stack', () => {
  it('turns on prefix delegation and writes max pods 110 into the AL2023 workspace node config', () => {
    const { s } = synthApp(loadExample('default')).cluster;
    const cni = s.all('aws_eks_addon').find((a) => a.addon_name === 'vpc-cni')!;
    expect(JSON.parse(cni.configuration_values).env).toEqual({ ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: '1' });
    const data = workspaceUserData(s);
    expect(data).toHaveLength(3);
    for (const d of data) expect(d).toContain('kind: NodeConfig\nspec:\n  kubelet:\n    config:\n      seccompDefault: true\n      maxPods: 110\n');
    expect(s.output('workspace_capacity').value).toEqual({
      max_workspaces: 225, binding_limit: 'cpu', workspaces_per_node: 15, instance_type: 'm6i.2xlarge', max_nodes: 15, max_pods_per_node: 110,
    });
  });

  it('writes max pods into Bottlerocket settings and the Ubuntu bootstrap', () => {
    const bottlerocket = synthApp(configFromText(`${REQUIRED_CONFIG}nodes:\n  workspaces:\n    amiType: BOTTLEROCKET_x86_64\n    instanceTypes: [m7i.8xlarge]\n`)).cluster.s;
    for (const d of workspaceUserData(bottlerocket)) expect(d).toContain('[settings.kubernetes]\nseccomp-default = true\nmax-pods = 250\n');
    const sysbox = synthApp(loadExample('sysbox')).cluster.s;
    for (const d of workspaceUserData(sysbox)) {
      expect(d).toContain('  --use-max-pods false \\\n');
      expect(d).toMatch(/--kubelet-extra-args '[^']*--max-pods=110'/);
    }
  });

  it('outputs the production example\'s 2,000', () => {
    const { s } = synthApp(loadExample('production')).cluster;
    expect(s.output('workspace_capacity').value).toMatchObject({ max_workspaces: 2000, binding_limit: 'workspaces-quota', workspaces_per_node: 31, max_nodes: 66 });
  });
});
