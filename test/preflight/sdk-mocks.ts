/**
 * The AWS SDK v3 clients mocked with aws-sdk-client-mock (every `send` of every instance answers from
 * here; nothing reaches the network): an account in which BASE_CONFIG passes, as the SDK would answer.
 */
import { mockClient } from 'aws-sdk-client-mock';
import { DescribeAddonVersionsCommand, EKSClient } from '@aws-sdk/client-eks';
import {
  DescribeAvailabilityZonesCommand, DescribeInstanceTypeOfferingsCommand, DescribeInstanceTypesCommand, DescribeRegionsCommand, DescribeSubnetsCommand, EC2Client,
} from '@aws-sdk/client-ec2';
import { GetRoleCommand, GetUserCommand, IAMClient, NoSuchEntityException } from '@aws-sdk/client-iam';
import { GetHostedZoneCommand, ListHostedZonesByNameCommand, ListResourceRecordSetsCommand, NoSuchHostedZone, Route53Client } from '@aws-sdk/client-route-53';
import { GetAWSDefaultServiceQuotaCommand, GetServiceQuotaCommand, ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { TESTED_ADDON_VERSIONS } from '../../lib/cluster/versions';
import { ACCOUNT, ADMIN_ROLE, CALLER_ARN, NAME_SERVERS, VCPUS, ZONES } from './helpers';

export type Mocks = ReturnType<typeof mockAccount>;

const meta = { $metadata: {} };
export const notFoundParameter = () => new ParameterNotFound({ message: 'parameter not found', ...meta });
export const noSuchEntity = () => new NoSuchEntityException({ message: 'The role cannot be found.', ...meta });

/** Mocks of every client preflight uses, answering for an account where BASE_CONFIG passes. Call `restore()` after. */
export function mockAccount() {
  const m = {
    sts: mockClient(STSClient), ec2: mockClient(EC2Client), eks: mockClient(EKSClient), ssm: mockClient(SSMClient),
    quotas: mockClient(ServiceQuotasClient), route53: mockClient(Route53Client), iam: mockClient(IAMClient),
    restore() {
      for (const c of [m.sts, m.ec2, m.eks, m.ssm, m.quotas, m.route53, m.iam]) c.restore();
    },
  };
  m.sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: CALLER_ARN, UserId: 'AROAEXAMPLE:alice' });
  m.ec2.on(DescribeRegionsCommand).resolves({ Regions: [{ RegionName: 'eu-west-1', OptInStatus: 'opt-in-not-required' }, { RegionName: 'af-south-1', OptInStatus: 'not-opted-in' }] });
  m.eks.on(DescribeAddonVersionsCommand).callsFake((input: { addonName: string; kubernetesVersion: string }) => {
    const tested = TESTED_ADDON_VERSIONS[input.kubernetesVersion]?.[input.addonName];
    if (!tested) return { addons: [] };
    return {
      addons: [{
        addonName: input.addonName,
        addonVersions: [
          { addonVersion: 'v99.0.0-eksbuild.1', compatibilities: [{ clusterVersion: input.kubernetesVersion, defaultVersion: false }] },
          { addonVersion: tested, compatibilities: [{ clusterVersion: input.kubernetesVersion, defaultVersion: true }] },
        ],
      }],
    };
  });
  m.ssm.on(GetParameterCommand).callsFake((input: { Name: string }) => {
    if (!input.Name.startsWith('/aws/service/')) throw notFoundParameter();
    return { Parameter: { Name: input.Name, Value: input.Name.endsWith('ami-id') ? 'ami-0123456789abcdef0' : '1.35.0-20261201' } };
  });
  m.ec2.on(DescribeAvailabilityZonesCommand).resolves({
    AvailabilityZones: [...ZONES, 'eu-west-1d'].map((ZoneName) => ({ ZoneName, State: 'available', OptInStatus: 'opt-in-not-required', ZoneType: 'availability-zone' })),
  });
  m.ec2.on(DescribeSubnetsCommand).callsFake((input: { Filters: Array<{ Values: string[] }> }) => ({
    Subnets: input.Filters[0].Values.map((SubnetId, i) => ({ SubnetId, AvailabilityZone: ZONES[i % 3], VpcId: 'vpc-0123456789abcdef0' })),
  }));
  m.ec2.on(DescribeInstanceTypeOfferingsCommand).callsFake((input: { Filters: Array<{ Name: string; Values: string[] }> }) => {
    const zones = input.Filters.find((f) => f.Name === 'location')!.Values;
    const types = input.Filters.find((f) => f.Name === 'instance-type')!.Values.filter((t) => VCPUS[t] !== undefined);
    return { InstanceTypeOfferings: types.flatMap((InstanceType) => zones.map((Location) => ({ InstanceType, Location, LocationType: 'availability-zone' }))) };
  });
  m.ec2.on(DescribeInstanceTypesCommand).callsFake((input: { Filters: Array<{ Values: string[] }> }) => ({
    InstanceTypes: input.Filters[0].Values.filter((t) => VCPUS[t] !== undefined).map((InstanceType) => ({ InstanceType, VCpuInfo: { DefaultVCpus: VCPUS[InstanceType] } })),
  }));
  m.quotas.on(GetServiceQuotaCommand).resolves({ Quota: { ServiceCode: 'ec2', QuotaCode: 'L-1216C47A', Value: 640 } });
  m.quotas.on(GetAWSDefaultServiceQuotaCommand).resolves({ Quota: { Value: 5 } });
  const zoneWs = { Id: '/hostedzone/ZWS', Name: 'workspaces.acme.dev.', CallerReference: 'a', Config: { PrivateZone: false } };
  const zoneParent = { Id: '/hostedzone/ZPARENT', Name: 'acme.dev.', CallerReference: 'b', Config: { PrivateZone: false } };
  m.route53.on(ListHostedZonesByNameCommand).callsFake((input: { DNSName: string }) => {
    // Sorted by reversed labels (dev.acme, dev.acme.workspaces), from DNSName on.
    const all = [zoneParent, zoneWs];
    const from = all.findIndex((z) => z.Name === input.DNSName);
    return { HostedZones: from === -1 ? [] : all.slice(from), IsTruncated: false, MaxItems: 100 };
  });
  m.route53.on(GetHostedZoneCommand).callsFake((input: { Id: string }) => {
    if (input.Id !== 'ZWS') throw new NoSuchHostedZone({ message: `No hosted zone found with ID: ${input.Id}`, ...meta });
    return { HostedZone: zoneWs, DelegationSet: { NameServers: NAME_SERVERS } };
  });
  m.route53.on(ListResourceRecordSetsCommand).callsFake((input: { HostedZoneId: string; StartRecordName: string }) => ({
    ResourceRecordSets: input.HostedZoneId === 'ZPARENT' && input.StartRecordName === 'workspaces.acme.dev.'
      ? [{ Name: 'workspaces.acme.dev.', Type: 'NS', TTL: 172800, ResourceRecords: NAME_SERVERS.map((Value) => ({ Value: `${Value}.` })) }]
      : [],
    IsTruncated: false, MaxItems: 1,
  }));
  m.iam.on(GetRoleCommand).callsFake((input: { RoleName: string }) => {
    if (input.RoleName !== 'admins') throw noSuchEntity();
    return { Role: { RoleName: 'admins', Arn: ADMIN_ROLE, Path: '/', RoleId: 'AROAEXAMPLE', CreateDate: new Date(0) } };
  });
  m.iam.on(GetUserCommand).rejects(noSuchEntity());
  return m;
}
