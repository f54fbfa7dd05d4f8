/**
 * What a stack costs with no workspace running (per month), and what each running workspace adds (per
 * hour), from the dated price table (./prices.ts). Pure: the caller says what the stack creates.
 */
import { HOSTED_ZONE_MONTH, HOURS_PER_MONTH, KMS_KEY_MONTH, PRICE_SOURCES, PRICES_AS_OF, pricedRegions, regionPrices } from './prices';

/** Control-plane log volume an idle cluster writes per month, by log type (GB): assumed, stated in the output. */
export const ASSUMED_CONTROL_PLANE_LOG_GB: Readonly<Record<string, number>> = { audit: 5, api: 0.5, authenticator: 0.5, controllerManager: 0.5, scheduler: 0.5 };
/** VPC flow log volume of an idle cluster per month (GB, all traffic): assumed, stated in the output. */
export const ASSUMED_FLOW_LOG_GB = 3;

export interface CostInput {
  readonly region: string;
  readonly natGateways: number;
  /** The stack creates a VPC (an existing one's NAT is not the stack's). */
  readonly createsVpc: boolean;
  readonly natMode?: 'one-per-zone' | 'single';
  readonly zones: number;
  /** The workspaces proxy's Network Load Balancer: absent when the stack makes none. */
  readonly loadBalancer?: { readonly internetFacing: boolean };
  readonly extendedSupport: boolean;
  readonly systemNodes: { readonly count: number; readonly instanceType: string; readonly diskGiB: number };
  /**
   * Workspace nodes kept with no workspace: minSize over the groups, or the nodes the warm headroom's
   * placeholders fill (`headroomPerGroup` default-sized workspaces in each group), whichever is more.
   */
  readonly idleWorkspaceNodes: { readonly count: number; readonly instanceType: string; readonly diskGiB: number; readonly headroomPerGroup?: number; readonly minSizeCount?: number };
  readonly controlPlaneLogs: { readonly types: readonly string[]; readonly retentionDays: number };
  readonly flowLogs?: { readonly retentionDays: number; readonly destination: 'cloud-watch-logs' | 's3'; readonly trafficType: 'ALL' | 'REJECT' };
  readonly kmsKeys: number;
  readonly hostedZone: boolean;
  /** The marginal workspace: its node's type, how many share a node, its volume. */
  readonly workspace: { readonly instanceType: string; readonly perNode: number; readonly volumeGiB: number; readonly nodeDiskGiB: number };
}

export interface CostLine {
  readonly item: string;
  readonly monthly: number;
  /** How it was worked out (counts, rates, assumed volumes). */
  readonly basis: string;
}

export interface CostReport {
  readonly region: string;
  readonly pricesAsOf: string;
  readonly currency: 'USD';
  /** The fixed monthly cost with zero workspaces running. */
  readonly idleMonthly: number;
  readonly idle: readonly CostLine[];
  /** What one more running workspace costs per hour: its share of a node, and its volume. */
  readonly perWorkspaceHour: number;
  readonly perWorkspace: { readonly nodeShareHour: number; readonly volumeHour: number; readonly volumeMonth: number; readonly basis: string };
  /** Changes that cut the idle cost, with what each saves per month. */
  readonly savings: ReadonlyArray<{ readonly option: string; readonly monthly: number }>;
  readonly sources: Readonly<Record<string, string>>;
  readonly notes: readonly string[];
}

export type CostResult = { readonly ok: true; readonly report: CostReport } | { readonly ok: false; readonly message: string };

const round = (n: number) => Math.round(n * 100) / 100;
const round4 = (n: number) => Math.round(n * 10000) / 10000;

/** The idle cost and the marginal workspace-hour, or why there is no estimate (a region or type without prices). */
export function computeCost(input: CostInput): CostResult {
  const p = regionPrices(input.region);
  if (!p) {
    return { ok: false, message: `no prices for region ${input.region} (lib/capacity/prices.ts, as of ${PRICES_AS_OF}, has ${pricedRegions().join(', ')})` };
  }
  const missing = [input.systemNodes.instanceType, input.workspace.instanceType, ...(input.idleWorkspaceNodes.count > 0 ? [input.idleWorkspaceNodes.instanceType] : [])]
    .filter((t) => p.ec2Hour[t] === undefined);
  if (missing.length > 0) {
    return { ok: false, message: `no price for instance type ${[...new Set(missing)].join(', ')} in ${input.region} (lib/capacity/prices.ts, as of ${PRICES_AS_OF})` };
  }
  const h = HOURS_PER_MONTH;
  const idle: CostLine[] = [];
  const line = (item: string, monthly: number, basis: string) => idle.push({ item, monthly: round(monthly), basis });

  const eksHour = input.extendedSupport ? p.eksExtendedClusterHour : p.eksClusterHour;
  line('EKS control plane', eksHour * h, `$${eksHour}/h x ${h} h${input.extendedSupport ? ' (extended support)' : ''}`);
  if (input.createsVpc && input.natGateways > 0) {
    line('NAT gateways', input.natGateways * (p.natGatewayHour + p.publicIpv4Hour) * h,
      `${input.natGateways} x ($${p.natGatewayHour}/h + $${p.publicIpv4Hour}/h Elastic IP) x ${h} h; plus $${p.natGatewayGb}/GB through them (image pulls not from ECR via the S3 endpoint, git, package installs)`);
  }
  if (input.loadBalancer) {
    const ips = input.loadBalancer.internetFacing ? input.zones : 0;
    line('Network Load Balancer', (p.nlbHour + ips * p.publicIpv4Hour) * h,
      `$${p.nlbHour}/h${ips > 0 ? ` + ${ips} public IPv4 x $${p.publicIpv4Hour}/h` : ''} x ${h} h; plus $${p.nlbLcuHour} per LCU-hour of traffic (near 0 idle)`);
  }
  const sys = input.systemNodes;
  line('System nodes', sys.count * (p.ec2Hour[sys.instanceType] * h + sys.diskGiB * p.gp3GbMonth),
    `${sys.count} x ${sys.instanceType} ($${p.ec2Hour[sys.instanceType]}/h) + ${sys.diskGiB} GiB gp3 each`);
  const idleWs = input.idleWorkspaceNodes;
  if (idleWs.count > 0) {
    line(idleWs.headroomPerGroup ? 'Workspace nodes kept warm (headroom, minSize)' : 'Workspace nodes kept at minSize', idleWs.count * (p.ec2Hour[idleWs.instanceType] * h + idleWs.diskGiB * p.gp3GbMonth),
      `${idleWs.count} x ${idleWs.instanceType} ($${p.ec2Hour[idleWs.instanceType]}/h) + ${idleWs.diskGiB} GiB gp3 each${idleWs.headroomPerGroup ? `: the nodes that hold ${idleWs.headroomPerGroup} warm placeholder workspace(s) per group (nodes.workspaces.headroom) or minSize, whichever is more` : ''}`);
  }
  const logGb = input.controlPlaneLogs.types.reduce((a, t) => a + (ASSUMED_CONTROL_PLANE_LOG_GB[t] ?? 0.5), 0);
  if (logGb > 0) {
    const stored = logGb * (input.controlPlaneLogs.retentionDays / 30);
    line('Control-plane logs', logGb * p.logsIngestGb + stored * p.logsStoreGbMonth,
      `${logGb} GB/month assumed (${input.controlPlaneLogs.types.join(', ')}; audit ${ASSUMED_CONTROL_PLANE_LOG_GB.audit} GB) x $${p.logsIngestGb}/GB + ${round(stored)} GB kept ${input.controlPlaneLogs.retentionDays} days x $${p.logsStoreGbMonth}/GB-month`);
  }
  let flowMonthly = 0;
  if (input.flowLogs) {
    const s3 = input.flowLogs.destination === 's3';
    const rate = s3 ? p.flowLogsS3Gb : p.flowLogsCloudWatchGb;
    const stored = s3 ? 0 : ASSUMED_FLOW_LOG_GB * (input.flowLogs.retentionDays / 30) * p.logsStoreGbMonth;
    flowMonthly = ASSUMED_FLOW_LOG_GB * rate + stored;
    line('VPC flow logs', flowMonthly,
      `${ASSUMED_FLOW_LOG_GB} GB/month assumed (${input.flowLogs.trafficType} traffic) x $${rate}/GB to ${s3 ? 'S3 (plus S3 storage)' : `CloudWatch Logs + kept ${input.flowLogs.retentionDays} days`}`);
  }
  line('KMS keys', input.kmsKeys * KMS_KEY_MONTH, `${input.kmsKeys} customer managed keys x $${KMS_KEY_MONTH}/month (plus $0.03 per 10,000 requests)`);
  if (input.hostedZone) line('Route 53 hosted zone', HOSTED_ZONE_MONTH, `1 zone x $${HOSTED_ZONE_MONTH}/month (plus queries)`);
  const idleMonthly = round(idle.reduce((a, l) => a + l.monthly, 0));

  const ws = input.workspace;
  const nodeHour = p.ec2Hour[ws.instanceType] + (ws.nodeDiskGiB * p.gp3GbMonth) / h;
  const nodeShareHour = ws.perNode > 0 ? nodeHour / ws.perNode : nodeHour;
  const volumeMonth = ws.volumeGiB * p.gp3GbMonth;
  const volumeHour = volumeMonth / h;

  const savings: Array<{ option: string; monthly: number }> = [];
  if (input.createsVpc && input.natMode === 'one-per-zone' && input.natGateways > 1) {
    savings.push({ option: `network.natGateways: single (one NAT gateway instead of ${input.natGateways}; a zone outage then cuts egress for all)`, monthly: round((input.natGateways - 1) * (p.natGatewayHour + p.publicIpv4Hour) * h) });
  }
  const warm = input.idleWorkspaceNodes;
  if (warm.headroomPerGroup && warm.count > (warm.minSizeCount ?? 0)) {
    const extra = warm.count - (warm.minSizeCount ?? 0);
    savings.push({ option: `nodes.workspaces.headroom: 0 (no warm nodes: ${extra} fewer ${warm.instanceType}; a new workspace then waits for a node, docs/start-time.md)`, monthly: round(extra * (p.ec2Hour[warm.instanceType] * h + warm.diskGiB * p.gp3GbMonth)) });
  }
  if (input.flowLogs && input.flowLogs.destination !== 's3') {
    savings.push({ option: 'VPC flow logs to S3 instead of CloudWatch Logs (network.flowLogs.destination: s3, with bucket)', monthly: round(flowMonthly - ASSUMED_FLOW_LOG_GB * p.flowLogsS3Gb) });
  }
  if (input.flowLogs && input.flowLogs.trafficType === 'ALL') {
    savings.push({ option: 'VPC flow logs of refused traffic only (network.flowLogs.trafficType: REJECT; fewer records: what was refused, not where workspaces connected)', monthly: round(flowMonthly * (2 / 3)) });
  }
  return {
    ok: true,
    report: {
      region: input.region,
      pricesAsOf: PRICES_AS_OF,
      currency: 'USD',
      idleMonthly,
      idle,
      perWorkspaceHour: round4(nodeShareHour + volumeHour),
      perWorkspace: {
        nodeShareHour: round4(nodeShareHour),
        volumeHour: round4(volumeHour),
        volumeMonth: round(volumeMonth),
        basis: `1/${ws.perNode} of a ${ws.instanceType} ($${p.ec2Hour[ws.instanceType]}/h + ${ws.nodeDiskGiB} GiB root) while running; its ${ws.volumeGiB} GiB gp3 volume ($${p.gp3GbMonth}/GB-month) is billed running or stopped, until the workspace is terminated`,
      },
      savings,
      sources: PRICE_SOURCES,
      notes: [
        'on-demand list prices, before taxes, Savings Plans or Spot; data transfer and NAT/LCU traffic charges are not in the idle figure',
        ...(input.createsVpc ? [] : ['existing VPC: its NAT gateways and endpoints are not the stack\'s and are not counted']),
      ],
    },
  };
}
