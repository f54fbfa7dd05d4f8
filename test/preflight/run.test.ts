/** preflight's check logic over a fake account (lib/preflight/run.ts): each check's ok and failure paths. */
import { CheckResult, PreflightAws, planChecks, runChecks, standardFamily } from '../../lib/preflight';
import type { HostLookup } from '../../lib/preflight/run';
import { WorkspacesConfig } from '../../stacks/config/types';
import { ACCOUNT, ADMIN_ROLE, awsError, BASE_CONFIG, BASE_WITHOUT_NETWORK, config, EXISTING_VPC_CONFIG, fakeAws, NAME_SERVERS, PRIVATE_SUBNETS } from './helpers';

/** No DNS from tests: every name resolves to a public documentation address unless a test says otherwise. */
const PUBLIC_LOOKUP = async () => ['192.0.2.10'];

async function run(c: WorkspacesConfig = config(), overrides: Partial<PreflightAws> = {}, lookup: HostLookup | undefined = PUBLIC_LOOKUP): Promise<CheckResult[]> {
  const out = await runChecks(c.aws.region, planChecks(c), fakeAws(overrides), lookup);
  if (!out.ok) throw new Error(out.message);
  return [...out.report.checks];
}
async function check(id: string, c: WorkspacesConfig = config(), overrides: Partial<PreflightAws> = {}): Promise<CheckResult> {
  const found = (await run(c, overrides)).find((r) => r.id === id);
  if (!found) throw new Error(`no check ${id}`);
  return found;
}

describe('a config that fits the account', () => {
  it('passes every check but the autoscaler, which AWS cannot check (skipped, saying how to)', async () => {
    const results = await run();
    expect(results.filter((r) => r.status !== 'ok').map((r) => [r.id, r.status])).toEqual([['autoscaler', 'skipped']]);
    expect(results.every((r) => r.status === 'ok' ? r.fix === undefined : r.fix !== undefined)).toBe(true);
    expect(results[0]).toEqual({ id: 'credentials', kind: 'credentials', status: 'ok', message: `account ${ACCOUNT}, as arn:aws:sts::${ACCOUNT}:assumed-role/admins/alice` });
  });
});

describe('credentials', () => {
  it('stops before any check without credentials, saying how to give them', async () => {
    const c = config();
    const out = await runChecks('eu-west-1', planChecks(c), fakeAws({ callerIdentity: async () => { throw awsError('CredentialsProviderError', 'Could not load credentials from any providers'); } }));
    expect(out).toEqual({ ok: false, message: expect.stringMatching(/^no usable AWS credentials \(Could not load credentials from any providers\): .*AWS_PROFILE/) });
  });

  it('stops when STS cannot be reached', async () => {
    const out = await runChecks('eu-west-1', planChecks(config()), fakeAws({ callerIdentity: async () => { throw awsError('TimeoutError', 'connect ETIMEDOUT'); } }));
    expect(out).toEqual({ ok: false, message: expect.stringContaining('cannot ask AWS who the caller is (sts:GetCallerIdentity in eu-west-1: connect ETIMEDOUT)') });
  });
});

describe('access denied', () => {
  it('is a warning naming the permission, and the other checks still run', async () => {
    const results = await run(config(), { addonVersions: async () => { throw awsError('AccessDeniedException', 'User is not authorized to perform: eks:DescribeAddonVersions'); } });
    const addon = results.find((r) => r.id === 'addon/coredns')!;
    expect(addon).toMatchObject({ status: 'warn', message: 'not checked: access denied (AccessDeniedException)' });
    expect(addon.fix).toContain('eks:DescribeAddonVersions');
    expect(results.find((r) => r.id === 'region')?.status).toBe('ok');
    expect(results.some((r) => r.status === 'fail')).toBe(false);
  });

  it('covers EC2\'s UnauthorizedOperation', async () => {
    const r = await check('region', config(), { regions: async () => { throw awsError('UnauthorizedOperation'); } });
    expect(r).toMatchObject({ status: 'warn', fix: expect.stringContaining('ec2:DescribeRegions') });
  });

  it('another error is a warning that says it was not checked', async () => {
    const r = await check('ssm/aws/service/eks/optimized-ami/1.35/amazon-linux-2023/x86_64/standard/recommended/release_version', config(), { ssmParameter: async () => { throw awsError('ThrottlingException', 'Rate exceeded'); } });
    expect(r).toMatchObject({ status: 'warn', message: 'not checked: ThrottlingException: Rate exceeded' });
  });
});

describe('region', () => {
  it('fails for an opt-in region the account has not enabled', async () => {
    const r = await check('region', config(BASE_CONFIG.replace(/eu-west-1/g, 'af-south-1')));
    expect(r).toMatchObject({ status: 'fail', message: `af-south-1 is an opt-in region not enabled for account ${ACCOUNT}`, fix: expect.stringContaining('aws account enable-region --region-name af-south-1') });
  });

  it('fails when EC2 answers OptInRequired (a region the account has not enabled)', async () => {
    expect(await check('region', config(), { regions: async () => { throw awsError('OptInRequired', 'You are not subscribed to this service.'); } }))
      .toMatchObject({ status: 'fail', fix: expect.stringContaining('aws account enable-region') });
  });

  it('fails for a region the partition does not have', async () => {
    expect((await check('region', config(), { regions: async () => [] })).status).toBe('fail');
  });
});

describe('add-on versions', () => {
  it('fails for a pin EKS does not offer, naming the key and the version to use', async () => {
    const r = await check('addon/coredns', config(`${BASE_CONFIG}addons:\n  coredns: {version: v1.99.0-eksbuild.1}\n`));
    expect(r.status).toBe('fail');
    expect(r.message).toBe('coredns v1.99.0-eksbuild.1 (pinned in addons.coredns.version) is not a version EKS offers for Kubernetes 1.35; EKS default: v1.13.2-eksbuild.4');
    expect(r.fix).toMatch(/^set addons\.coredns\.version: v1\.13\.2-eksbuild\.4, or leave it out for the tested pin; list: aws eks describe-addon-versions --addon-name coredns --kubernetes-version 1\.35$/);
  });

  it('fails for a wrong tested pin (the table row), saying so', async () => {
    const r = await check('addon/kube-proxy', config(), { addonVersions: async () => ({ versions: ['v1.35.0-eksbuild.2'], defaultVersion: 'v1.35.0-eksbuild.2' }) });
    expect(r).toMatchObject({ status: 'fail', message: expect.stringContaining('the tested pin of lib/cluster/versions.ts') });
  });

  it('accepts latest when the add-on exists, and fails when EKS has none for the version', async () => {
    const latest = config(`${BASE_CONFIG}addons:\n  kubeProxy: {version: latest}\n`);
    expect(await check('addon/kube-proxy', latest)).toMatchObject({ status: 'ok', message: expect.stringContaining('latest for Kubernetes 1.35') });
    expect(await check('addon/kube-proxy', latest, { addonVersions: async () => undefined })).toMatchObject({ status: 'fail', message: 'EKS offers no kube-proxy add-on for Kubernetes 1.35' });
  });
});

describe('SSM image parameters', () => {
  const id = 'ssm/aws/service/eks/optimized-ami/1.35/amazon-linux-2023/x86_64/standard/recommended/release_version';
  it('shows the value when the parameter resolves', async () => {
    expect(await check(id)).toMatchObject({ status: 'ok', message: '1.35.0-20261201 (system nodes (AL2023_x86_64_STANDARD), workspace nodes (AL2023_x86_64_STANDARD))' });
  });
  it('fails when it does not exist', async () => {
    const r = await check(id, config(), { ssmParameter: async () => undefined });
    expect(r).toMatchObject({ status: 'fail', fix: expect.stringContaining('aws ssm get-parameter --name /aws/service/eks/optimized-ami/1.35/') });
  });
});

describe('zones and instance types', () => {
  it('checks the zones listed for a created VPC', async () => {
    expect(await check('zones')).toMatchObject({ status: 'ok', message: 'eu-west-1a, eu-west-1b, eu-west-1c available' });
  });

  it('fails for a listed zone the region does not have, and skips the instance types', async () => {
    const c = config(`${BASE_WITHOUT_NETWORK}network:\n  availabilityZoneCount: 2\n  availabilityZones: [eu-west-1a, eu-west-1z]\n`);
    const results = await run(c);
    expect(results.find((r) => r.id === 'zones')).toMatchObject({ status: 'fail', message: 'not available zones of eu-west-1: eu-west-1z' });
    expect(results.find((r) => r.id === 'instance-types/system')).toMatchObject({ status: 'skipped' });
  });

  it('reads the zones of an existing VPC\'s private subnets, and fails for a missing or foreign subnet', async () => {
    const c = config(EXISTING_VPC_CONFIG);
    expect(await check('zones', c)).toMatchObject({ status: 'ok', message: 'private subnets of vpc-0123456789abcdef0 in eu-west-1a, eu-west-1b' });
    expect(await check('zones', c, { subnets: async () => [{ id: PRIVATE_SUBNETS[0], zone: 'eu-west-1a', vpcId: 'vpc-0123456789abcdef0' }] }))
      .toMatchObject({ status: 'fail', message: `subnets not found in eu-west-1: ${PRIVATE_SUBNETS[1]}` });
    expect(await check('zones', c, { subnets: async (ids) => ids.map((id) => ({ id, zone: 'eu-west-1a', vpcId: 'vpc-0fffffffffffffff0' })) }))
      .toMatchObject({ status: 'fail', message: expect.stringContaining('private subnets outside vpc-0123456789abcdef0') });
  });

  it('fails for an existing VPC\'s subnet in another zone than privateSubnetZones says (the stack keys workspace groups by it)', async () => {
    const r = await check('zones', config(EXISTING_VPC_CONFIG), { subnets: async (ids) => ids.map((id) => ({ id, zone: 'eu-west-1c', vpcId: 'vpc-0123456789abcdef0' })) });
    expect(r).toMatchObject({
      status: 'fail',
      message: `private subnets in other zones than network.existingVpc.privateSubnetZones says: ${PRIVATE_SUBNETS[0]} is in eu-west-1c, not eu-west-1a; ${PRIVATE_SUBNETS[1]} is in eu-west-1c, not eu-west-1b`,
      fix: `correct network.existingVpc.privateSubnetZones (${PRIVATE_SUBNETS[0]}: eu-west-1c, ${PRIVATE_SUBNETS[1]}: eu-west-1c)`,
    });
  });

  it('fails for an instance type a zone does not offer', async () => {
    const r = await check('instance-types/workspaces', config(), {
      instanceTypeOfferings: async (types, zones) => types.flatMap((t) => zones.filter((z) => t !== 'm6i.2xlarge' || z !== 'eu-west-1c').map((zone) => ({ instanceType: t, zone }))),
    });
    expect(r).toMatchObject({ status: 'fail', message: expect.stringMatching(/^not offered: m6i\.2xlarge in eu-west-1c /), fix: expect.stringContaining('nodes.workspaces.instanceTypes') });
  });
});

describe('vCPU quota', () => {
  it('adds up every node group at its maximum against the On-Demand Standard quota', async () => {
    const asked: string[] = [];
    const r = await check('vcpu-quota/on-demand', config(), { ec2Quota: async (code) => { asked.push(code); return 640; } });
    expect(asked).toEqual(['L-1216C47A']);
    expect(r).toMatchObject({ status: 'ok', message: expect.stringContaining('covers the 128 vCPUs') });
  });

  it('fails when the quota is below the maxima, with the increase to request', async () => {
    const c = config(`${BASE_CONFIG}nodes:\n  workspaces: {instanceTypes: [m7i.4xlarge], maxSize: 10, generation: 2, retiringGenerations: [1]}\n`);
    // system 4 x 2 + two generations x 3 zones x 10 x 16
    const r = await check('vcpu-quota/on-demand', c, { ec2Quota: async () => 64 });
    expect(r.status).toBe('fail');
    expect(r.message).toContain('On-Demand vCPU quota 64 in eu-west-1 (L-1216C47A) is below the 968 vCPUs');
    expect(r.message).toContain('workspace generation 1 (retiring), 3 groups (one per zone): 3 x 10 x 16');
    expect(r.fix).toContain('--quota-code L-1216C47A --desired-value 968 --region eu-west-1');
  });

  it('checks Spot groups against the Spot quota', async () => {
    const asked: string[] = [];
    const c = config(`${BASE_CONFIG}nodes:\n  workspaces: {capacityType: SPOT}\n`);
    const results = await run(c, { ec2Quota: async (code) => { asked.push(code); return 1000; } });
    expect(asked).toEqual(['L-1216C47A', 'L-34B43A08']);
    expect(results.find((r) => r.id === 'vcpu-quota/spot')).toMatchObject({ status: 'ok', message: expect.stringContaining('covers the 120 vCPUs') });
  });

  it('warns for instance families outside the Standard quota', async () => {
    const c = config(`${BASE_CONFIG}nodes:\n  workspaces: {instanceTypes: [g5.xlarge]}\n`);
    expect(await check('vcpu-quota/on-demand', c)).toMatchObject({ status: 'warn', message: expect.stringContaining('g5.xlarge count against another quota, not checked') });
    expect(['m6i.large', 't3.medium', 'im4gn.large', 'z1d.large'].every(standardFamily)).toBe(true);
    expect(['g5.xlarge', 'p4d.24xlarge', 'inf2.xlarge', 'x2idn.large', 'trn1.2xlarge'].some(standardFamily)).toBe(false);
  });

  it('warns when the quota cannot be read', async () => {
    expect(await check('vcpu-quota/on-demand', config(), { ec2Quota: async () => undefined })).toMatchObject({ status: 'warn' });
  });
});

describe('hosted zone', () => {
  it('finds the zone by name and checks that the parent delegates to it', async () => {
    const results = await run();
    expect(results.find((r) => r.id === 'hosted-zone')).toMatchObject({ status: 'ok', message: 'public zone workspaces.acme.dev (ZWS) holds the records of workspaces.acme.dev' });
    expect(results.find((r) => r.id === 'hosted-zone/delegation')).toMatchObject({ status: 'ok', message: 'acme.dev (ZPARENT) delegates workspaces.acme.dev to its name servers' });
  });

  it('fails when no public zone has the name', async () => {
    const r = await check('hosted-zone', config(), { hostedZonesNamed: async () => [] });
    expect(r).toMatchObject({ status: 'fail', message: `no public hosted zone named workspaces.acme.dev in account ${ACCOUNT}`, fix: expect.stringContaining('gitlab.hostedZone.create: true') });
    const priv = await check('hosted-zone', config(), { hostedZonesNamed: async (n) => [{ id: 'ZPRIV', name: `${n}.`, private: true }] });
    expect(priv.status).toBe('fail');
  });

  it('fails when the parent has no NS record for the zone, or other name servers', async () => {
    expect(await check('hosted-zone/delegation', config(), { nsRecord: async () => undefined }))
      .toMatchObject({ status: 'fail', fix: `add the NS record workspaces.acme.dev in acme.dev with ${[...NAME_SERVERS].sort().join(' ')}` });
    expect(await check('hosted-zone/delegation', config(), { nsRecord: async () => ['ns-9.example.net.'] }))
      .toMatchObject({ status: 'fail', message: expect.stringContaining('lists ns-9.example.net, not the zone\'s name servers') });
  });

  it('keeps the zone\'s result when only the delegation read is denied', async () => {
    const results = await run(config(), { nsRecord: async () => { throw awsError('AccessDenied'); } });
    expect(results.find((r) => r.id === 'hosted-zone')?.status).toBe('ok');
    expect(results.find((r) => r.id === 'hosted-zone/delegation')).toMatchObject({ status: 'warn', fix: expect.stringContaining('route53:ListResourceRecordSets') });
  });

  it('warns when the parent is not in the account (the delegation cannot be read)', async () => {
    const r = await check('hosted-zone/delegation', config(), {
      hostedZonesNamed: async (n) => (n === 'workspaces.acme.dev' ? [{ id: 'ZWS', name: 'workspaces.acme.dev.', private: false }] : []),
    });
    expect(r).toMatchObject({ status: 'warn', fix: expect.stringContaining(NAME_SERVERS[0]) });
  });

  it('checks a zone given by id: it exists, is public, and is the domain or a parent', async () => {
    expect(await check('hosted-zone', config(`${BASE_CONFIG}  hostedZone: {id: ZWS}\n`))).toMatchObject({ status: 'ok' });
    expect(await check('hosted-zone', config(`${BASE_CONFIG}  hostedZone: {id: ZNONE}\n`))).toMatchObject({ status: 'fail', message: `no hosted zone ZNONE in account ${ACCOUNT}` });
    const other = await check('hosted-zone', config(`${BASE_CONFIG}  hostedZone: {id: ZWS}\n`), { hostedZone: async (id) => ({ id, name: 'other.dev.', private: false }) });
    expect(other).toMatchObject({ status: 'fail', message: 'the zone ZWS is other.dev, neither workspaces.acme.dev nor a parent of it' });
  });

  it('with create: tells where to delegate, and warns when the zone already exists', async () => {
    const c = config(`${BASE_CONFIG}  hostedZone: {create: true}\n`);
    const results = await run(c);
    expect(results.find((r) => r.id === 'hosted-zone')).toMatchObject({ status: 'warn', fix: 'use gitlab.hostedZone.id: ZWS instead of create: true' });
    expect(results.find((r) => r.id === 'hosted-zone/delegation')).toMatchObject({ status: 'ok', message: expect.stringContaining('add the NS record workspaces.acme.dev with its output hosted_zone_name_servers') });
    const fresh = await run(c, { hostedZonesNamed: async (n) => (n === 'acme.dev' ? [{ id: 'ZPARENT', name: 'acme.dev.', private: false }] : []) });
    expect(fresh.find((r) => r.id === 'hosted-zone')).toMatchObject({ status: 'ok', message: 'the stack creates the public zone workspaces.acme.dev' });
  });
});

describe('admin principals', () => {
  const id = `admin/${ADMIN_ROLE}`;
  it('fails for a role that does not exist', async () => {
    expect(await check(id, config(), { roleArn: async () => undefined }))
      .toMatchObject({ status: 'fail', message: `no IAM role named admins in account ${ACCOUNT}: EKS refuses an access entry for it`, fix: expect.stringContaining('cluster.access.adminPrincipalArns[0]') });
  });

  it('fails when the role has a path the ARN leaves out, giving the exact ARN', async () => {
    const withPath = `arn:aws:iam::${ACCOUNT}:role/teams/admins`;
    expect(await check(id, config(), { roleArn: async () => withPath })).toMatchObject({ status: 'fail', fix: `set cluster.access.adminPrincipalArns[0] to ${withPath}` });
  });

  it('checks users, and skips principals of another account', async () => {
    const user = `arn:aws:iam::${ACCOUNT}:user/ci`;
    const foreign = 'arn:aws:iam::444455556666:role/admins';
    const c = config(BASE_CONFIG.replace(`[${ADMIN_ROLE}]`, `[${ADMIN_ROLE}, ${user}, ${foreign}]`));
    const results = await run(c, { userArn: async (n) => (n === 'ci' ? user : undefined) });
    expect(results.find((r) => r.id === `admin/${user}`)?.status).toBe('ok');
    expect(results.find((r) => r.id === `admin/${foreign}`)).toMatchObject({ status: 'skipped', message: expect.stringContaining(`in account 444455556666, not the caller's ${ACCOUNT}`) });
  });
});

describe('deployer access', () => {
  it('maps an assumed-role (or SSO) session to its role, path included', async () => {
    const sso = `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admin_0123abcd`;
    const c = config(BASE_CONFIG.replace(`[${ADMIN_ROLE}]`, `[${sso}]`));
    const overrides: Partial<PreflightAws> = {
      callerIdentity: async () => ({ account: ACCOUNT, arn: `arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_Admin_0123abcd/alice@acme.dev` }),
      roleArn: async (n) => (n === 'AWSReservedSSO_Admin_0123abcd' ? sso : undefined),
    };
    expect(await check('deployer-access', c, overrides)).toMatchObject({ status: 'ok', message: `the caller (${sso}) is in cluster.access.adminPrincipalArns` });
    expect(await check(`admin/${sso}`, c, overrides)).toMatchObject({ status: 'ok' });
  });

  it('warns when the caller is not an admin, naming the principal to add', async () => {
    const r = await check('deployer-access', config(), { callerIdentity: async () => ({ account: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/bob` }) });
    expect(r).toMatchObject({ status: 'warn', fix: `add arn:aws:iam::${ACCOUNT}:user/bob to cluster.access.adminPrincipalArns, or deploy with one of the roles listed there` });
  });

  it('is ok with clusterCreatorAdmin', async () => {
    const c = config(BASE_CONFIG.replace('    adminPrincipalArns', '    clusterCreatorAdmin: true\n    adminPrincipalArns'));
    expect(await check('deployer-access', c, { callerIdentity: async () => ({ account: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/bob` }) })).toMatchObject({ status: 'ok' });
  });
});

describe('autoscaler', () => {
  it('warns for a pair the config supplies (not tested here), with how to verify it', async () => {
    const r = await check('autoscaler', config(`${BASE_CONFIG}autoscaling:\n  clusterAutoscaler: {chartVersion: 9.99.0, imageTag: v1.35.9}\n`));
    expect(r).toMatchObject({ status: 'warn', fix: expect.stringContaining('--version 9.99.0 && docker manifest inspect registry.k8s.io/autoscaling/cluster-autoscaler:v1.35.9') });
  });
});

describe('the GitLab instance\'s addresses', () => {
  const gitlabConfig = (extra = '') => config(`${BASE_CONFIG}  url: https://gitlab.acme.internal\n${extra}`);
  const address = async (c: WorkspacesConfig, lookup?: HostLookup) => (await run(c, {}, lookup)).find((r) => r.id === 'gitlab-address')!;

  it('warns when gitlab.url resolves to private addresses workspace egress does not reach, naming the blocks to add', async () => {
    const r = await address(gitlabConfig(), async () => ['10.20.0.15', '192.0.2.7']);
    expect(r).toMatchObject({ status: 'warn', message: expect.stringContaining('resolves to 10.20.0.15, which workspace egress does not reach') });
    expect(r.fix).toContain('10.20.0.15/32');
  });

  it('is ok when they are listed, or when the addresses are public', async () => {
    expect(await address(gitlabConfig('  privateCidrs: [10.20.0.0/24]\n'), async () => ['10.20.0.15'])).toMatchObject({ status: 'ok' });
    expect(await address(gitlabConfig(), async () => ['192.0.2.7'])).toMatchObject({ status: 'ok', message: expect.stringContaining('workspace egress reaches it') });
    // The user's own egress rules count too (the stack writes them into the agent config).
    const ownEgress = gitlabConfig('  remote_development:\n    network_policy:\n      egress:\n        - allow: 10.20.0.0/16\n');
    expect(await address(ownEgress, async () => ['10.20.0.15'])).toMatchObject({ status: 'ok' });
    // An address in the URL itself is not looked up.
    expect(await address(config(`${BASE_CONFIG}  url: https://10.20.0.15\n  privateCidrs: [10.20.0.0/24]\n`), async () => { throw new Error('no lookup expected'); })).toMatchObject({ status: 'ok' });
  });

  it('warns when the name does not resolve here (a split-horizon name): run it where the nodes\' DNS answers', async () => {
    const r = await address(gitlabConfig(), async () => { throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }); });
    expect(r).toMatchObject({ status: 'warn', message: expect.stringContaining('does not resolve from here (ENOTFOUND)') });
  });

  it('is skipped without a resolver (a library caller\'s run asks no DNS)', async () => {
    const c = gitlabConfig();
    const out = await runChecks(c.aws.region, planChecks(c), fakeAws({}));
    expect(out.ok && out.report.checks.find((r) => r.id === 'gitlab-address')).toMatchObject({ status: 'skipped' });
  });
});
