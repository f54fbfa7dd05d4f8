/**
 * Runs preflight's checks (./plan.ts) against an account through the PreflightAws interface
 * (./aws-api.ts). Each check gives one result (the hosted zone two: the zone, its delegation): ok, warn,
 * fail or skipped, a one-line message and, unless ok, a one-line fix. A read the caller may not make is
 * a warning naming the permission, never a failure: preflight must not block a deploy it could not judge.
 * No credentials at all (or no way to reach AWS) stops the run before any check.
 */
import { isIP } from 'net';
import { egressReaches } from '../common/cidr';
import type { AddonVersions, CallerIdentity, HostedZoneInfo, PreflightAws } from './aws-api';
import type { CheckKind, CheckSpec, NodeGroupSet, ZoneSource } from './plan';

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skipped';

export interface CheckResult {
  /** Stable: `addon/coredns`, `ssm/aws/service/...`, `vcpu-quota/on-demand`, `hosted-zone/delegation`... */
  readonly id: string;
  readonly kind: CheckKind | 'credentials';
  readonly status: CheckStatus;
  /** What was found, one line. */
  readonly message: string;
  /** What to do about it, one line (absent when ok). */
  readonly fix?: string;
}

export interface PreflightReport {
  readonly region: string;
  readonly account: string;
  readonly callerArn: string;
  readonly checks: readonly CheckResult[];
}

export type PreflightOutcome =
  | { readonly ok: true; readonly report: PreflightReport }
  /** No credentials, or AWS could not be reached: nothing was checked. */
  | { readonly ok: false; readonly message: string };

/**
 * The Service Quotas codes of the EC2 vCPU quotas preflight checks (Standard instance families only; names
 * as in the EC2 user guide's "Spot Instance quotas" and "On-Demand Instance quotas" pages).
 */
export const VCPU_QUOTAS = {
  ON_DEMAND: { code: 'L-1216C47A', name: 'Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances' },
  SPOT: { code: 'L-34B43A08', name: 'All Standard (A, C, D, H, I, M, R, T, Z) Spot Instance Requests' },
} as const;

/** The permission each kind of check reads with (for the warning when it is denied). */
const PERMISSIONS: Record<CheckKind, string> = {
  region: 'ec2:DescribeRegions',
  addon: 'eks:DescribeAddonVersions',
  'ssm-parameter': 'ssm:GetParameter',
  zones: 'ec2:DescribeAvailabilityZones and ec2:DescribeSubnets',
  'instance-types': 'ec2:DescribeInstanceTypeOfferings',
  'vcpu-quota': 'ec2:DescribeInstanceTypes and servicequotas:GetServiceQuota',
  'hosted-zone': 'route53:GetHostedZone, route53:ListHostedZonesByName and route53:ListResourceRecordSets',
  'admin-principal': 'iam:GetRole and iam:GetUser',
  'deployer-access': 'iam:GetRole',
  autoscaler: '(none)',
  'gitlab-address': '(none: a DNS lookup)',
};

/** Resolves a host name to its addresses (IPv4 and IPv6); rejects when it has none. */
export type HostLookup = (host: string) => Promise<readonly string[]>;

/** The system resolver (what the machine running preflight sees, as node:dns lookup does). */
export const systemLookup: HostLookup = async (host) => {
  const { lookup } = await import('dns/promises');
  return (await lookup(host, { all: true })).map((a) => a.address);
};


const CREDENTIAL_ERRORS = new Set([
  'CredentialsProviderError', 'ExpiredToken', 'ExpiredTokenException', 'InvalidClientTokenId', 'UnrecognizedClientException',
  'InvalidSignatureException', 'SignatureDoesNotMatch', 'TokenRefreshRequired', 'InvalidAccessKeyId',
]);
const ACCESS_DENIED_ERRORS = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'UnauthorizedAccess', 'AuthorizationError']);

function errorName(err: unknown): string {
  return (err as { name?: string; Code?: string } | null)?.name ?? (err as { Code?: string } | null)?.Code ?? '';
}
function errorMessage(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0];
}
export function isCredentialsError(err: unknown): boolean {
  return CREDENTIAL_ERRORS.has(errorName(err));
}
export function isAccessDenied(err: unknown): boolean {
  const name = errorName(err);
  return ACCESS_DENIED_ERRORS.has(name) || (/AccessDenied|Unauthorized/.test(name) && !isCredentialsError(err));
}

/**
 * Runs the checks in order, the caller's identity first (without it, nothing else is tried). `lookup` resolves host names for the
 * gitlab-address check (the CLI passes the system resolver); without one that check is skipped, so a
 * library caller's run makes no DNS query it did not ask for.
 */
export async function runChecks(region: string, specs: readonly CheckSpec[], aws: PreflightAws, lookup?: HostLookup): Promise<PreflightOutcome> {
  let caller: CallerIdentity;
  try {
    caller = await aws.callerIdentity();
  } catch (err) {
    return {
      ok: false,
      message: isCredentialsError(err)
        ? `no usable AWS credentials (${errorMessage(err)}): run it with read-only credentials of the account to deploy into (AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or SSO after \`aws sso login\`)`
        : `cannot ask AWS who the caller is (sts:GetCallerIdentity in ${region}: ${errorMessage(err)}): check the credentials and the network`,
    };
  }
  const ctx = new Context(aws, region, caller);
  ctx.lookup = lookup;
  const checks: CheckResult[] = [{ id: 'credentials', kind: 'credentials', status: 'ok', message: `account ${caller.account}, as ${caller.arn}` }];
  for (const spec of specs) {
    try {
      checks.push(...await runCheck(spec, ctx));
    } catch (err) {
      checks.push(unchecked(spec.id, spec.kind, err));
    }
  }
  return { ok: true, report: { region, account: caller.account, callerArn: caller.arn, checks } };
}

/** The result of a check whose read failed. */
function unchecked(id: string, kind: CheckKind, err: unknown): CheckResult {
  if (errorName(err) === 'OptInRequired') {
    // EC2's answer in an opt-in region the account has not enabled (every regional read fails the same way).
    return { id, kind, status: 'fail', message: `the region is not enabled for this account (OptInRequired: ${errorMessage(err)})`, fix: 'enable the region (aws account enable-region) or choose another aws.region' };
  }
  if (isAccessDenied(err)) {
    return { id, kind, status: 'warn', message: `not checked: access denied (${errorName(err)})`, fix: `allow the preflight credentials ${PERMISSIONS[kind]} (read-only), or check it by hand` };
  }
  return { id, kind, status: 'warn', message: `not checked: ${errorName(err) || 'error'}: ${errorMessage(err)}`, fix: 'run preflight again; if it persists, check it by hand' };
}

/** What several checks share: the caller, and the zones the node groups use (read once). */
class Context {
  lookup?: HostLookup;
  /** The zones, or why they are not known (set by the zones check). */
  zones: { readonly ok: true; readonly zones: readonly string[] } | { readonly ok: false; readonly why: string } = { ok: false, why: 'the zones check did not run' };
  constructor(readonly aws: PreflightAws, readonly region: string, readonly caller: CallerIdentity) {}
}

async function runCheck(spec: CheckSpec, ctx: Context): Promise<CheckResult[]> {
  const result = (status: CheckStatus, message: string, fix?: string): CheckResult => ({ id: spec.id, kind: spec.kind, status, message, ...(fix !== undefined && status !== 'ok' && { fix }) });
  switch (spec.kind) {
    case 'region': {
      const found = (await ctx.aws.regions()).find((r) => r.name === spec.region);
      if (!found) return [result('fail', `${spec.region} is not a region of this account's partition`, 'set aws.region to a region such as eu-west-1')];
      if (found.optInStatus === 'not-opted-in') {
        return [result('fail', `${spec.region} is an opt-in region not enabled for account ${ctx.caller.account}`, `enable it (aws account enable-region --region-name ${spec.region}) or choose another aws.region`)];
      }
      return [result('ok', `${spec.region} is enabled`)];
    }
    case 'addon':
      return [addonResult(spec, await ctx.aws.addonVersions(spec.addonName, spec.kubernetesVersion), result)];
    case 'ssm-parameter': {
      const value = await ctx.aws.ssmParameter(spec.name);
      if (value === undefined) {
        return [result('fail', `${spec.name} (${spec.usedBy}) does not exist in ${ctx.region}: the plan's image lookup would fail`,
          `check that AWS publishes this image for the Kubernetes version in ${ctx.region} (aws ssm get-parameter --name ${spec.name}); change cluster.kubernetesVersion or ${spec.configPath}`)];
      }
      return [result('ok', `${value} (${spec.usedBy})`)];
    }
    case 'zones':
      return [await zonesResult(spec.source, ctx, result)];
    case 'instance-types': {
      if (!ctx.zones.ok) return [result('skipped', `not checked: the zones are not known (${ctx.zones.why})`, 'fix the zones check first')];
      const zones = ctx.zones.zones;
      const offered = await ctx.aws.instanceTypeOfferings(spec.instanceTypes, zones);
      const missing = spec.instanceTypes.flatMap((t) => {
        const absent = zones.filter((z) => !offered.some((o) => o.instanceType === t && o.zone === z));
        return absent.length === 0 ? [] : [`${t} in ${absent.length === zones.length ? `none of ${zones.join(', ')}` : absent.join(', ')}`];
      });
      if (missing.length > 0) {
        // EKS answers CreateNodegroup with InvalidRequestException "Your requested instance type (x) is not
        // supported in your requested Availability Zone (y)" (eksctl-io/eksctl#6461, awslabs/ec2-spot-workshops#154).
        return [result('fail', `not offered: ${missing.join('; ')} (EKS refuses a node group whose instance type a subnet's zone lacks)`,
          `choose ${spec.configPath} offered in every zone (aws ec2 describe-instance-type-offerings --location-type availability-zone --region ${ctx.region}), or other zones`)];
      }
      return [result('ok', `${spec.instanceTypes.join(', ')} offered in ${zones.join(', ')}`)];
    }
    case 'vcpu-quota':
      return [await quotaResult(spec.capacityType, spec.groups, ctx, result)];
    case 'hosted-zone':
      return hostedZoneResults(spec, ctx);
    case 'admin-principal':
      return [await principalResult(spec.arn, spec.index, ctx, result)];
    case 'deployer-access':
      return [await deployerResult(spec.adminPrincipalArns, spec.clusterCreatorAdmin, ctx, result)];
    case 'autoscaler':
      return [autoscalerResult(spec, result)];
    case 'gitlab-address':
      return [await gitlabAddressResult(spec, ctx, result)];
  }
}

/**
 * Whether workspaces can reach the GitLab instance: each address its name resolves to (from here) against
 * the workspace egress the stack writes. GitLab's default rule excepts the private ranges, so a GitLab on
 * private addresses needs `gitlab.privateCidrs`. Run preflight where the nodes' DNS answers the same
 * (inside the VPC or over its VPN) for a split-horizon name, or give the address with --resolve.
 */
async function gitlabAddressResult(spec: Extract<CheckSpec, { kind: 'gitlab-address' }>, ctx: Context, result: (status: CheckStatus, message: string, fix?: string) => CheckResult): Promise<CheckResult> {
  if (!isIP(spec.host) && !ctx.lookup) return result('skipped', `not checked: no resolver given for ${spec.host}`, 'run it from the CLI (gitlab-workspaces preflight), which asks the system resolver');
  let addresses: readonly string[];
  try {
    addresses = isIP(spec.host) ? [spec.host] : await ctx.lookup!(spec.host);
  } catch (err) {
    return result('warn', `${spec.host} does not resolve from here (${(err as { code?: string }).code || errorName(err) || 'no address'}): not checked whether workspaces can reach it`,
      'run preflight where the workspace nodes\' DNS answers (inside the VPC, or over its VPN), or give its address with --resolve; if the GitLab instance is on private addresses, list its blocks in gitlab.privateCidrs');
  }
  const single = (a: string) => `${a}/${isIP(a) === 6 ? 128 : 32}`;
  const unreached = addresses.filter((a) => !spec.egress.some((rule) => egressReaches(rule, single(a))));
  if (unreached.length === 0) return result('ok', `${spec.host} resolves to ${addresses.join(', ')}: workspace egress reaches it`);
  return result('warn', `${spec.host} resolves to ${unreached.join(', ')}, which workspace egress does not reach (GitLab's default rule excepts the private ranges): workspaces could not clone or push`,
    `add the GitLab instance's blocks to gitlab.privateCidrs (such as ${unreached.map(single).join(', ')}, or its load balancer's subnets)`);
}

type ResultOf = (status: CheckStatus, message: string, fix?: string) => CheckResult;

function addonResult(spec: Extract<CheckSpec, { kind: 'addon' }>, offered: AddonVersions | undefined, result: ResultOf): CheckResult {
  const where = `for Kubernetes ${spec.kubernetesVersion}`;
  if (!offered || offered.versions.length === 0) {
    return result('fail', `EKS offers no ${spec.addonName} add-on ${where}`, `check cluster.kubernetesVersion (aws eks describe-addon-versions --addon-name ${spec.addonName} --kubernetes-version ${spec.kubernetesVersion})`);
  }
  const suggestion = offered.defaultVersion ?? offered.versions[0];
  if (spec.version === undefined) {
    return result('ok', `${spec.addonName}: latest ${where} (${offered.versions[0]}; EKS default ${suggestion})`);
  }
  if (offered.versions.includes(spec.version)) {
    return result('ok', `${spec.addonName} ${spec.version} ${where} (${spec.source === 'config' ? 'pinned in the config' : 'tested pin'})`);
  }
  const key = `addons.${spec.configKey}.version`;
  return result('fail', `${spec.addonName} ${spec.version} (${spec.source === 'config' ? `pinned in ${key}` : 'the tested pin of lib/cluster/versions.ts'}) is not a version EKS offers ${where}; EKS default: ${suggestion}`,
    `set ${key}: ${suggestion}${spec.source === 'config' ? ', or leave it out for the tested pin' : ' (and report the wrong pin)'}; list: aws eks describe-addon-versions --addon-name ${spec.addonName} --kubernetes-version ${spec.kubernetesVersion}`);
}

async function zonesResult(source: ZoneSource, ctx: Context, result: ResultOf): Promise<CheckResult> {
  const fail = (why: string, fix: string) => {
    ctx.zones = { ok: false, why };
    return result('fail', why, fix);
  };
  if (source.kind === 'subnets') {
    const found = await ctx.aws.subnets(source.subnetIds);
    const missing = source.subnetIds.filter((id) => !found.some((s) => s.id === id));
    if (missing.length > 0) return fail(`subnets not found in ${ctx.region}: ${missing.join(', ')}`, 'correct network.existingVpc.privateSubnetIds (aws ec2 describe-subnets)');
    const elsewhere = found.filter((s) => s.vpcId !== source.vpcId);
    if (elsewhere.length > 0) {
      return fail(`private subnets outside ${source.vpcId}: ${elsewhere.map((s) => `${s.id} (in ${s.vpcId})`).join(', ')}`, 'list private subnets of network.existingVpc.vpcId only');
    }
    const zones = source.subnetIds.map((id) => found.find((s) => s.id === id)!.zone);
    const misplaced = source.subnetIds.filter((id, i) => source.configuredZones?.[id] !== undefined && source.configuredZones[id] !== zones[i]);
    if (misplaced.length > 0) {
      return fail(`private subnets in other zones than network.existingVpc.privateSubnetZones says: ${misplaced.map((id) => `${id} is in ${zones[source.subnetIds.indexOf(id)]}, not ${source.configuredZones![id]}`).join('; ')}`,
        `correct network.existingVpc.privateSubnetZones (${misplaced.map((id) => `${id}: ${zones[source.subnetIds.indexOf(id)]}`).join(', ')})`);
    }
    ctx.zones = { ok: true, zones: [...new Set(zones)] };
    return result('ok', `private subnets of ${source.vpcId} in ${ctx.zones.zones.join(', ')}`);
  }
  const region = (await ctx.aws.availabilityZones()).filter((z) => z.state === undefined || z.state === 'available');
  const names = region.map((z) => z.name);
  const absent = source.zones.filter((z) => !names.includes(z));
  if (absent.length > 0) return fail(`not available zones of ${ctx.region}: ${absent.join(', ')}`, `list zones among ${names.join(', ')} in network.availabilityZones`);
  ctx.zones = { ok: true, zones: source.zones };
  return result('ok', `${source.zones.join(', ')} available`);
}

/**
 * The EC2 instance family of a type (`m6i.large` -> `m`, `inf2.xlarge` -> `inf`) and whether the Standard
 * vCPU quotas (A, C, D, H, I, M, R, T, Z) cover it; G, P, X, F, Inf, Trn, DL, HPC, high memory and Mac
 * have quotas of their own, which preflight does not check.
 */
export function standardFamily(instanceType: string): boolean {
  const family = /^([a-z]+)/.exec(instanceType.toLowerCase())?.[1] ?? '';
  return ['a', 'c', 'd', 'h', 'i', 'im', 'is', 'm', 'r', 't', 'z'].includes(family);
}

async function quotaResult(capacityType: 'ON_DEMAND' | 'SPOT', groups: readonly NodeGroupSet[], ctx: Context, result: ResultOf): Promise<CheckResult> {
  const quota = VCPU_QUOTAS[capacityType];
  const allTypes = [...new Set(groups.flatMap((g) => g.instanceTypes))];
  const vcpus = await ctx.aws.instanceTypeVcpus(allTypes);
  const unknown = allTypes.filter((t) => vcpus[t] === undefined);
  if (unknown.length > 0) return result('skipped', `not checked: EC2 does not know ${unknown.join(', ')} in ${ctx.region}`, 'correct the instance types (see instance-types)');
  const other = allTypes.filter((t) => !standardFamily(t));
  const counted = groups.filter((g) => g.instanceTypes.every(standardFamily));
  const parts = counted.map((g) => {
    const largest = Math.max(...g.instanceTypes.map((t) => vcpus[t]));
    return { g, largest, total: g.count * g.maxSize * largest };
  });
  const need = parts.reduce((n, p) => n + p.total, 0);
  const breakdown = parts.map((p) => `${p.g.description}: ${p.g.count > 1 ? `${p.g.count} x ` : ''}${p.g.maxSize} x ${p.largest}`).join(' + ');
  const otherNote = other.length > 0 ? `; ${other.join(', ')} count against another quota, not checked` : '';
  const value = await ctx.aws.ec2Quota(quota.code);
  if (value === undefined) return result('warn', `the quota ${quota.code} (${quota.name}) is not readable in ${ctx.region}; the node groups at their maxima need ${need} vCPUs${otherNote}`, `check it in the Service Quotas console for ${ctx.region}`);
  const label = capacityType === 'SPOT' ? 'Spot' : 'On-Demand';
  if (need > value) {
    return result('fail', `${label} vCPU quota ${value} in ${ctx.region} (${quota.code}) is below the ${need} vCPUs the node groups need at their maxima (${breakdown})${otherNote}`,
      `request ${need} or more (aws service-quotas request-service-quota-increase --service-code ec2 --quota-code ${quota.code} --desired-value ${need} --region ${ctx.region}), or lower ${[...new Set(parts.map((p) => p.g.configPath))].join(' / ')}`);
  }
  const status = other.length > 0 ? 'warn' : 'ok';
  return result(status, `${label} vCPU quota ${value} (${quota.code}) covers the ${need} vCPUs of the node groups at their maxima (${breakdown}); other instances in ${ctx.region} count against it too${otherNote}`,
    'check the quota of the other instance families in the Service Quotas console');
}

/** A second result of the hosted-zone check: its own warning when its read fails, the first result kept. */
async function guarded(id: string, check: () => Promise<CheckResult>): Promise<CheckResult> {
  try {
    return await check();
  } catch (err) {
    return unchecked(id, 'hosted-zone', err);
  }
}

/** `example.com.` and `Example.com` -> `example.com`. */
function bare(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

async function hostedZoneResults(spec: Extract<CheckSpec, { kind: 'hosted-zone' }>, ctx: Context): Promise<CheckResult[]> {
  const zoneResult = (status: CheckStatus, message: string, fix?: string): CheckResult => ({ id: 'hosted-zone', kind: 'hosted-zone', status, message, ...(fix !== undefined && status !== 'ok' && { fix }) });
  const delegation = (status: CheckStatus, message: string, fix?: string): CheckResult => ({ id: 'hosted-zone/delegation', kind: 'hosted-zone', status, message, ...(fix !== undefined && status !== 'ok' && { fix }) });
  const dnsZone = bare(spec.dnsZone);
  const publicNamed = async (name: string) => (await ctx.aws.hostedZonesNamed(name)).filter((z) => !z.private && bare(z.name) === bare(name));

  if (spec.zone.by === 'create') {
    const existing = await publicNamed(dnsZone);
    const first = existing.length > 0
      ? zoneResult('warn', `a public zone ${dnsZone} already exists (${existing.map((z) => z.id).join(', ')}): create: true makes another one with other name servers`, `use gitlab.hostedZone.id: ${existing[0].id} instead of create: true`)
      : zoneResult('ok', `the stack creates the public zone ${dnsZone}`);
    return [first, await guarded('hosted-zone/delegation', () => parentDelegation(dnsZone, undefined, ctx, delegation))];
  }

  let zone: HostedZoneInfo | undefined;
  if (spec.zone.by === 'id') {
    const zoneId = spec.zone.zoneId.replace(/^\/hostedzone\//, '');
    zone = await ctx.aws.hostedZone(zoneId);
    if (!zone) return [zoneResult('fail', `no hosted zone ${zoneId} in account ${ctx.caller.account}`, 'correct gitlab.hostedZone.id (aws route53 list-hosted-zones)')];
    if (zone.private) return [zoneResult('fail', `the zone ${zoneId} (${bare(zone.name)}) is private: certificate validation and users need public records`, 'give the id of a public zone')];
    const name = bare(zone.name);
    if (name !== dnsZone && !dnsZone.endsWith(`.${name}`)) {
      return [zoneResult('fail', `the zone ${zoneId} is ${name}, neither ${dnsZone} nor a parent of it`, `give the id of the zone of ${dnsZone} or of a parent domain`)];
    }
  } else {
    const name = bare(spec.zone.name);
    const found = await publicNamed(name);
    if (found.length === 0) {
      return [zoneResult('fail', `no public hosted zone named ${name} in account ${ctx.caller.account}`,
        `create it, name an existing parent zone in gitlab.hostedZone.name, or set gitlab.hostedZone.create: true (then delegate ${dnsZone} to it)`)];
    }
    if (found.length > 1) {
      return [zoneResult('fail', `${found.length} public zones are named ${name} (${found.map((z) => z.id).join(', ')}): the lookup by name fails`, `set gitlab.hostedZone.id to the one to use`)];
    }
    zone = (await ctx.aws.hostedZone(found[0].id)) ?? found[0];
  }
  const first = zoneResult('ok', `public zone ${bare(zone.name)} (${zone.id}) holds the records of ${dnsZone}`);
  const found = zone;
  return [first, await guarded('hosted-zone/delegation', () => parentDelegation(bare(found.name), found, ctx, delegation))];
}

/**
 * Whether the parent domain delegates to the zone: when the parent's zone is in this account, its NS
 * record for the zone must list the zone's name servers; a parent elsewhere cannot be read with AWS
 * credentials (a warning naming what to check).
 */
async function parentDelegation(zoneName: string, zone: HostedZoneInfo | undefined, ctx: Context, result: ResultOf): Promise<CheckResult> {
  const labels = zoneName.split('.');
  for (let i = 1; i < labels.length - 1; i++) {
    const parentName = labels.slice(i).join('.');
    const parent = (await ctx.aws.hostedZonesNamed(parentName)).find((z) => !z.private && bare(z.name) === parentName);
    if (!parent) continue;
    if (!zone) {
      return result('ok', `the parent zone ${parentName} (${parent.id}) is in this account: after the cluster stack's apply, add the NS record ${zoneName} with its output hosted_zone_name_servers`);
    }
    const ns = await ctx.aws.nsRecord(parent.id, zoneName);
    const want = (zone.nameServers ?? []).map(bare).sort();
    if (!ns) {
      return result('fail', `the parent zone ${parentName} (${parent.id}) has no NS record for ${zoneName}: nothing resolves in it, and certificate validation waits until it times out`,
        `add the NS record ${zoneName} in ${parentName} with ${want.join(' ') || "the zone's name servers"}`);
    }
    const have = ns.map(bare).sort();
    if (want.length > 0 && have.join(' ') !== want.join(' ')) {
      return result('fail', `the NS record ${zoneName} in ${parentName} lists ${have.join(' ')}, not the zone's name servers ${want.join(' ')}`, `set the NS record ${zoneName} in ${parentName} to ${want.join(' ')}`);
    }
    return result('ok', `${parentName} (${parent.id}) delegates ${zoneName} to its name servers`);
  }
  if (labels.length <= 2) return result('ok', `${zoneName} is a registered domain: its registrar must list the zone's name servers (not checked)`);
  const parentName = labels.slice(1).join('.');
  return result('warn', `no parent zone of ${zoneName} in this account's Route 53: the delegation is not checked`,
    `make sure ${parentName}'s DNS has an NS record ${zoneName} with the zone's name servers${zone?.nameServers ? ` (${zone.nameServers.join(' ')})` : ' (the output hosted_zone_name_servers)'}`);
}

const IAM_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):(role|user)\/(?:[^/]+\/)*([^/]+)$/;

async function principalResult(arn: string, index: number, ctx: Context, result: ResultOf): Promise<CheckResult> {
  const key = `cluster.access.adminPrincipalArns[${index}]`;
  const m = IAM_ARN.exec(arn);
  if (!m) return result('fail', `${arn} is not an IAM role or user ARN`, `correct ${key}`);
  const [, , account, type, name] = m;
  if (account !== ctx.caller.account) {
    return result('skipped', `${arn} is in account ${account}, not the caller's ${ctx.caller.account}: IAM of another account is not readable`, `check it there: aws iam get-${type} --${type}-name ${name}`);
  }
  const found = type === 'role' ? await ctx.aws.roleArn(name) : await ctx.aws.userArn(name);
  if (found === undefined) return result('fail', `no IAM ${type} named ${name} in account ${account}: EKS refuses an access entry for it`, `correct ${key} (aws iam get-${type} --${type}-name ${name} prints the ARN) or create the ${type}`);
  if (found !== arn) return result('fail', `the ${type} ${name} is ${found}, not ${arn}: an access entry needs the exact ARN, path included`, `set ${key} to ${found}`);
  return result('ok', `${arn} exists`);
}

/**
 * The IAM principal behind the caller: a role's ARN (with its path, read with GetRole) for an
 * assumed-role session (SSO sessions included), a user's ARN as it is, undefined for root.
 */
async function callerPrincipal(ctx: Context): Promise<string | undefined> {
  const arn = ctx.caller.arn;
  const session = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(arn);
  if (session) {
    const [, partition, account, role] = session;
    return (await ctx.aws.roleArn(role)) ?? `arn:${partition}:iam::${account}:role/${role}`;
  }
  return /:root$/.test(arn) ? undefined : arn;
}

async function deployerResult(admins: readonly string[], creatorAdmin: boolean, ctx: Context, result: ResultOf): Promise<CheckResult> {
  if (creatorAdmin) return result('ok', 'cluster.access.clusterCreatorAdmin: whoever deploys is a cluster admin');
  const principal = await callerPrincipal(ctx);
  if (principal === undefined) {
    return result('warn', 'preflight runs as the account root user, which is not among cluster.access.adminPrincipalArns', 'deploy with a role listed in cluster.access.adminPrincipalArns, not as root');
  }
  if (admins.includes(principal)) return result('ok', `the caller (${principal}) is in cluster.access.adminPrincipalArns`);
  return result('warn', `the caller (${principal}) is not in cluster.access.adminPrincipalArns: deployed as it, the platform stack and kubectl get no cluster access`,
    `add ${principal} to cluster.access.adminPrincipalArns, or deploy with one of the roles listed there`);
}

function autoscalerResult(spec: Extract<CheckSpec, { kind: 'autoscaler' }>, result: ResultOf): CheckResult {
  const { chartVersion, imageTag, kubernetesVersion } = spec;
  if (chartVersion === undefined || imageTag === undefined) {
    return result('fail', `no tested Cluster Autoscaler for Kubernetes ${kubernetesVersion}`, 'set autoscaling.clusterAutoscaler.chartVersion and imageTag (an image v1.<minor>.x of the cluster\'s minor)');
  }
  const minor = /^1\.(\d+)$/.exec(kubernetesVersion)?.[1];
  if (!new RegExp(`^v1\\.${minor}\\.\\d+$`).test(imageTag)) {
    return result('fail', `the image tag ${imageTag} is not a v1.${minor}.x release: the autoscaler's minor must be the cluster's`, `set autoscaling.clusterAutoscaler.imageTag to v1.${minor}.<patch>`);
  }
  const verify = `check by hand: helm show chart cluster-autoscaler --repo https://kubernetes.github.io/autoscaler --version ${chartVersion} && docker manifest inspect registry.k8s.io/autoscaling/cluster-autoscaler:${imageTag}`;
  if (!spec.tested) {
    return result('warn', `chart ${chartVersion}, image ${imageTag} from the config: not a pair tested with Kubernetes ${kubernetesVersion} here; the chart repository and registry.k8s.io are not AWS, so not checked`, verify);
  }
  return result('skipped', `chart ${chartVersion}, image ${imageTag}: the tested pair for Kubernetes ${kubernetesVersion} (lib/cluster/versions.ts); the chart repository and registry.k8s.io are not AWS, so not checked`, verify);
}
