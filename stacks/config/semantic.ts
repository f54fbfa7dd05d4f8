/**
 * The config rules a JSON Schema cannot express: sizes that must agree, CIDRs that must nest and not
 * overlap, versions that must match and be supported, settings that only mean something together. Runs
 * after the schema check, on the config with defaults filled in; `source` tells which keys the user
 * wrote. Warnings (a version leaving standard support, a placeholder left in) do not stop the synth.
 *
 * Each rule names the config paths it reads. On a config the schema refused in part, a rule still runs
 * when no schema error lies at, under or above any of those paths, so one synth reports the schema
 * errors and the semantic errors of the parts that are well-formed; a rule that would read a broken
 * value stays silent rather than judge it (test/stacks/semantic-reads.test.ts holds the lists to what
 * the rules read).
 */
import { Diagnostic } from '../../lib/common/diagnostics';
import { Cidr, cidrContains, cidrOverlaps, parseCidr } from '../../lib/common/cidr';
import { formatPath, YamlPath, YamlSource } from '../../lib/common/yaml-source';
import {
  amiReleaseVersionParameter,
  clusterAutoscalerRelease,
  eksSupportStatus,
  kubernetesMinor,
  MIN_KUBERNETES_VERSION,
  SUPPORTED_KUBERNETES_VERSIONS,
} from '../../lib/cluster/versions';
import { hostNameProblem } from '../../lib/agent-config/kubernetes-rules';
import { defaultKasAddress, isGitLabDedicated, isGitLabDotCom, kasAddressProblem, privateHostHint } from '../../lib/common/gitlab-urls';
import { MIN_PROXY_CHART_VERSION, MIN_VPC_CNI_FOR_CLUSTER_NETWORK_POLICY, versionAtLeast } from '../../lib/gitlab/versions';
import { addonVersion, pinsNeeded } from './addons';
import { WORKSPACE_GENERATION_LABEL } from '../../lib/cluster/scheduling';
import { agentImageTagFor, agentVersionWindowProblem, gitlabVersionFromValue } from '../../lib/common/gitlab-version';
import { NODE_CREDENTIAL_ENDPOINTS } from '../../lib/agent-config';
import { stackAgentSettings } from './agent-settings';
import { checkWorkspaceCapacity } from './capacity-rule';
import { instanceTypeMemoryGiB, instanceTypeVcpus, isArmInstanceType } from '../../lib/cluster/instance-types';
import { workspaceGenerations, workspaceNodeImage } from './runtime';
import { RUNTIME_RULES } from './runtime-rules';
import { checkBackups, checkDataVolumeSnapshot, checkHeadroom, checkPrePullImages } from './fast-start';
import { EntryPointAccessLogsConfig, HostedZoneConfig, NodeGroupConfig, poolAmiType, workspaceDomain, WorkspacesConfig } from './types';

export interface SemanticOptions {
  /** The day the config is checked on (support-window warnings). @default now */
  readonly today?: Date;
}

type Report = (rule: string, path: YamlPath, message: string) => void;
/** What a rule gets besides the config: where to report, and what the user wrote. */
export interface Reporters {
  readonly error: Report;
  readonly warning: Report;
  /** Whether the user wrote this key (rather than the schema's default filling it in). */
  readonly written: (path: YamlPath) => boolean;
  /** Diagnostics a rule got from another checker (the agent settings'). */
  readonly add: (diagnostics: readonly Diagnostic[]) => void;
  /** The stack config file. */
  readonly source: YamlSource;
  /** The day the config is checked on. */
  readonly today: Date;
}

/** One semantic rule: the config paths it reads, and the check. */
export interface SemanticRule {
  /** What the rule checks, for tests. */
  readonly name: string;
  /**
   * Every config path the rule reads (the rule reads nothing else: reading a path's parents to get to it
   * is allowed). It runs only when no schema error lies at, under or above any of them.
   */
  readonly reads: readonly YamlPath[];
  readonly check: (config: WorkspacesConfig, r: Reporters) => void;
}

/** gp3's baseline, free at any size. */
const GP3_BASELINE_IOPS = 3000;
/** gp3 allows at most 500 IOPS per GiB of volume size. */
export const GP3_MAX_IOPS_PER_GIB = 500;
/** gp3 allows at most 0.25 MiB/s of throughput per provisioned IOPS. */
const GP3_MAX_MIBPS_PER_IOPS = 0.25;
/** How long before the end of standard support synth starts to say so. */
const SUPPORT_WARNING_DAYS = 60;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Runs the semantic rules. `schemaErrors` are the paths at which the schema refused the config (empty for
 * a config it accepted): a rule that reads one of them, or what is under or above one, does not run.
 */
export function checkSemantics(config: WorkspacesConfig, source: YamlSource, options: SemanticOptions = {}, schemaErrors: readonly YamlPath[] = []): Diagnostic[] {
  const out: Diagnostic[] = [];
  const r = reporters(source, options, out);
  for (const rule of runnableRules(schemaErrors)) {
    if (schemaErrors.length === 0) {
      rule.check(config, r);
      continue;
    }
    // Beside schema errors a rule is a bonus: should it still trip over the partly checked config (its
    // `reads` list missing a path), it loses its findings, and the synth keeps its schema errors.
    const before = out.length;
    try {
      rule.check(config, r);
    } catch {
      out.length = before;
    }
  }
  return out;
}

/** Reporters that add to `out`. */
export function reporters(source: YamlSource, options: SemanticOptions, out: Diagnostic[]): Reporters {
  return {
    error: (rule, path, message) => out.push(source.diagnostic('error', `config/${rule}`, path, message)),
    warning: (rule, path, message) => out.push(source.diagnostic('warning', `config/${rule}`, path, message)),
    written: (path) => source.node(path) !== undefined,
    add: (diagnostics) => out.push(...diagnostics),
    source,
    today: options.today ?? new Date(),
  };
}

/** The rules that read no path at, under or above a schema error. */
export function runnableRules(schemaErrors: readonly YamlPath[]): SemanticRule[] {
  return SEMANTIC_RULES.filter((rule) => !rule.reads.some((read) => schemaErrors.some((e) => pathsOverlap(read, e))));
}

/** Whether one path is the other, or lies under it. */
export function pathsOverlap(a: YamlPath, b: YamlPath): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (String(a[i]) !== String(b[i])) return false;
  return true;
}

function checkState(config: WorkspacesConfig, r: Reporters): void {
  if (config.state.backend !== 'local') return;
  for (const key of ['bucket', 'keyPrefix', 'region', 'useLockfile', 'kmsKeyId'] as const) {
    if (r.written(['state', key])) {
      r.error('state-backend', ['state', key], `\`${key}\` applies only to backend s3; set state.backend: s3, or remove it (the local backend keeps terraform.<stack>.tfstate files in the repository root)`);
    }
  }
}

function checkClusterVersion(config: WorkspacesConfig, r: Reporters): void {
  const version = config.cluster.kubernetesVersion;
  const supported: readonly string[] = SUPPORTED_KUBERNETES_VERSIONS;
  if (kubernetesMinor(version) < kubernetesMinor(MIN_KUBERNETES_VERSION)) {
    r.error('kubernetes-version', ['cluster', 'kubernetesVersion'],
      `Kubernetes ${version} is too old: ${MIN_KUBERNETES_VERSION} or newer is required (user namespaces, which sudo-capable workspaces use, are on by default from 1.33); supported versions: ${supported.join(', ')}`);
    return;
  }
  if (!supported.includes(version)) {
    // A newer minor than the tables know: the config supplies what they would (never a lookup at plan).
    const missing = pinsNeeded(config);
    if (missing.length > 0) {
      r.error('kubernetes-version', ['cluster', 'kubernetesVersion'],
        `Kubernetes ${version} is newer than the versions tested here (${supported.join(', ')}), which have the add-on versions and autoscaler release this stack would otherwise use; pin them in the config: ${missing.map((p) => formatPath(p)).join(', ')} `
        + `(add-ons: a version from aws eks describe-addon-versions --kubernetes-version ${version} --addon-name <name>, or latest; the autoscaler: an image tag v${version}.x and the chart of https://kubernetes.github.io/autoscaler whose appVersion is that minor)`);
      return;
    }
    r.warning('untested-kubernetes-version', ['cluster', 'kubernetesVersion'],
      `Kubernetes ${version} is not tested here (tested: ${supported.join(', ')}): its add-on versions and Cluster Autoscaler chart and image are the config's pins, and the node images AWS's recommended ones for ${version}; check the pins against the account (gitlab-workspaces preflight, or aws eks describe-addon-versions) and try the upgrade on a cluster that runs no one's workspaces first`);
  }
  checkSupportWindow(config, r);
}

function checkAuditLog(config: WorkspacesConfig, r: Reporters): void {
  if (!config.cluster.logs.types.includes('audit')) {
    r.error('audit-log', ['cluster', 'logs', 'types'],
      'the audit log cannot be turned off: workspaces run code their users did not write, and the audit log is the record of what reached the Kubernetes API; add "audit"');
  }
}

function checkClusterAccess(config: WorkspacesConfig, r: Reporters): void {
  const { access } = config.cluster;
  if (!access.clusterCreatorAdmin && access.adminPrincipalArns.length === 0) {
    r.error('no-admin', ['cluster', 'access'],
      'nobody would administer the cluster: list the IAM roles that run cdktf deploy and kubectl (people, CI) in adminPrincipalArns, or set clusterCreatorAdmin: true');
  }
  access.adminPrincipalArns.forEach((arn, i) => {
    if (/^arn:[^:]+:iam::123456789012:/.test(arn)) {
      r.warning('placeholder', ['cluster', 'access', 'adminPrincipalArns', i], `${arn} is in AWS's example account 123456789012: replace it with a role of your account before deploying`);
    }
  });
}

function checkEndpoint(config: WorkspacesConfig, r: Reporters): void {
  const { endpoint } = config.cluster;
  for (const key of ['publicAccessCidrs', 'privateAccessCidrs'] as const) {
    endpoint[key].forEach((c, i) => networkBlock(c, ['cluster', 'endpoint', key, i], r));
  }
  if (endpoint.publicAccess) {
    if (endpoint.publicAccessCidrs.length === 0) {
      r.error('public-endpoint', ['cluster', 'endpoint', 'publicAccessCidrs'],
        'the public API endpoint needs publicAccessCidrs: list the networks that may reach the Kubernetes API (office, VPN, CI runners), or set publicAccess: false');
    }
    endpoint.publicAccessCidrs.forEach((c, i) => {
      const block = parseCidr(c);
      if (!block.ok || block.cidr.hostBitsSet) return; // malformed or host bits: reported already
      if (block.cidr.prefixLength === 0 && !endpoint.allowPublicEndpointFromAnywhere) {
        r.error('public-endpoint', ['cluster', 'endpoint', 'publicAccessCidrs', i],
          `${c} opens the Kubernetes API of a cluster that runs untrusted code to the whole internet; list your own networks, or set cluster.endpoint.allowPublicEndpointFromAnywhere: true`);
      } else if (DOCUMENTATION_BLOCKS.some((doc) => cidrContains(doc, block.cidr))) {
        r.warning('placeholder', ['cluster', 'endpoint', 'publicAccessCidrs', i],
          `${c} is a documentation range (RFC 5737) that no real client has: replace it with the addresses you run cdktf deploy and kubectl from`);
      }
    });
  } else if (endpoint.privateAccessCidrs.length === 0) {
    r.error('unreachable-api', ['cluster', 'endpoint', 'publicAccess'],
      'with publicAccess false, only the nodes could reach the Kubernetes API, and the platform stack installs the storage class and the autoscaler through it; list the networks you deploy the platform stack from (VPN, CI runners in the VPC) in privateAccessCidrs');
  }
}

/** RFC 5737 documentation blocks: placeholders, never real clients. */
const DOCUMENTATION_BLOCKS: Cidr[] = ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24'].map((c) => {
  const parsed = parseCidr(c);
  if (!parsed.ok) throw new Error(c);
  return parsed.cidr;
});

/** Warns when the version has left, or is about to leave, EKS standard support. */
function checkSupportWindow(config: WorkspacesConfig, r: Reporters): void {
  const { kubernetesVersion: version, upgradePolicy } = config.cluster;
  const { today } = r;
  const path: YamlPath = ['cluster', 'kubernetesVersion'];
  const status = eksSupportStatus(version, today);
  const next = `1.${kubernetesMinor(version) + 1}`;
  switch (status.tier) {
    case 'standard': {
      const days = Math.ceil((Date.parse(status.endsOn) - today.getTime()) / DAY_MS);
      if (days <= SUPPORT_WARNING_DAYS) {
        r.warning('standard-support', path,
          `Kubernetes ${version} leaves EKS standard support on ${status.endsOn} (in ${days} ${days === 1 ? 'day' : 'days'}); ${upgradePolicy === 'STANDARD' ? 'EKS will then upgrade the control plane by itself' : 'extended support then costs $0.60 instead of $0.10 per cluster-hour'}: plan the upgrade to ${next}`);
      }
      return;
    }
    case 'extended':
      r.warning('standard-support', path, upgradePolicy === 'STANDARD'
        ? `Kubernetes ${version} left EKS standard support on ${status.since}: with upgradePolicy STANDARD, EKS upgrades the control plane to ${next} by itself (and the node groups then lag behind it); upgrade to ${next} now, or set cluster.upgradePolicy: EXTENDED to keep ${version} until ${status.endsOn} at $0.60 instead of $0.10 per cluster-hour`
        : `Kubernetes ${version} has been in EKS extended support since ${status.since}, billed at $0.60 instead of $0.10 per cluster-hour, until ${status.endsOn}; upgrade to ${next}`);
      return;
    case 'ended':
      r.warning('standard-support', path, `Kubernetes ${version} left EKS extended support on ${status.since}: EKS upgrades such clusters by itself; upgrade to ${next}`);
      return;
    case 'unknown':
      return;
  }
}

/** Keys of the `network` section that describe a VPC the stack creates. */
const CREATED_VPC_KEYS = ['vpcCidr', 'availabilityZoneCount', 'availabilityZones', 'privateSubnetCidrs', 'publicSubnetCidrs', 'natGateways', 's3GatewayEndpoint'] as const;

function checkNetwork(config: WorkspacesConfig, r: Reporters): void {
  const { network, aws } = config;
  if (network.existingVpc) {
    for (const key of CREATED_VPC_KEYS) {
      if (r.written(['network', key])) {
        r.error('existing-vpc', ['network', key], `\`${key}\` describes a VPC the stack creates; with network.existingVpc the stack creates none: remove it`);
      }
    }
    return;
  }
  const count = network.availabilityZoneCount;
  const vpc = networkBlock(network.vpcCidr, ['network', 'vpcCidr'], r);
  if (!vpc) return;
  if (vpc.prefixLength < 16 || vpc.prefixLength > 28) {
    r.error('vpc-size', ['network', 'vpcCidr'], `a VPC block must be between /16 and /28 (AWS limit), not /${vpc.prefixLength}`);
    return;
  }
  const computed = !network.privateSubnetCidrs || !network.publicSubnetCidrs;
  if (computed && vpc.prefixLength > 20) {
    r.error('vpc-size', ['network', 'vpcCidr'],
      `a /${vpc.prefixLength} VPC is too small for the default subnet plan (one /${vpc.prefixLength + 3} private block per zone); use /16 to /20, or give privateSubnetCidrs and publicSubnetCidrs`);
  }

  if (network.availabilityZones) {
    if (network.availabilityZones.length !== count) {
      r.error('zone-count', ['network', 'availabilityZones'],
        `lists ${network.availabilityZones.length} zones but availabilityZoneCount is ${count}; list exactly ${count} zones or change availabilityZoneCount`);
    }
    network.availabilityZones.forEach((z, i) => {
      if (!z.startsWith(aws.region)) {
        r.error('zone-region', ['network', 'availabilityZones', i], `${z} is not a zone of the region ${aws.region}; zones of ${aws.region} look like ${aws.region}a`);
      }
    });
  }

  const all: Array<{ cidr: string; block: Cidr; path: YamlPath }> = [];
  for (const key of ['privateSubnetCidrs', 'publicSubnetCidrs'] as const) {
    const list = network[key];
    if (!list) continue;
    if (list.length !== count) {
      r.error('zone-count', ['network', key], `lists ${list.length} blocks but availabilityZoneCount is ${count}; give one block per zone`);
    }
    list.forEach((c, i) => {
      const path: YamlPath = ['network', key, i];
      const block = networkBlock(c, path, r);
      if (!block) return;
      if (!cidrContains(vpc, block)) r.error('subnet-outside-vpc', path, `${c} is not inside the VPC block ${network.vpcCidr}`);
      if (key === 'privateSubnetCidrs' && block.prefixLength > 24) {
        r.error('subnet-size', path, `${c} is too small for nodes: every pod takes an address of the node subnet (VPC CNI); use /24 or larger`);
      }
      for (const other of all) {
        if (cidrOverlaps(other.block, block)) r.error('subnet-overlap', path, `${c} overlaps ${other.cidr} (${formatPath(other.path)}); subnets must not overlap`);
      }
      all.push({ cidr: c, block, path });
    });
  }
}

/**
 * Zones are resolved at synth: listed for a VPC the stack creates (a data source's first zones could change
 * under a running stack and replace its subnets), given per subnet for an existing VPC whose workspace
 * groups are per zone (they are named and keyed by zone).
 */
function checkZones(config: WorkspacesConfig, r: Reporters): void {
  const { network, aws } = config;
  const region = aws.region;
  if (!network.existingVpc) {
    if (network.availabilityZones === undefined) {
      const count = network.availabilityZoneCount;
      r.error('zones', ['network'],
        `\`availabilityZones\` is required in \`network\`: list the ${count} zones the VPC spans (availabilityZoneCount), such as [${['a', 'b', 'c'].slice(0, count).map((l) => `${region}${l}`).join(', ')}]. Zones are fixed at synth so that a change in what the region offers never replaces subnets or node groups. `
        + `For a new VPC, choose among aws ec2 describe-availability-zones --region ${region} --filters Name=opt-in-status,Values=opt-in-not-required --query 'AvailabilityZones[].ZoneName'; `
        + `for a VPC this stack already created, list the zones of its subnets ${config.cluster.name}-private-0, -1${count === 3 ? ', -2' : ''} in that order (aws ec2 describe-subnets --filters Name=tag:Name,Values=${config.cluster.name}-private-* --query 'Subnets[].[Tags[?Key==\`Name\`]|[0].Value,AvailabilityZone]')`);
    }
    return;
  }
  const vpc = network.existingVpc;
  const zones = vpc.privateSubnetZones;
  const at: YamlPath = ['network', 'existingVpc', 'privateSubnetZones'];
  if (zones === undefined) {
    if (config.nodes.workspaces.perZone) {
      r.error('zones', ['network', 'existingVpc'],
        `\`privateSubnetZones\` is required in \`network.existingVpc\` with nodes.workspaces.perZone: workspace node groups are one per zone, named and keyed by zone at synth (so reordering privateSubnetIds never replaces them). `
        + `Give the zone of each private subnet, such as {${vpc.privateSubnetIds[0]}: ${region}a}; list them with aws ec2 describe-subnets --subnet-ids ${vpc.privateSubnetIds.join(' ')} --query 'Subnets[].[SubnetId,AvailabilityZone]' --output text`);
    }
    return;
  }
  const missing = vpc.privateSubnetIds.filter((s) => zones[s] === undefined);
  if (missing.length > 0) {
    r.error('zones', at, `gives no zone for ${missing.join(', ')}: give the zone of every subnet in privateSubnetIds`);
  }
  for (const [subnet, zone] of Object.entries(zones)) {
    if (!vpc.privateSubnetIds.includes(subnet)) {
      r.error('zones', [...at, subnet], `${subnet} is not in privateSubnetIds: remove it, or add it to privateSubnetIds`);
    } else if (!zone.startsWith(region)) {
      r.error('zone-region', [...at, subnet], `${zone} is not a zone of the region ${region}; zones of ${region} look like ${region}a`);
    }
  }
  const distinct = new Set(vpc.privateSubnetIds.map((s) => zones[s]).filter((z) => z !== undefined));
  if (missing.length === 0 && distinct.size < 2) {
    r.error('zones', at, `puts every private subnet in ${[...distinct].join('')}: EKS needs private subnets in at least two availability zones`);
  }
}

/** An existing VPC's subnet blocks (for the capacity's address count) name only its private subnets. */
function checkSubnetCidrs(config: WorkspacesConfig, r: Reporters): void {
  const vpc = config.network.existingVpc;
  if (!vpc?.privateSubnetCidrs) return;
  for (const subnet of Object.keys(vpc.privateSubnetCidrs)) {
    if (!vpc.privateSubnetIds.includes(subnet)) {
      r.error('subnet-cidrs', ['network', 'existingVpc', 'privateSubnetCidrs', subnet], `${subnet} is not in privateSubnetIds: remove it, or add it to privateSubnetIds`);
    }
  }
}

/**
 * Workspace capacity warnings: Spot reclaims end the sessions on the node (a workspace pod does not move;
 * it restarts elsewhere with its volume, losing what ran); instance types of different sizes in one group
 * make the Cluster Autoscaler plan with the first type's size (it assumes every node of a group is alike).
 */
function checkWorkspaceInstances(config: WorkspacesConfig, r: Reporters): void {
  const ws = config.nodes.workspaces;
  if (ws.capacityType === 'SPOT') {
    r.warning('workspaces-spot', ['nodes', 'workspaces', 'capacityType'],
      'workspace nodes on Spot: when AWS reclaims a node (two minutes\' notice), every workspace on it stops mid-session and restarts on another node, losing running processes and unsaved editor state (only the volume survives); use ON_DEMAND unless your users accept that');
  }
  const [first, ...others] = ws.instanceTypes;
  if (first === undefined) return;
  const size = (type: string) => ({ vcpus: instanceTypeVcpus(type), memory: instanceTypeMemoryGiB(type) });
  const firstSize = size(first);
  others.forEach((type, j) => {
    const other = size(type);
    const vcpusDiffer = firstSize.vcpus !== undefined && other.vcpus !== undefined && firstSize.vcpus !== other.vcpus;
    const memoryDiffers = firstSize.memory !== undefined && other.memory !== undefined && firstSize.memory !== other.memory;
    if (!vcpusDiffer && !memoryDiffers) return;
    const describe = (t: string, s: { vcpus?: number; memory?: number }) => `${t} (${s.vcpus ?? '?'} vCPU, ${s.memory ?? '?'} GiB)`;
    r.warning('workspaces-mixed-sizes', ['nodes', 'workspaces', 'instanceTypes', j + 1],
      `${describe(type, other)} differs in size from ${describe(first, firstSize)}: the Cluster Autoscaler sizes a new node of the group as its first type, so it adds nodes that cannot fit the workspace it scaled up for, or too many; list types of one size (such as m6i.2xlarge, m7i.2xlarge, m6a.2xlarge)`);
  });
}

/** Flow logs: the bucket of destination s3, and the keys each destination takes. */
function checkFlowLogs(config: WorkspacesConfig, r: Reporters): void {
  const logs = config.network.flowLogs;
  const at = (key: string): YamlPath => ['network', 'flowLogs', key];
  if (!logs.enabled) {
    for (const key of ['destination', 'bucket', 'prefix', 'retentionDays']) {
      if (!r.written(at(key))) continue;
      const why = r.written(at('enabled')) ? '' : ' (they are off by default with network.existingVpc: the stack does not change a VPC it only reads)';
      r.error('flow-logs', at(key), `\`${key}\` applies only with flow logs on${why}: set enabled: true, or remove it`);
    }
    return;
  }
  if (logs.destination === 's3') {
    if (logs.bucket === undefined) r.error('flow-logs', ['network', 'flowLogs'], '`bucket` is required with destination: s3: give an existing bucket whose policy lets delivery.logs.amazonaws.com write (docs/stacks.md)');
    if (r.written(at('retentionDays'))) r.error('flow-logs', at('retentionDays'), '`retentionDays` applies only to the log group of destination cloud-watch-logs; the bucket keeps flow logs by its own lifecycle rules: remove it');
    if (logs.prefix?.includes('AWSLogs')) r.error('flow-logs', at('prefix'), `${JSON.stringify(logs.prefix)} contains AWSLogs, which the delivery adds after the prefix itself (<prefix>/AWSLogs/<account>/...); choose another prefix`);
  } else {
    for (const key of ['bucket', 'prefix']) {
      if (r.written(at(key))) r.error('flow-logs', at(key), `\`${key}\` applies only to destination: s3; set destination: s3, or remove it`);
    }
  }
}

/** The system nodes run CoreDNS and the autoscaler: never none. */
function checkSystemNodes(config: WorkspacesConfig, r: Reporters): void {
  if (config.nodes.system.minSize < 1) {
    r.error('system-nodes', ['nodes', 'system', 'minSize'],
      'the system node group needs at least 1 node: CoreDNS and the Cluster Autoscaler run there, and nothing could scale it back up from 0');
  }
}

function checkGenerations(config: WorkspacesConfig, r: Reporters): void {
  const { workspaces } = config.nodes;
  const { generation } = workspaces;
  const listed = new Map<number, number>();
  const cluster = config.cluster.kubernetesVersion;
  const clusterMinor = kubernetesMinor(cluster);
  workspaceGenerations(config).filter((g) => g.retiring).forEach(({ generation: g, kubernetesVersion: built }, i) => {
    const entry: YamlPath = ['nodes', 'workspaces', 'retiringGenerations', i];
    const at: YamlPath = typeof workspaces.retiringGenerations[i] === 'number' ? entry : [...entry, 'generation'];
    const builtMinor = kubernetesMinor(built);
    const builtAt: YamlPath = [...entry, 'kubernetesVersion'];
    if (builtMinor > clusterMinor) {
      r.error('workspace-generation-version', builtAt,
        `generation ${g} cannot have been built at Kubernetes ${built}: cluster.kubernetesVersion is ${cluster}, and nodes are never newer than the control plane; write the minor its nodes run (kubectl get nodes -l ${WORKSPACE_GENERATION_LABEL}=${g})`);
    } else if (builtMinor < clusterMinor - 1) {
      const between = `1.${clusterMinor - 1}`;
      r.error('workspace-generation-version', builtAt,
        `retiring generation ${g} was built at Kubernetes ${built}, and cluster.kubernetesVersion asks for ${cluster}: EKS upgrades the control plane only while every managed node group is at its current minor, so generation ${g} blocks the upgrade from ${between}. `
        + `Keep cluster.kubernetesVersion at ${between} until generation ${g} is empty (its running workspaces stop within the agent's max_active_hours_before_stop, 36 hours unless gitlab.remote_development sets it; or stop them, or drain its nodes: docs/operations.md#emptying-a-retiring-generation), `
        + `remove it from nodes.workspaces.retiringGenerations and deploy; then upgrade`);
    }
    if (g >= generation) {
      r.error('workspace-generation', at,
        `generation ${g} cannot retire: it is not older than the current generation ${generation}; list only generations below ${generation}`);
    } else if (listed.has(g)) {
      r.error('workspace-generation', at, `generation ${g} is listed twice (entries ${listed.get(g)} and ${i}); list each retiring generation once`);
    }
    listed.set(g, listed.get(g) ?? i);
  });
}

function checkNodeGroup(group: Pick<NodeGroupConfig, 'minSize' | 'desiredSize' | 'maxSize'>, path: YamlPath, r: Reporters): void {
  if (group.minSize > group.maxSize) {
    r.error('node-group-size', [...path, 'minSize'], `minSize ${group.minSize} is larger than maxSize ${group.maxSize}; sizes must satisfy minSize <= desiredSize <= maxSize`);
  } else if (group.desiredSize < group.minSize || group.desiredSize > group.maxSize) {
    r.error('node-group-size', [...path, 'desiredSize'],
      `desiredSize ${group.desiredSize} is outside ${group.minSize}..${group.maxSize}; sizes must satisfy minSize <= desiredSize <= maxSize`);
  }
}

/** Re-exported: where the architecture rule reads it (the test of the rule imports it from here). */
export { isArmInstanceType };

/** Why workspace nodes must be x86_64. */
const WORKSPACES_AMD64 = 'GitLab workspaces run linux/amd64 images only (GitLab\'s platform requirement; its tools injector image is amd64)';

function checkArchitecture(config: WorkspacesConfig, pool: 'system' | 'workspaces', r: Reporters): void {
  // The runtime may decide the workspace image (Sysbox: Ubuntu amd64), whatever nodes.amiType says.
  const image = pool === 'workspaces' ? workspaceNodeImage(config) : { kind: 'eks-optimized' as const, amiType: poolAmiType(config.nodes, pool) };
  const amiType = image.kind === 'eks-optimized' ? image.amiType : `Canonical's Ubuntu ${image.release} ${image.arch}`;
  const arm = image.kind === 'eks-optimized' ? image.amiType === 'AL2023_ARM_64_STANDARD' : image.arch === 'arm64';
  const amiPath: YamlPath = r.written(['nodes', pool, 'amiType']) ? ['nodes', pool, 'amiType'] : ['nodes', 'amiType'];
  if (pool === 'workspaces' && arm && image.kind === 'eks-optimized') {
    r.error('workspace-architecture', amiPath,
      `workspace nodes cannot use ${amiType}: ${WORKSPACES_AMD64}; set nodes.workspaces.amiType: AL2023_x86_64_STANDARD (the system nodes may stay on Graviton with nodes.system.amiType)`);
    return;
  }
  config.nodes[pool].instanceTypes.forEach((type, i) => {
    const path: YamlPath = ['nodes', pool, 'instanceTypes', i];
    if (isArmInstanceType(type) === arm) return;
    if (pool === 'workspaces') {
      r.error('workspace-architecture', path, `${type} is a Graviton (arm64) instance type: ${WORKSPACES_AMD64}; use x86_64 types such as m6i.2xlarge or m7i.2xlarge`);
      return;
    }
    r.error('instance-architecture', path, arm
      ? `${type} is an x86_64 instance type, but the system nodes' amiType is AL2023_ARM_64_STANDARD; use Graviton types (such as m7g.large) or amiType AL2023_x86_64_STANDARD`
      : `${type} is a Graviton (arm64) instance type, but the system nodes' amiType is ${amiType}; use x86_64 types (such as m6i.large) or nodes.system.amiType AL2023_ARM_64_STANDARD`);
  });
}

function checkAutoscaler(config: WorkspacesConfig, r: Reporters): void {
  const ca = config.autoscaling.clusterAutoscaler;
  const version = config.cluster.kubernetesVersion;
  // Not for a version that is too old: the version itself was reported.
  if (ca.imageTag === undefined || kubernetesMinor(version) < kubernetesMinor(MIN_KUBERNETES_VERSION)) return;
  const clusterMinor = kubernetesMinor(version);
  const tested = clusterAutoscalerRelease(version);
  if (kubernetesMinor(ca.imageTag) !== clusterMinor) {
    r.error('autoscaler-version', ['autoscaling', 'clusterAutoscaler', 'imageTag'],
      `the Cluster Autoscaler ${ca.imageTag} does not match Kubernetes ${version}: its minor version must be the cluster's (v1.${clusterMinor}.x); ${tested ? `leave imageTag out for the tested ${tested.imageTag}` : `use a v1.${clusterMinor}.x tag`}`);
  }
}

/** A pinned system node image must be a release of the cluster's Kubernetes minor. */
function checkSystemImage(config: WorkspacesConfig, r: Reporters): void {
  const release = config.nodes.system.releaseVersion;
  const version = config.cluster.kubernetesVersion;
  if (release === undefined || kubernetesMinor(release) === kubernetesMinor(version)) return;
  const amiType = poolAmiType(config.nodes, 'system');
  r.error('system-release-version', ['nodes', 'system', 'releaseVersion'],
    `${release} is an AMI release for Kubernetes 1.${kubernetesMinor(release)}, and cluster.kubernetesVersion is ${version}: give a ${version} release with the version change (the recommended one: aws ssm get-parameter --name ${amiReleaseVersionParameter(amiType, version)}), or leave releaseVersion out for the recommended one`);
}

function checkStorage(config: WorkspacesConfig, r: Reporters): void {
  const { storage } = config;
  const sc = storage.defaultStorageClass;
  const path: YamlPath = ['storage', 'defaultStorageClass'];
  if (sc.iops !== undefined && sc.iopsPerGiB !== undefined) {
    r.error('storage-iops', [...path, 'iopsPerGiB'], 'give iops (the same for every volume) or iopsPerGiB (by volume size), not both');
  } else if (sc.iops !== undefined && sc.iops > GP3_BASELINE_IOPS) {
    const minGiB = Math.ceil(sc.iops / GP3_MAX_IOPS_PER_GIB);
    r.error('storage-iops', [...path, 'iops'],
      `${sc.iops} IOPS on every volume makes volumes under ${minGiB} GiB fail to create (gp3 allows ${GP3_MAX_IOPS_PER_GIB} IOPS per GiB), and GitLab creates devfile volumes of any size; use iopsPerGiB (for example ${Math.ceil(sc.iops / 50)} for ${sc.iops} IOPS on a 50 GiB workspace volume), which raises small volumes to the gp3 minimum instead`);
  }
  if (sc.throughputMiBps !== undefined) {
    const iops = sc.iops ?? GP3_BASELINE_IOPS;
    const max = iops * GP3_MAX_MIBPS_PER_IOPS;
    if (sc.throughputMiBps > max) {
      r.error('storage-throughput', [...path, 'throughputMiBps'],
        `${sc.throughputMiBps} MiB/s needs at least ${Math.ceil(sc.throughputMiBps / GP3_MAX_MIBPS_PER_IOPS)} IOPS (gp3 allows ${GP3_MAX_MIBPS_PER_IOPS} MiB/s per IOPS); with ${sc.iops === undefined ? `the ${GP3_BASELINE_IOPS} baseline` : `${iops}`} IOPS the most is ${max} MiB/s`);
    }
  }
  if (storage.workspaceVolumesOnDestroy === 'delete' && sc.reclaimPolicy === 'Retain') {
    r.error('volumes-on-destroy', ['storage', 'workspaceVolumesOnDestroy'],
      'delete removes the workspaces\' claims so that their volumes are deleted, but the StorageClass keeps volumes (reclaimPolicy Retain); set reclaimPolicy: Delete, or workspaceVolumesOnDestroy: refuse');
  }
}

/**
 * The block a CIDR value names, for the checks that compare blocks. Reports a block written with host
 * bits set (ambiguous: the address or its network?), naming the network address to write instead.
 * Undefined when the value is unusable: malformed values were already reported by the schema.
 */
function networkBlock(text: string, path: YamlPath, r: Reporters): Cidr | undefined {
  const parsed = parseCidr(text);
  if (!parsed.ok) return undefined;
  if (parsed.cidr.hostBitsSet) {
    r.error('cidr-host-bits', path, `${text} has host bits set; write the network address (e.g. ${parsed.cidr.canonical})`);
    return undefined;
  }
  return parsed.cidr;
}

/** Domains reserved for examples and tests (RFC 2606, RFC 6761): placeholders, never a real workspace domain. */
const RESERVED_DOMAIN = /(^|\.)(example\.(com|net|org)|example|test|invalid|localhost)$/;

/** Keys of the `gitlab` section that mean something only while the proxy serves workspaces. */
const PROXY_ONLY_KEYS = ['oauth', 'hostedZone', 'workspacesProxy', 'entryPoint'] as const;

function checkGitLabVersion(config: WorkspacesConfig, r: Reporters): void {
  const version = gitlabVersionFromValue(config.gitlab!.version);
  if (!version.ok) r.error('gitlab-version', ['gitlab', 'version'], version.message);
}

function checkGitLabUrl(config: WorkspacesConfig, r: Reporters): void {
  const { url } = config.gitlab!;
  if (url.startsWith('http://')) {
    r.warning('gitlab-url', ['gitlab', 'url'], `${url} is plain HTTP: the proxy's OAuth sign-in and the agent's token would cross the network unencrypted; use https://`);
  }
}

function checkKasAddress(config: WorkspacesConfig, r: Reporters): void {
  const { kasAddress } = config.gitlab!;
  if (kasAddress === undefined) return;
  const problem = kasAddressProblem(kasAddress);
  if (problem) {
    r.error('kas-address', ['gitlab', 'kasAddress'], `${JSON.stringify(kasAddress)} must be ${problem}; leave kasAddress out for the address derived from gitlab.url`);
  } else if (kasAddress.startsWith('ws://')) {
    r.warning('kas-address', ['gitlab', 'kasAddress'], `${kasAddress} is unencrypted WebSocket: the agent's token would cross the network in the clear; use wss://`);
  }
}

/**
 * GitLab Dedicated serves its agent server at `wss://kas.<host>`, which the stack derives from a
 * `*.gitlab-dedicated.com` URL; say so, since a Dedicated instance may differ (and one under a custom
 * domain cannot be recognised at all).
 */
function checkDedicatedKas(config: WorkspacesConfig, r: Reporters): void {
  const { url, kasAddress } = config.gitlab!;
  if (kasAddress !== undefined || !isGitLabDedicated(url)) return;
  r.warning('kas-address', ['gitlab', 'url'],
    `${url} is a GitLab Dedicated instance, whose agent server is not at /-/kubernetes-agent/ but at ${defaultKasAddress(url)} (the address the stack uses); check it against the address GitLab shows when you register an agent, and set gitlab.kasAddress if it differs`);
}

/**
 * A GitLab instance on private addresses: GitLab's default egress rule excepts the private ranges, so
 * workspaces cannot clone or push unless the instance's blocks are allowed (`privateCidrs`). Whether the
 * URL resolves to a private address is judged from its host name (no DNS lookup at synth).
 */
function checkPrivateGitLab(config: WorkspacesConfig, r: Reporters): void {
  const gitlab = config.gitlab!;
  const cidrs = gitlab.privateCidrs ?? [];
  cidrs.forEach((text, i) => {
    const block = parseCidr(text);
    if (!block.ok) return; // reported by the schema
    const reached = NODE_CREDENTIAL_ENDPOINTS.filter((e) => {
      const endpoint = parseCidr(e.cidr);
      return endpoint.ok && cidrOverlaps(block.cidr, endpoint.cidr);
    });
    if (reached.length > 0) {
      r.error('private-gitlab', ['gitlab', 'privateCidrs', i],
        `${text} covers ${reached.map((e) => `${e.what} at ${e.cidr}`).join(' and ')}, which workspaces must never reach: name only the GitLab instance's own addresses`);
    }
  });
  if (cidrs.length > 0 || isGitLabDotCom(gitlab.url)) return;
  const hint = privateHostHint(gitlab.url);
  if (hint) {
    r.warning('private-gitlab', ['gitlab', 'url'],
      `${hint} (judged from the name: nothing is looked up at synth), and GitLab's default workspace egress excepts the private ranges, so workspaces could not clone or push: set gitlab.privateCidrs to the instance's private address blocks (its load balancer's addresses, and its agent server's if that is elsewhere), or ignore this if the name resolves to a public address`);
  }
}

/**
 * The agent's version: GitLab supports an agent of its own minor version or one behind. The stack pins
 * the agent to gitlab.version; an explicit imageTag outside the window is warned about. GitLab.com runs
 * the newest GitLab: a pinned agent there falls behind.
 */
function checkAgentImageTag(config: WorkspacesConfig, r: Reporters): void {
  const gitlab = config.gitlab!;
  const tag = gitlab.agent.imageTag;
  if (tag === undefined) return;
  const path: YamlPath = ['gitlab', 'agent', 'imageTag'];
  if (isGitLabDotCom(gitlab.url)) {
    r.warning('agent-version', path, `GitLab.com runs the newest GitLab, and supports agents of its own minor version or one behind: a pinned agent (${tag}) falls out of that window within two monthly releases; leave imageTag out (the chart's own agent) and keep chartVersion current`);
    return;
  }
  const version = gitlabVersionFromValue(gitlab.version);
  if (!version.ok) return; // reported by the version rule
  const problem = agentVersionWindowProblem(tag, version.value);
  if (problem) {
    r.warning('agent-version', path, `${problem}; use ${agentImageTagFor(gitlab.version)} (leave imageTag out for it), or set gitlab.version to the instance's version`);
  }
}

function checkAgentBranch(config: WorkspacesConfig, r: Reporters): void {
  const { agent } = config.gitlab!;
  if (agent.branch !== undefined && agent.project === undefined) {
    r.error('agent-branch', ['gitlab', 'agent', 'branch'], '`branch` applies only when the stack commits the agent config (agent.project); set agent.project, or remove branch');
  }
}

/**
 * Protecting the agent config file applies only when the stack commits it; when it does, an unprotected file
 * is a warning: whoever can push it can add `ci_access` or `user_access`, and CI jobs or users then act as the
 * agent's service account (least privilege or not: without shared_namespace that reads every Secret).
 */
function checkAgentProtection(config: WorkspacesConfig, r: Reporters): void {
  const { agent } = config.gitlab!;
  if (agent.project !== undefined) {
    const missing = [
      ...(agent.codeOwners === undefined || agent.codeOwners.length === 0 ? ['agent.codeOwners'] : []),
      ...(agent.protectBranch ? [] : ['agent.protectBranch: true']),
    ];
    if (missing.length > 0) {
      r.warning('agent-protection', ['gitlab', 'agent', 'project'],
        `the stack commits the agent config file to ${agent.project} unprotected: whoever can push it can add ci_access or user_access, and CI jobs or users then act as the agent's service account (reading Secrets cluster-wide unless remote_development.shared_namespace is set); set ${missing.join(' and ')} (docs/deploy.md)`);
    }
    return;
  }
  for (const key of ['codeOwners', 'protectBranch'] as const) {
    if (r.written(['gitlab', 'agent', key])) {
      r.error('agent-protection', ['gitlab', 'agent', key], `\`${key}\` protects the agent config file the stack commits (agent.project); set agent.project, or remove ${key} and protect the file where you commit it (docs/deploy.md)`);
    }
  }
}

/** Sharing the agent's project needs the project the stack registers the agent in; each group once. */
function checkAgentProjectShares(config: WorkspacesConfig, r: Reporters): void {
  const { agent } = config.gitlab!;
  const at: YamlPath = ['gitlab', 'agent', 'shareWithGroups'];
  if (agent.shareWithGroups === undefined) return;
  if (agent.project === undefined) {
    r.error('agent-project-share', at, '`shareWithGroups` shares the agent\'s project the stack registers the agent in (agent.project); set agent.project, or remove shareWithGroups and give workspace users the Developer role in the agent\'s project yourself');
    return;
  }
  const seen = new Map<string, number>();
  agent.shareWithGroups.forEach((share, i) => {
    const key = share.group.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      r.error('agent-project-share', [...at, i, 'group'], `${share.group} is already shared at shareWithGroups[${first}]: a group is shared with a project once, with one role`);
    } else {
      seen.set(key, i);
    }
  });
}

/** cluster-admin is an opt-in: say what it gives away. */
function checkAgentRbac(config: WorkspacesConfig, r: Reporters): void {
  if (config.gitlab!.agent.rbac !== 'cluster-admin') return;
  r.warning('agent-cluster-admin', ['gitlab', 'agent', 'rbac'],
    'the agent is cluster-admin: whoever holds its token, or can push its config file (ci_access, user_access), owns the cluster and every AWS role a pod there can use; use least-privilege unless the agent serves more than workspaces');
}

/**
 * Without the proxy and without a shared namespace, ingress to workspaces is closed by an EKS
 * ClusterNetworkPolicy, which the VPC CNI enforces from 1.21.1 on.
 */
function checkIngressLockdown(config: WorkspacesConfig, r: Reporters): void {
  const gitlab = config.gitlab!;
  const shared = gitlab.remote_development.shared_namespace;
  if (gitlab.proxy !== 'disabled' || (typeof shared === 'string' && shared !== '')) return;
  // Undefined: `latest`, the newest EKS offers. A pin is `v1.22.3-eksbuild.1`.
  const version = addonVersion(config, 'vpcCni', 'vpc-cni');
  const release = version?.match(/^v?(\d+\.\d+\.\d+)/)?.[1];
  if (release !== undefined && !versionAtLeast(release, MIN_VPC_CNI_FOR_CLUSTER_NETWORK_POLICY)) {
    r.error('ingress-lockdown', r.written(['addons', 'vpcCni', 'version']) ? ['addons', 'vpcCni', 'version'] : ['gitlab', 'proxy'],
      `with proxy: disabled GitLab's NetworkPolicy admits any ingress to workspaces, and the stack closes it with an EKS ClusterNetworkPolicy, which vpc-cni ${version} does not enforce: use vpc-cni ${MIN_VPC_CNI_FOR_CLUSTER_NETWORK_POLICY} or newer (addons.vpcCni.version), or set gitlab.remote_development.shared_namespace (a NetworkPolicy in that namespace closes it)`);
  }
}

/** With proxy: disabled, the keys that configure the proxy mean nothing. */
function checkProxyDisabled(config: WorkspacesConfig, r: Reporters): void {
  if (config.gitlab!.proxy !== 'disabled') return;
  // Whether this GitLab version serves workspaces without the proxy is checked with the agent settings.
  for (const key of PROXY_ONLY_KEYS) {
    if (r.written(['gitlab', key])) {
      r.error('proxy-disabled', ['gitlab', key], `\`${key}\` applies only with proxy: enabled; with proxy: disabled the stack installs no workspaces proxy and creates no certificate, load balancer or DNS records: remove it`);
    }
  }
}

function checkProxyChart(config: WorkspacesConfig, r: Reporters): void {
  const chart = config.gitlab!.workspacesProxy.chartVersion;
  if (!versionAtLeast(chart, MIN_PROXY_CHART_VERSION)) {
    r.error('proxy-chart-version', ['gitlab', 'workspacesProxy', 'chartVersion'],
      `gitlab-workspaces-proxy ${chart} is too old: ${MIN_PROXY_CHART_VERSION} or newer is required (older versions pass secrets in process arguments or set cookies on the wildcard domain)`);
  }
}

/** Namespaces Kubernetes creates itself: the stack cannot create (or, on destroy, delete) them. */
const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** The namespaces the stack creates for the agent, the proxy and the registry Secret. */
function checkNamespaces(config: WorkspacesConfig, r: Reporters): void {
  const gitlab = config.gitlab!;
  const proxy = gitlab.proxy === 'enabled';
  const shared = gitlab.remote_development.shared_namespace;
  const sharedPath: YamlPath = ['gitlab', 'remote_development', 'shared_namespace'];
  const created: Array<{ path: YamlPath; name: string | undefined }> = [
    { path: ['gitlab', 'agent', 'namespace'], name: gitlab.agent.namespace },
    { path: ['gitlab', 'workspacesProxy', 'namespace'], name: proxy ? gitlab.workspacesProxy.namespace : undefined },
    { path: ['gitlab', 'imagePullSecret', 'namespace'], name: gitlab.imagePullSecret?.namespace },
    { path: sharedPath, name: typeof shared === 'string' && shared !== '' ? shared : undefined },
  ];
  for (const { path, name } of created) {
    if (name !== undefined && SYSTEM_NAMESPACES.includes(name)) {
      r.error('namespace', path, `"${name}" is a namespace Kubernetes manages: the stack creates its own namespace here (and deletes it on destroy); choose another name`);
    }
  }
  // Workspaces run their users' code: they get a namespace of their own, not the agent's (its token) or the proxy's (its OAuth client).
  if (typeof shared === 'string' && shared !== '') {
    const taken = shared === gitlab.agent.namespace ? 'the agent\'s namespace (gitlab.agent.namespace)'
      : proxy && shared === gitlab.workspacesProxy.namespace ? 'the workspaces proxy\'s namespace (gitlab.workspacesProxy.namespace)' : undefined;
    if (taken) {
      r.error('namespace', sharedPath, `"${shared}" is ${taken}: workspaces, which run their users' code, would share it with the Secrets there; give them a namespace of their own`);
    }
  }
  if (proxy && gitlab.agent.namespace === gitlab.workspacesProxy.namespace) {
    r.error('namespace', r.written(['gitlab', 'workspacesProxy', 'namespace']) ? ['gitlab', 'workspacesProxy', 'namespace'] : ['gitlab', 'agent', 'namespace'],
      `the agent and the workspaces proxy both get namespace "${gitlab.agent.namespace}": give each its own (each construct creates and, on destroy, deletes its namespace)`);
  }
}

/** The workspace domain and the hosted zone its records go into. */
function checkWorkspaceDomain(config: WorkspacesConfig, r: Reporters): void {
  const gitlab = config.gitlab!;
  const dnsZone = workspaceDomain(gitlab);
  const zone = dnsZone.toLowerCase();
  // A malformed dnsZone is reported by the agent config's own rule (dns_zone), at gitlab.dnsZone.
  if (hostNameProblem(dnsZone) === undefined && !zone.includes('.')) {
    r.error('dns-zone', ['gitlab', 'dnsZone'],
      `"${dnsZone}" is a single label: a public certificate and DNS records need a domain such as workspaces.example.dev`);
  }
  if (RESERVED_DOMAIN.test(zone)) {
    r.warning('placeholder', ['gitlab', 'dnsZone'],
      `${dnsZone} is a reserved example domain (RFC 2606) that nobody can get a certificate for: replace it with your workspace domain before deploying`);
  }
  const hosted = gitlab.hostedZone;
  const chosen = [hosted.name !== undefined && 'name', hosted.id !== undefined && 'id', hosted.create && 'create'].filter((k): k is string => typeof k === 'string');
  if (chosen.length > 1) {
    r.error('hosted-zone', ['gitlab', 'hostedZone', chosen[1]],
      `give one of name (an existing zone by name), id (an existing zone by id) or create: true, not ${chosen.join(' and ')}`);
    return;
  }
  checkParentZone(hosted, dnsZone, r);
  if (hosted.name !== undefined) {
    const name = hosted.name.toLowerCase().replace(/\.$/, '');
    if (zone !== name && !zone.endsWith(`.${name}`)) {
      r.error('hosted-zone', ['gitlab', 'hostedZone', 'name'],
        `the records of ${dnsZone} cannot go into the zone ${hosted.name}: give the zone of ${dnsZone} itself or of a parent domain (such as ${dnsZone.split('.').slice(1).join('.') || 'example.dev'})`);
    }
  }
}

/** The parent zone the stack delegates a created zone from: with create only, one way, a proper parent domain. */
function checkParentZone(hosted: HostedZoneConfig, dnsZone: string, r: Reporters): void {
  const given = (['parentZoneId', 'parentZoneName'] as const).filter((k) => hosted[k] !== undefined);
  if (given.length === 0) return;
  const at = (key: string): YamlPath => ['gitlab', 'hostedZone', key];
  if (!hosted.create) {
    r.error('hosted-zone-parent', at(given[0]),
      `${given[0]} delegates a zone the stack creates: set create: true with it, or remove it (an existing zone is already delegated)`);
    return;
  }
  if (given.length > 1) {
    r.error('hosted-zone-parent', at(given[1]), 'give the parent zone by parentZoneId or by parentZoneName, not both');
    return;
  }
  if (hosted.parentZoneName !== undefined) {
    const parent = hosted.parentZoneName.toLowerCase().replace(/\.$/, '');
    const zone = dnsZone.toLowerCase().replace(/\.$/, '');
    if (!zone.endsWith(`.${parent}`)) {
      r.error('hosted-zone-parent', at('parentZoneName'),
        `${hosted.parentZoneName} is not a parent domain of ${dnsZone}, so its zone cannot delegate it: give the zone of a parent domain such as ${dnsZone.split('.').slice(1).join('.') || 'example.dev'}`);
    }
  }
}

function checkOAuth(config: WorkspacesConfig, r: Reporters): void {
  const gitlab = config.gitlab!;
  if (gitlab.oauth === undefined) {
    r.error('oauth-missing', ['gitlab', 'oauth'],
      `the workspaces proxy signs users in with a GitLab OAuth application (redirect URI https://${workspaceDomain(gitlab)}/auth/callback, scopes api read_user openid profile): set gitlab.oauth to variables (register it yourself, the only way on GitLab.com, and pass TF_VAR_gitlab_oauth_client_id and TF_VAR_gitlab_oauth_client_secret) or instance-application (the stack creates it; TF_VAR_gitlab_token must be an instance administrator's)`);
  } else if (gitlab.oauth === 'instance-application' && isGitLabDotCom(gitlab.url)) {
    r.error('oauth-instance-application', ['gitlab', 'oauth'],
      'GitLab.com has no instance administrators to create an instance-wide application: register the OAuth application in your group or user settings and use oauth: variables');
  }
}

function checkEntryPoint(config: WorkspacesConfig, r: Reporters): void {
  const gitlab = config.gitlab!;
  const entry = gitlab.entryPoint;
  const at = (...p: YamlPath): YamlPath => ['gitlab', 'entryPoint', ...p];
  if (entry.httpNodePort === entry.sshNodePort) {
    r.error('node-ports', at('sshNodePort'), `sshNodePort ${entry.sshNodePort} is also httpNodePort: the proxy's HTTP and SSH ports need different NodePorts`);
  }
  if (entry.sshPort === 443) {
    r.error('ssh-port', at('sshPort'), 'port 443 is the HTTPS listener; choose another SSH port (22 by default)');
  }
  if (entry.sshHostName !== undefined) {
    const problem = hostNameProblem(entry.sshHostName);
    if (problem) {
      r.error('ssh-host-name', at('sshHostName'), `${JSON.stringify(entry.sshHostName)} must be ${problem}`);
    } else {
      // The record goes into the hosted zone, whose name is known unless it is given by id.
      const zoneName = (gitlab.hostedZone.id === undefined ? gitlab.hostedZone.name ?? workspaceDomain(gitlab) : undefined)?.toLowerCase().replace(/\.$/, '');
      const host = entry.sshHostName.toLowerCase();
      if (zoneName !== undefined && host !== zoneName && !host.endsWith(`.${zoneName}`)) {
        r.error('ssh-host-name', at('sshHostName'), `${entry.sshHostName} is not in the hosted zone ${zoneName}, where the stack creates its record; use a name under ${zoneName}`);
      }
    }
  }
  entry.allowedCidrs.forEach((c, i) => networkBlock(c, at('allowedCidrs', i), r));
  checkAccessLogs(entry.accessLogs, at('accessLogs'), r);
  const existing = config.network.existingVpc;
  if (entry.scheme === 'internet-facing' && existing && existing.publicSubnetIds.length === 0) {
    r.error('entry-point-subnets', at('scheme'),
      'an internet-facing load balancer needs public subnets, and network.existingVpc lists none: add publicSubnetIds, or set scheme: internal (users then reach workspaces through your VPN)');
  }
}

/** The load balancer's access logs: what applies to which bucket. */
function checkAccessLogs(logs: EntryPointAccessLogsConfig, path: YamlPath, r: Reporters): void {
  const at = (key: string): YamlPath => [...path, key];
  if (!logs.enabled) {
    for (const key of ['bucket', 'prefix', 'retentionDays']) {
      if (r.written(at(key))) r.error('access-logs', at(key), `\`${key}\` applies only with access logs on: set enabled: true, or remove it`);
    }
    return;
  }
  if (logs.prefix?.includes('AWSLogs')) {
    r.error('access-logs', at('prefix'), `${JSON.stringify(logs.prefix)} contains AWSLogs, which Elastic Load Balancing adds after the prefix itself (<prefix>/AWSLogs/<account>/...) and refuses in it; choose another prefix`);
  }
  if (logs.bucket !== undefined && r.written(at('retentionDays'))) {
    r.error('access-logs', at('retentionDays'), `\`retentionDays\` applies only to the bucket the stack creates; your bucket ${logs.bucket} keeps logs by its own lifecycle rules: remove it, or remove bucket`);
  }
}

/** A rule about the `gitlab` section, run when there is one (`proxyOnly`: and the workspaces proxy with it). */
function gitlabRule(name: string, reads: readonly YamlPath[], check: SemanticRule['check'], proxyOnly = false): SemanticRule {
  return {
    name,
    reads: proxyOnly ? [['gitlab', 'proxy'], ...reads] : reads,
    check: (config, r) => {
      if (config.gitlab && !(proxyOnly && config.gitlab.proxy === 'disabled')) check(config, r);
    },
  };
}

/** The semantic rules, each with the config paths it reads. */
export const SEMANTIC_RULES: readonly SemanticRule[] = [
  { name: 'state backend', reads: [['state', 'backend']], check: checkState },
  {
    name: 'network',
    reads: [
      ...(['existingVpc', 'vpcCidr', 'availabilityZoneCount', 'availabilityZones', 'privateSubnetCidrs', 'publicSubnetCidrs'] as const).map((k) => ['network', k]),
      ['aws', 'region'],
    ],
    check: checkNetwork,
  },
  {
    name: 'Kubernetes version',
    reads: [
      ['cluster', 'kubernetesVersion'], ['cluster', 'upgradePolicy'], ['addons'],
      ['autoscaling', 'clusterAutoscaler', 'chartVersion'], ['autoscaling', 'clusterAutoscaler', 'imageTag'],
    ],
    check: checkClusterVersion,
  },
  { name: 'audit log', reads: [['cluster', 'logs', 'types']], check: checkAuditLog },
  { name: 'cluster access', reads: [['cluster', 'access']], check: checkClusterAccess },
  { name: 'API endpoint', reads: [['cluster', 'endpoint']], check: checkEndpoint },
  ...(['system', 'workspaces'] as const).map((pool): SemanticRule => ({
    name: `${pool} node group sizes`,
    reads: (['minSize', 'desiredSize', 'maxSize'] as const).map((k) => ['nodes', pool, k]),
    check: (config, r) => checkNodeGroup(config.nodes[pool], ['nodes', pool], r),
  })),
  { name: 'system nodes', reads: [['nodes', 'system', 'minSize']], check: checkSystemNodes },
  {
    name: 'system node architecture',
    reads: [['nodes', 'amiType'], ['nodes', 'system', 'amiType'], ['nodes', 'system', 'instanceTypes']],
    check: (config, r) => checkArchitecture(config, 'system', r),
  },
  {
    name: 'workspace node architecture',
    reads: [['runtime'], ['runtimes'], ['nodes', 'amiType'], ['nodes', 'workspaces', 'amiType'], ['nodes', 'workspaces', 'instanceTypes']],
    check: (config, r) => checkArchitecture(config, 'workspaces', r),
  },
  {
    name: 'workspace generations',
    reads: [['runtime'], ['nodes', 'workspaces', 'generation'], ['nodes', 'workspaces', 'retiringGenerations'], ['cluster', 'kubernetesVersion']],
    check: checkGenerations,
  },
  { name: 'system node image', reads: [['nodes', 'system', 'releaseVersion'], ['nodes', 'amiType'], ['nodes', 'system', 'amiType'], ['cluster', 'kubernetesVersion']], check: checkSystemImage },
  { name: 'autoscaler version', reads: [['autoscaling', 'clusterAutoscaler', 'imageTag'], ['cluster', 'kubernetesVersion']], check: checkAutoscaler },
  { name: 'storage', reads: [['storage', 'defaultStorageClass'], ['storage', 'workspaceVolumesOnDestroy']], check: checkStorage },
  {
    name: 'zones',
    reads: [['network', 'existingVpc'], ['network', 'availabilityZones'], ['network', 'availabilityZoneCount'], ['aws', 'region'], ['cluster', 'name'], ['nodes', 'workspaces', 'perZone']],
    check: checkZones,
  },
  { name: 'flow logs', reads: [['network', 'flowLogs']], check: checkFlowLogs },
  { name: 'subnet blocks', reads: [['network', 'existingVpc']], check: checkSubnetCidrs },
  { name: 'workspace instances', reads: [['nodes', 'workspaces', 'capacityType'], ['nodes', 'workspaces', 'instanceTypes']], check: checkWorkspaceInstances },
  { name: 'backups', reads: [['storage', 'backups']], check: checkBackups },
  { name: 'pre-pulled images', reads: [['nodes', 'workspaces', 'prePullImages']], check: checkPrePullImages },
  {
    name: 'data volume snapshot',
    reads: [['nodes', 'workspaces', 'dataVolumeSnapshotId'], ['nodes', 'workspaces', 'amiType'], ['nodes', 'amiType'], ['runtime'], ['runtimes']],
    check: checkDataVolumeSnapshot,
  },
  {
    name: 'headroom',
    // What the capacity reads (the placeholders' size and the nodes' room come from it).
    reads: [['nodes'], ['network'], ['runtime'], ['runtimes'], ['gitlab']],
    check: checkHeadroom,
  },
  ...RUNTIME_RULES,
  gitlabRule('GitLab version', [['gitlab', 'version']], checkGitLabVersion),
  gitlabRule('GitLab URL', [['gitlab', 'url']], checkGitLabUrl),
  gitlabRule('KAS address', [['gitlab', 'kasAddress']], checkKasAddress),
  gitlabRule('GitLab Dedicated KAS address', [['gitlab', 'url'], ['gitlab', 'kasAddress']], checkDedicatedKas),
  gitlabRule('private GitLab', [['gitlab', 'url'], ['gitlab', 'privateCidrs']], checkPrivateGitLab),
  gitlabRule('agent version', [['gitlab', 'agent', 'imageTag'], ['gitlab', 'version'], ['gitlab', 'url']], checkAgentImageTag),
  gitlabRule('namespaces', [
    ['gitlab', 'proxy'], ['gitlab', 'agent', 'namespace'], ['gitlab', 'workspacesProxy', 'namespace'],
    ['gitlab', 'imagePullSecret', 'namespace'], ['gitlab', 'remote_development', 'shared_namespace'],
  ], checkNamespaces),
  gitlabRule('agent branch', [['gitlab', 'agent', 'branch'], ['gitlab', 'agent', 'project']], checkAgentBranch),
  gitlabRule('agent config protection', [['gitlab', 'agent', 'codeOwners'], ['gitlab', 'agent', 'protectBranch'], ['gitlab', 'agent', 'project']], checkAgentProtection),
  gitlabRule('agent RBAC', [['gitlab', 'agent', 'rbac']], checkAgentRbac),
  gitlabRule('agent project sharing', [['gitlab', 'agent', 'shareWithGroups'], ['gitlab', 'agent', 'project']], checkAgentProjectShares),
  gitlabRule('ingress without the proxy', [
    ['gitlab', 'proxy'], ['gitlab', 'remote_development', 'shared_namespace'], ['addons', 'vpcCni', 'version'], ['cluster', 'kubernetesVersion'],
  ], checkIngressLockdown),
  gitlabRule('proxy disabled', [['gitlab', 'proxy']], checkProxyDisabled),
  gitlabRule('workspace domain', [['gitlab', 'dnsZone'], ['gitlab', 'hostedZone']], checkWorkspaceDomain, true),
  gitlabRule('OAuth', [['gitlab', 'oauth'], ['gitlab', 'url'], ['gitlab', 'dnsZone']], checkOAuth, true),
  gitlabRule('proxy chart version', [['gitlab', 'workspacesProxy', 'chartVersion']], checkProxyChart, true),
  gitlabRule('entry point', [['gitlab', 'entryPoint'], ['gitlab', 'hostedZone'], ['gitlab', 'dnsZone'], ['network', 'existingVpc']], checkEntryPoint, true),
  // The agent's workspaces_quota against what the node groups, nodes and subnets hold (stacks/config/capacity.ts).
  { name: 'workspace capacity', reads: [['nodes'], ['network'], ['runtime'], ['runtimes'], ['gitlab']], check: checkWorkspaceCapacity },
  gitlabRule('agent settings', [
    ['gitlab', 'remote_development'], ['gitlab', 'dnsZone'], ['gitlab', 'proxy'], ['gitlab', 'version'],
    ['gitlab', 'workspacesProxy', 'namespace'], ['gitlab', 'imagePullSecret'], ['runtime'], ['runtimes'],
    ['gitlab', 'privateCidrs'],
    // What workspace egress reaches in the VPC.
    ['network', 'vpcCidr'], ['network', 'existingVpc'],
  ], (config, r) => r.add(stackAgentSettings(config, r.source).diagnostics)),
];
