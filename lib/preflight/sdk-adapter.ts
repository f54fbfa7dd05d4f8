/**
 * PreflightAws over the AWS SDK v3 clients: the only module of preflight that loads the SDK (the CLI
 * requires it when a check runs, not for `--help`; scripts/build-cli.js bundles it into
 * dist/cli/preflight.js, so the package has no run-time dependency on the SDK). Credentials come from
 * the SDK's default chain (environment, AWS_PROFILE, SSO, instance role). Reads only.
 */
import { DescribeAddonVersionsCommand, DescribeAddonVersionsCommandOutput, EKSClient } from '@aws-sdk/client-eks';
import {
  DescribeAvailabilityZonesCommand,
  DescribeInstanceTypeOfferingsCommand,
  DescribeInstanceTypeOfferingsCommandOutput,
  DescribeInstanceTypesCommand,
  DescribeInstanceTypesCommandOutput,
  DescribeRegionsCommand,
  DescribeSubnetsCommand,
  DescribeSubnetsCommandOutput,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { GetRoleCommand, GetUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetHostedZoneCommand, ListHostedZonesByNameCommand, ListHostedZonesByNameCommandOutput, ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { GetAWSDefaultServiceQuotaCommand, GetServiceQuotaCommand, ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AddonVersions, HostedZoneInfo, PreflightAws, SubnetInfo } from './aws-api';

export interface SdkClients {
  readonly eks: EKSClient;
  readonly ec2: EC2Client;
  readonly ssm: SSMClient;
  readonly quotas: ServiceQuotasClient;
  readonly route53: Route53Client;
  readonly iam: IAMClient;
  readonly sts: STSClient;
}

/** One client per service, in the config's region (Route 53 and IAM are global; the SDK routes them). */
export function sdkClients(region: string): SdkClients {
  // The SDK warns on Node 20 that its releases after January 2027 need Node 22; the copy bundled here is
  // fixed at build time, so the warning says nothing to a preflight user (and the package supports Node 20).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // Bounded waits: an unreachable endpoint is a warning after seconds, not a hung preflight.
  const config = { region, maxAttempts: 3, requestHandler: { connectionTimeout: 5_000, requestTimeout: 20_000, throwOnRequestTimeout: true } };
  return {
    eks: new EKSClient(config),
    ec2: new EC2Client(config),
    ssm: new SSMClient(config),
    quotas: new ServiceQuotasClient(config),
    route53: new Route53Client(config),
    iam: new IAMClient(config),
    sts: new STSClient(config),
  };
}

function named(err: unknown, ...names: string[]): boolean {
  return names.includes((err as { name?: string } | null)?.name ?? '');
}

/** Reads every page: `page(token)` returns the page and the next token. */
async function allPages<T, P>(page: (token: string | undefined) => Promise<P>, items: (p: P) => readonly T[] | undefined, next: (p: P) => string | undefined): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  for (let i = 0; i < 100; i++) {
    const p = await page(token);
    out.push(...(items(p) ?? []));
    token = next(p);
    if (!token) break;
  }
  return out;
}

const stripZonePrefix = (id: string) => id.replace(/^\/hostedzone\//, '');

export function sdkPreflightAws(c: SdkClients): PreflightAws {
  return {
    async callerIdentity() {
      const out = await c.sts.send(new GetCallerIdentityCommand({}));
      return { account: out.Account ?? '', arn: out.Arn ?? '' };
    },

    async regions() {
      const out = await c.ec2.send(new DescribeRegionsCommand({ AllRegions: true }));
      return (out.Regions ?? []).map((r) => ({ name: r.RegionName ?? '', optInStatus: r.OptInStatus }));
    },

    async addonVersions(addonName, kubernetesVersion): Promise<AddonVersions | undefined> {
      const addons = await allPages(
        (nextToken) => c.eks.send(new DescribeAddonVersionsCommand({ addonName, kubernetesVersion, nextToken })),
        (p: DescribeAddonVersionsCommandOutput) => p.addons,
        (p) => p.nextToken,
      );
      const addon = addons.filter((a) => a.addonName === addonName);
      if (addon.length === 0) return undefined;
      const versions = addon.flatMap((a) => a.addonVersions ?? []);
      const isDefault = (v: (typeof versions)[number]) => (v.compatibilities ?? []).some((cv) => cv.clusterVersion === kubernetesVersion && cv.defaultVersion);
      return {
        versions: versions.map((v) => v.addonVersion ?? '').filter((v) => v !== ''),
        defaultVersion: versions.find(isDefault)?.addonVersion,
      };
    },

    async ssmParameter(name) {
      try {
        const out = await c.ssm.send(new GetParameterCommand({ Name: name }));
        return out.Parameter?.Value;
      } catch (err) {
        if (named(err, 'ParameterNotFound')) return undefined;
        throw err;
      }
    },

    async availabilityZones() {
      const out = await c.ec2.send(new DescribeAvailabilityZonesCommand({ Filters: [{ Name: 'zone-type', Values: ['availability-zone'] }] }));
      return (out.AvailabilityZones ?? []).map((z) => ({ name: z.ZoneName ?? '', state: z.State, optInStatus: z.OptInStatus }));
    },

    async subnets(ids): Promise<SubnetInfo[]> {
      // By filter, not SubnetIds: a missing id is then absent from the answer, not an error for all.
      const subnets = await allPages(
        (NextToken) => c.ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'subnet-id', Values: [...ids] }], NextToken })),
        (p: DescribeSubnetsCommandOutput) => p.Subnets,
        (p) => p.NextToken,
      );
      return subnets.map((s) => ({ id: s.SubnetId ?? '', zone: s.AvailabilityZone ?? '', vpcId: s.VpcId ?? '' }));
    },

    async instanceTypeOfferings(instanceTypes, zones) {
      const offerings = await allPages(
        (NextToken) => c.ec2.send(new DescribeInstanceTypeOfferingsCommand({
          LocationType: 'availability-zone',
          Filters: [{ Name: 'location', Values: [...zones] }, { Name: 'instance-type', Values: [...instanceTypes] }],
          NextToken,
        })),
        (p: DescribeInstanceTypeOfferingsCommandOutput) => p.InstanceTypeOfferings,
        (p) => p.NextToken,
      );
      return offerings.map((o) => ({ instanceType: o.InstanceType ?? '', zone: o.Location ?? '' }));
    },

    async instanceTypeVcpus(instanceTypes) {
      // By filter: an unknown type is absent, where InstanceTypes would fail the whole call.
      const types = await allPages(
        (NextToken) => c.ec2.send(new DescribeInstanceTypesCommand({ Filters: [{ Name: 'instance-type', Values: [...instanceTypes] }], NextToken })),
        (p: DescribeInstanceTypesCommandOutput) => p.InstanceTypes,
        (p) => p.NextToken,
      );
      const out: Record<string, number> = {};
      for (const t of types) if (t.InstanceType && t.VCpuInfo?.DefaultVCpus !== undefined) out[t.InstanceType] = t.VCpuInfo.DefaultVCpus;
      return out;
    },

    async ec2Quota(quotaCode) {
      try {
        return (await c.quotas.send(new GetServiceQuotaCommand({ ServiceCode: 'ec2', QuotaCode: quotaCode }))).Quota?.Value;
      } catch (err) {
        if (!named(err, 'NoSuchResourceException')) throw err;
      }
      try {
        return (await c.quotas.send(new GetAWSDefaultServiceQuotaCommand({ ServiceCode: 'ec2', QuotaCode: quotaCode }))).Quota?.Value;
      } catch (err) {
        if (named(err, 'NoSuchResourceException')) return undefined;
        throw err;
      }
    },

    async hostedZone(id): Promise<HostedZoneInfo | undefined> {
      try {
        const out = await c.route53.send(new GetHostedZoneCommand({ Id: id }));
        const z = out.HostedZone;
        if (!z) return undefined;
        return { id: stripZonePrefix(z.Id ?? id), name: z.Name ?? '', private: z.Config?.PrivateZone === true, nameServers: out.DelegationSet?.NameServers };
      } catch (err) {
        if (named(err, 'NoSuchHostedZone', 'InvalidInput')) return undefined;
        throw err;
      }
    },

    async hostedZonesNamed(name) {
      // Zones come sorted by name from DNSName on; every one named `name` is on the first pages.
      const want = `${name.toLowerCase().replace(/\.$/, '')}.`;
      const out: HostedZoneInfo[] = [];
      let dnsName: string | undefined = want;
      let zoneId: string | undefined;
      for (let i = 0; i < 10; i++) {
        const page: ListHostedZonesByNameCommandOutput = await c.route53.send(new ListHostedZonesByNameCommand({ DNSName: dnsName, HostedZoneId: zoneId, MaxItems: 100 }));
        const zones = page.HostedZones ?? [];
        for (const z of zones) {
          if ((z.Name ?? '').toLowerCase() === want) out.push({ id: stripZonePrefix(z.Id ?? ''), name: z.Name ?? '', private: z.Config?.PrivateZone === true });
        }
        const passed = zones.some((z) => (z.Name ?? '').toLowerCase() !== want);
        if (!page.IsTruncated || passed) break;
        dnsName = page.NextDNSName;
        zoneId = page.NextHostedZoneId;
      }
      return out;
    },

    async nsRecord(zoneId, name) {
      const want = `${name.toLowerCase().replace(/\.$/, '')}.`;
      const out = await c.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, StartRecordName: want, StartRecordType: 'NS', MaxItems: 1 }));
      const record = (out.ResourceRecordSets ?? []).find((r) => r.Type === 'NS' && (r.Name ?? '').toLowerCase() === want);
      return record ? (record.ResourceRecords ?? []).map((r) => r.Value ?? '') : undefined;
    },

    async roleArn(roleName) {
      try {
        return (await c.iam.send(new GetRoleCommand({ RoleName: roleName }))).Role?.Arn;
      } catch (err) {
        if (named(err, 'NoSuchEntityException', 'NoSuchEntity')) return undefined;
        throw err;
      }
    },

    async userArn(userName) {
      try {
        return (await c.iam.send(new GetUserCommand({ UserName: userName }))).User?.Arn;
      } catch (err) {
        if (named(err, 'NoSuchEntityException', 'NoSuchEntity')) return undefined;
        throw err;
      }
    },
  };
}

/** The adapter the CLI uses: the SDK's clients for the region. */
export function createPreflightAws(region: string): PreflightAws {
  return sdkPreflightAws(sdkClients(region));
}
