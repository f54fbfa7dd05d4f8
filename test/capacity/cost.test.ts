/** The dated price table and the idle-cost arithmetic (lib/capacity/prices.ts, cost.ts). */
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { computeCost, CostInput, HOURS_PER_MONTH, PRICE_SOURCES, PRICES_AS_OF, regionPrices, REGION_PRICES } from '../../lib/capacity';
import { knownInstanceTypes } from '../../lib/capacity/instance-specs';

const BASE: CostInput = {
  region: 'us-east-1', createsVpc: true, natMode: 'one-per-zone', natGateways: 3, zones: 3,
  loadBalancer: { internetFacing: true }, extendedSupport: false,
  systemNodes: { count: 2, instanceType: 'm6i.large', diskGiB: 50 },
  idleWorkspaceNodes: { count: 0, instanceType: 'm6i.2xlarge', diskGiB: 100 },
  controlPlaneLogs: { types: ['audit'], retentionDays: 30 },
  flowLogs: { retentionDays: 30, destination: 'cloud-watch-logs', trafficType: 'ALL' },
  kmsKeys: 3, hostedZone: true,
  workspace: { instanceType: 'm6i.2xlarge', perNode: 15, volumeGiB: 50, nodeDiskGiB: 100 },
};

describe('price table', () => {
  it('is dated and names a source for each kind of figure', () => {
    expect(PRICES_AS_OF).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const url of Object.values(PRICE_SOURCES)) expect(url).toMatch(/^https:\/\/aws\.amazon\.com\//);
  });

  it('covers the regions the examples use, with the instance types they name', () => {
    expect(Object.keys(REGION_PRICES).sort()).toEqual(['eu-central-1', 'eu-west-1', 'us-east-1']);
    for (const region of ['eu-west-1', 'eu-central-1', 'us-east-1']) {
      const p = regionPrices(region)!;
      expect(p.eksClusterHour).toBe(0.10);
      for (const type of ['m6i.large', 'm6i.2xlarge', 'm7i.xlarge', 'm7i.4xlarge']) expect(p.ec2Hour[type]).toBeGreaterThan(0);
    }
    expect(regionPrices('us-east-1')!.ec2Hour['m6i.2xlarge']).toBe(0.384); // 4 x m6i.large's $0.096
    expect(regionPrices('eu-west-1')!.natGatewayHour).toBe(0.048);
    expect(regionPrices('ap-south-1')).toBeUndefined();
    expect(regionPrices('constructor')).toBeUndefined();
  });

  it('has the us-east-1 EC2 figures of the generated AWS price list, unrounded, metal sizes included', () => {
    // aws/karpenter-provider-aws pkg/providers/pricing/zz_generated.pricing_aws.go, commit 6fc13b5236fd,
    // generated 2026-07-20 for us-east-1. The table used to round the family rule to 4 decimals (c7i.large $0.0892,
    // m7a.large $0.1159) and had no m7i-flex, m8i or metal prices.
    const ec2 = regionPrices('us-east-1')!.ec2Hour;
    expect(ec2).toMatchObject({
      'm6i.large': 0.096, 'm6i.2xlarge': 0.384, 'm7i.xlarge': 0.2016, 'm7i.4xlarge': 0.8064,
      'c7i.large': 0.08925, 'c7i.16xlarge': 2.856, 'm7a.large': 0.11592, 'm7a.12xlarge': 2.78208,
      'm7i-flex.large': 0.09576, 'm7i-flex.16xlarge': 3.06432, 'm8i.large': 0.10584, 'm8i.16xlarge': 3.38688,
      'm6g.12xlarge': 1.848, 'r7i.8xlarge': 2.1168,
      // Metal sizes do not follow the doubling rule: m7i.metal-24xl is 1.1 x m7i.24xlarge ($4.8384).
      'm5.metal': 4.608, 'm6i.metal': 6.144, 'm7i.metal-24xl': 5.32224, 'm7i.metal-48xl': 9.6768, 'r7i.metal-24xl': 6.98544,
    });
    // Every type the capacity tables know has a us-east-1 price.
    expect(knownInstanceTypes().filter((t) => ec2[t] === undefined)).toEqual([]);
  });

  it('prices in us-east-1 every instance type the examples name', () => {
    const examples = join(__dirname, '..', '..', 'examples');
    const types = readdirSync(examples).flatMap((dir) => {
      let text = '';
      try { text = readFileSync(join(examples, dir, 'workspaces.config.yaml'), 'utf8'); } catch { return []; }
      return [...text.matchAll(/instanceTypes: \[([^\]]*)\]/g)].flatMap((m) => m[1].split(',').map((t) => t.trim()));
    });
    expect(types).toEqual(expect.arrayContaining(['m6i.large', 'm7i.4xlarge', 'm7i.metal-24xl', 'm5.metal']));
    expect(types.filter((t) => regionPrices('us-east-1')!.ec2Hour[t] === undefined)).toEqual([]);
  });

  it('does not price vended logs to S3 at us-east-1\'s rate in Europe (the rate is regional: half the ingestion rate)', () => {
    expect(regionPrices('us-east-1')!.flowLogsS3Gb).toBe(0.25); // half of $0.50
    expect(regionPrices('eu-west-1')!.flowLogsS3Gb).toBe(0.285); // half of $0.57, derived, unverified
    expect(regionPrices('eu-central-1')!.flowLogsS3Gb).toBe(0.315); // half of $0.63, derived, unverified
  });
});

describe('idle cost', () => {
  const ok = (input: CostInput) => {
    const r = computeCost(input);
    if (!r.ok) throw new Error(r.message);
    return r.report;
  };

  it('adds up control plane, NAT gateways, load balancer, system nodes, logs, flow logs, keys and zone (us-east-1)', () => {
    const r = ok(BASE);
    const item = Object.fromEntries(r.idle.map((l) => [l.item, l.monthly]));
    expect(item).toEqual({
      'EKS control plane': 73, // 0.10 x 730
      'NAT gateways': 109.5, // 3 x (0.045 + 0.005) x 730
      'Network Load Balancer': 27.38, // (0.0225 + 3 x 0.005) x 730 = 27.375
      'System nodes': 148.16, // 2 x (0.096 x 730 + 50 x 0.08) = 2 x 74.08
      'Control-plane logs': 2.65, // 5 GB x 0.50 + 5 GB kept a month x 0.03
      'VPC flow logs': 1.59, // 3 GB x 0.50 + 3 GB x 0.03
      'KMS keys': 3,
      'Route 53 hosted zone': 0.5,
    });
    expect(r.idleMonthly).toBe(365.78);
    expect(r.pricesAsOf).toBe(PRICES_AS_OF);
    // 1/15 of (0.384 + 100 x 0.08 / 730) = 0.026330; volume 50 x 0.08 / 730 = 0.005479.
    expect(r.perWorkspace).toMatchObject({ nodeShareHour: 0.0263, volumeHour: 0.0055, volumeMonth: 4 });
    expect(r.perWorkspaceHour).toBe(0.0318);
    expect(HOURS_PER_MONTH).toBe(730);
  });

  it('names the options that cut it: one NAT gateway, flow logs to S3 or rejected-only', () => {
    const r = ok(BASE);
    expect(r.savings).toEqual([
      { option: expect.stringMatching(/^network\.natGateways: single/), monthly: 73 }, // 2 x 0.05 x 730
      { option: expect.stringMatching(/^VPC flow logs to S3/), monthly: 0.84 }, // 1.59 - 3 x 0.25
      { option: expect.stringMatching(/^VPC flow logs of refused traffic only \(network.flowLogs.trafficType: REJECT/), monthly: 1.06 },
    ]);
    expect(ok({ ...BASE, natMode: 'single', natGateways: 1, flowLogs: undefined }).savings).toEqual([]);
  });

  it('prices a metal workspace node in us-east-1 (the Kata example\'s types)', () => {
    const r = ok({ ...BASE, workspace: { instanceType: 'm7i.metal-24xl', perNode: 39, volumeGiB: 50, nodeDiskGiB: 100 } });
    // 1/39 of (5.32224 + 100 x 0.08 / 730) = 1/39 of 5.333199 = 0.136749; volume 50 x 0.08 / 730 = 0.005479.
    expect(r.perWorkspace).toMatchObject({ nodeShareHour: 0.1367, volumeHour: 0.0055 });
    expect(r.perWorkspaceHour).toBe(0.1422); // 0.136749 + 0.005479 = 0.142228
  });

  it('leaves out what the stack does not create, and counts workspace nodes kept at minSize', () => {
    const r = ok({ ...BASE, createsVpc: false, natGateways: 0, loadBalancer: undefined, hostedZone: false, idleWorkspaceNodes: { count: 3, instanceType: 'm6i.2xlarge', diskGiB: 100 } });
    expect(r.idle.map((l) => l.item)).not.toContain('NAT gateways');
    expect(r.idle.find((l) => l.item === 'Workspace nodes kept at minSize')?.monthly).toBe(864.96); // 3 x (0.384 x 730 + 8)
    expect(r.notes).toContain('existing VPC: its NAT gateways and endpoints are not the stack\'s and are not counted');
  });

  it('says plainly when a region or an instance type has no prices', () => {
    expect(computeCost({ ...BASE, region: 'ap-south-1' })).toEqual({
      ok: false, message: `no prices for region ap-south-1 (lib/capacity/prices.ts, as of ${PRICES_AS_OF}, has us-east-1, eu-west-1, eu-central-1)`,
    });
    expect(computeCost({ ...BASE, region: 'eu-west-1', workspace: { ...BASE.workspace, instanceType: 'm7a.4xlarge' } })).toEqual({
      ok: false, message: `no price for instance type m7a.4xlarge in eu-west-1 (lib/capacity/prices.ts, as of ${PRICES_AS_OF})`,
    });
    // A metal type is priced in us-east-1 only (no source found for Europe), so the Kata example's region says so.
    expect(computeCost({ ...BASE, region: 'eu-west-1', workspace: { ...BASE.workspace, instanceType: 'm7i.metal-24xl' } })).toEqual({
      ok: false, message: `no price for instance type m7i.metal-24xl in eu-west-1 (lib/capacity/prices.ts, as of ${PRICES_AS_OF})`,
    });
  });
});
