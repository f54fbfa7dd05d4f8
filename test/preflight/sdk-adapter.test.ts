/**
 * The SDK adapter (lib/preflight/sdk-adapter.ts) on the real AWS SDK v3 clients, their `send` mocked with
 * aws-sdk-client-mock: what it asks each API, how it reads the answers and "not found", and every check's
 * ok and failure path through it. Nothing touches the network.
 */
import { DescribeAddonVersionsCommand } from '@aws-sdk/client-eks';
import { DescribeAvailabilityZonesCommand, DescribeInstanceTypeOfferingsCommand, DescribeInstanceTypesCommand, DescribeRegionsCommand, DescribeSubnetsCommand } from '@aws-sdk/client-ec2';
import { GetRoleCommand, GetUserCommand } from '@aws-sdk/client-iam';
import { GetHostedZoneCommand, ListHostedZonesByNameCommand, ListResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import { GetAWSDefaultServiceQuotaCommand, GetServiceQuotaCommand, NoSuchResourceException } from '@aws-sdk/client-service-quotas';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { CheckResult, PreflightAws, planChecks, runChecks } from '../../lib/preflight';
import { createPreflightAws, sdkClients, sdkPreflightAws } from '../../lib/preflight/sdk-adapter';
import { WorkspacesConfig } from '../../stacks/config/types';
import { ACCOUNT, ADMIN_ROLE, awsError, BASE_CONFIG, BASE_WITHOUT_NETWORK, config, EXISTING_VPC_CONFIG, PRIVATE_SUBNETS } from './helpers';
import { mockAccount, Mocks, noSuchEntity, notFoundParameter } from './sdk-mocks';

let mocks: Mocks;
let aws: PreflightAws;
beforeEach(() => {
  mocks = mockAccount();
  aws = sdkPreflightAws(sdkClients('eu-west-1'));
});
afterEach(() => mocks.restore());

async function results(c: WorkspacesConfig = config()): Promise<CheckResult[]> {
  // No DNS from tests: gitlab.com resolves to a public documentation address.
  const out = await runChecks(c.aws.region, planChecks(c), aws, async () => ['192.0.2.10']);
  if (!out.ok) throw new Error(out.message);
  return [...out.report.checks];
}
const byId = (rs: CheckResult[], id: string) => rs.find((r) => r.id === id)!;

describe('over the SDK clients', () => {
  it('passes a config that fits the account (every check but the autoscaler ok)', async () => {
    const rs = await results();
    expect(rs.filter((r) => r.status !== 'ok').map((r) => r.id)).toEqual(['autoscaler']);
    expect(rs.map((r) => r.id)).toEqual([
      'credentials', 'region', 'addon/vpc-cni', 'addon/kube-proxy', 'addon/eks-pod-identity-agent', 'addon/coredns', 'addon/aws-ebs-csi-driver',
      'ssm/aws/service/eks/optimized-ami/1.35/amazon-linux-2023/x86_64/standard/recommended/release_version',
      'zones', 'instance-types/system', 'instance-types/workspaces', 'vcpu-quota/on-demand', 'hosted-zone', 'hosted-zone/delegation',
      `admin/${ADMIN_ROLE}`, 'deployer-access', 'gitlab-address', 'autoscaler',
    ]);
  });

  it('asks each API what the check needs', async () => {
    await results();
    expect(mocks.eks.commandCalls(DescribeAddonVersionsCommand).map((c) => c.args[0].input)).toContainEqual({ addonName: 'coredns', kubernetesVersion: '1.35', nextToken: undefined });
    expect(mocks.ssm.commandCalls(GetParameterCommand)[0].args[0].input).toEqual({ Name: '/aws/service/eks/optimized-ami/1.35/amazon-linux-2023/x86_64/standard/recommended/release_version' });
    expect(mocks.ec2.commandCalls(DescribeInstanceTypeOfferingsCommand)[0].args[0].input).toMatchObject({
      LocationType: 'availability-zone',
      Filters: [{ Name: 'location', Values: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'] }, { Name: 'instance-type', Values: ['m6i.large'] }],
    });
    expect(mocks.quotas.commandCalls(GetServiceQuotaCommand)[0].args[0].input).toEqual({ ServiceCode: 'ec2', QuotaCode: 'L-1216C47A' });
    expect(mocks.route53.commandCalls(ListResourceRecordSetsCommand)[0].args[0].input).toEqual({ HostedZoneId: 'ZPARENT', StartRecordName: 'workspaces.acme.dev.', StartRecordType: 'NS', MaxItems: 1 });
    expect(mocks.iam.commandCalls(GetRoleCommand).map((c) => c.args[0].input.RoleName)).toEqual(['admins', 'admins']);
    expect(mocks.ec2.commandCalls(DescribeRegionsCommand)[0].args[0].input).toEqual({ AllRegions: true });
  });

  it('add-on: reads every page, and fails for a version EKS does not list', async () => {
    mocks.eks.on(DescribeAddonVersionsCommand, { addonName: 'coredns', kubernetesVersion: '1.35' }).callsFake((input: { nextToken?: string }) => (input.nextToken
      ? { addons: [{ addonName: 'coredns', addonVersions: [{ addonVersion: 'v1.13.2-eksbuild.4', compatibilities: [{ clusterVersion: '1.35', defaultVersion: true }] }] }] }
      : { addons: [{ addonName: 'coredns', addonVersions: [{ addonVersion: 'v1.14.0-eksbuild.1', compatibilities: [{ clusterVersion: '1.35', defaultVersion: false }] }] }], nextToken: 'page-2' }));
    expect(byId(await results(), 'addon/coredns').status).toBe('ok');
    const wrong = byId(await results(config(`${BASE_CONFIG}addons:\n  coredns: {version: v1.12.0-eksbuild.9}\n`)), 'addon/coredns');
    expect(wrong).toMatchObject({ status: 'fail', message: expect.stringContaining('EKS default: v1.13.2-eksbuild.4') });
    expect(await aws.addonVersions('no-such-addon', '1.35')).toBeUndefined();
  });

  it('SSM: ParameterNotFound fails the check', async () => {
    mocks.ssm.on(GetParameterCommand).rejects(notFoundParameter());
    expect(await aws.ssmParameter('/aws/service/x')).toBeUndefined();
    expect(byId(await results(), 'ssm/aws/service/eks/optimized-ami/1.35/amazon-linux-2023/x86_64/standard/recommended/release_version').status).toBe('fail');
  });

  it('subnets and instance types by filter, so a missing one is absent rather than an error for all', async () => {
    await results(config(EXISTING_VPC_CONFIG));
    expect(mocks.ec2.commandCalls(DescribeSubnetsCommand)[0].args[0].input.Filters).toEqual([{ Name: 'subnet-id', Values: PRIVATE_SUBNETS }]);
    expect(mocks.ec2.commandCalls(DescribeInstanceTypesCommand)[0].args[0].input.Filters).toEqual([{ Name: 'instance-type', Values: ['m6i.large', 'm6i.2xlarge'] }]);
    mocks.ec2.on(DescribeSubnetsCommand).resolves({ Subnets: [] });
    expect(byId(await results(config(EXISTING_VPC_CONFIG)), 'zones')).toMatchObject({ status: 'fail', message: `subnets not found in eu-west-1: ${PRIVATE_SUBNETS.join(', ')}` });
  });

  it('instance types: fails for a type offered in no zone', async () => {
    const rs = await results(config(`${BASE_CONFIG}nodes:\n  workspaces: {instanceTypes: [m6i.2xlarge, m9z.large]}\n`));
    expect(byId(rs, 'instance-types/workspaces')).toMatchObject({ status: 'fail', message: expect.stringContaining('m9z.large in none of eu-west-1a, eu-west-1b, eu-west-1c') });
    expect(byId(rs, 'vcpu-quota/on-demand')).toMatchObject({ status: 'skipped' });
  });

  it('quota: below the maxima fails; an unset quota falls back to the AWS default', async () => {
    mocks.quotas.on(GetServiceQuotaCommand).resolves({ Quota: { Value: 32 } });
    expect(byId(await results(), 'vcpu-quota/on-demand')).toMatchObject({ status: 'fail', message: expect.stringContaining('quota 32') });
    mocks.quotas.on(GetServiceQuotaCommand).rejects(new NoSuchResourceException({ message: 'no quota', $metadata: {} }));
    expect(await aws.ec2Quota('L-1216C47A')).toBe(5);
    expect(mocks.quotas.commandCalls(GetAWSDefaultServiceQuotaCommand)).toHaveLength(1);
  });

  it('hosted zone: a missing zone fails; by id, NoSuchHostedZone fails', async () => {
    mocks.route53.on(ListHostedZonesByNameCommand).resolves({ HostedZones: [], IsTruncated: false });
    expect(byId(await results(), 'hosted-zone').status).toBe('fail');
    expect(byId(await results(config(`${BASE_CONFIG}  hostedZone: {id: ZGONE}\n`)), 'hosted-zone')).toMatchObject({ status: 'fail', message: `no hosted zone ZGONE in account ${ACCOUNT}` });
    expect(mocks.route53.commandCalls(GetHostedZoneCommand).at(-1)?.args[0].input).toEqual({ Id: 'ZGONE' });
  });

  it('hosted zone: a parent without the NS record fails the delegation', async () => {
    mocks.route53.on(ListResourceRecordSetsCommand).resolves({ ResourceRecordSets: [{ Name: 'x.acme.dev.', Type: 'A' }], IsTruncated: false, MaxItems: 1 });
    expect(byId(await results(), 'hosted-zone/delegation')).toMatchObject({ status: 'fail', message: expect.stringContaining('has no NS record for workspaces.acme.dev') });
  });

  it('admin principals: NoSuchEntity fails the check; a user is read with GetUser', async () => {
    mocks.iam.on(GetRoleCommand).rejects(noSuchEntity());
    const rs = await results();
    expect(byId(rs, `admin/${ADMIN_ROLE}`)).toMatchObject({ status: 'fail', message: `no IAM role named admins in account ${ACCOUNT}: EKS refuses an access entry for it` });
    const user = `arn:aws:iam::${ACCOUNT}:user/ci/deployer`;
    mocks.iam.on(GetUserCommand, { UserName: 'deployer' }).resolves({ User: { UserName: 'deployer', Arn: user, Path: '/ci/', UserId: 'AIDA', CreateDate: new Date(0) } });
    const users = await results(config(BASE_CONFIG.replace(`[${ADMIN_ROLE}]`, `[${user}]`)));
    expect(byId(users, `admin/${user}`).status).toBe('ok');
  });

  it('region, listed zones, deployer: the failure paths through the SDK', async () => {
    const optIn = await results(config(BASE_CONFIG.replace(/eu-west-1/g, 'af-south-1')));
    expect(byId(optIn, 'region')).toMatchObject({ status: 'fail', message: expect.stringContaining('opt-in region not enabled') });
    mocks.ec2.on(DescribeAvailabilityZonesCommand).resolves({ AvailabilityZones: [
      { ZoneName: 'eu-west-1a', State: 'available', OptInStatus: 'opt-in-not-required' },
      { ZoneName: 'eu-west-1b', State: 'impaired', OptInStatus: 'opt-in-not-required' },
    ] });
    const zones = await results(config(`${BASE_WITHOUT_NETWORK}network:\n  availabilityZoneCount: 2\n  availabilityZones: [eu-west-1a, eu-west-1b]\n`));
    expect(byId(zones, 'zones')).toMatchObject({ status: 'fail', message: 'not available zones of eu-west-1: eu-west-1b' });
    mocks.sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/ci-deployer/gitlab-ci` });
    mocks.iam.on(GetRoleCommand, { RoleName: 'ci-deployer' }).resolves({ Role: { RoleName: 'ci-deployer', Arn: `arn:aws:iam::${ACCOUNT}:role/ci/ci-deployer`, Path: '/ci/', RoleId: 'AROA', CreateDate: new Date(0) } });
    expect(byId(await results(), 'deployer-access')).toMatchObject({ status: 'warn', fix: `add arn:aws:iam::${ACCOUNT}:role/ci/ci-deployer to cluster.access.adminPrincipalArns, or deploy with one of the roles listed there` });
  });

  it('access denied by an API is a warning naming the permission', async () => {
    mocks.route53.on(ListHostedZonesByNameCommand).rejects(awsError('AccessDenied', 'User is not authorized to perform: route53:ListHostedZonesByName'));
    mocks.quotas.on(GetServiceQuotaCommand).rejects(awsError('AccessDeniedException'));
    const rs = await results();
    expect(byId(rs, 'hosted-zone')).toMatchObject({ status: 'warn', fix: expect.stringContaining('route53:ListHostedZonesByName') });
    expect(byId(rs, 'vcpu-quota/on-demand')).toMatchObject({ status: 'warn', fix: expect.stringContaining('servicequotas:GetServiceQuota') });
    expect(rs.some((r) => r.status === 'fail')).toBe(false);
  });

  it('no credentials: nothing is checked', async () => {
    mocks.sts.on(GetCallerIdentityCommand).rejects(awsError('CredentialsProviderError', 'Could not load credentials from any providers'));
    const out = await runChecks('eu-west-1', planChecks(config()), aws);
    expect(out.ok).toBe(false);
    expect(mocks.eks.commandCalls(DescribeAddonVersionsCommand)).toHaveLength(0);
  });

  it('createPreflightAws makes clients in the config\'s region (mocked all the same)', async () => {
    expect(await createPreflightAws('eu-west-1').callerIdentity()).toEqual({ account: ACCOUNT, arn: expect.stringContaining('assumed-role/admins') });
    expect(await sdkClients('ap-southeast-2').eks.config.region()).toBe('ap-southeast-2');
  });
});
