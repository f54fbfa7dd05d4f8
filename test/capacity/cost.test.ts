/** The dated price table and the idle-cost arithmetic (lib/capacity/prices.ts, cost.ts). */
import { computeCost, CostInput, HOURS_PER_MONTH, PRICE_SOURCES, PRICES_AS_OF, regionPrices, REGION_PRICES } from '../../lib/capacity';

const BASE: CostInput = {
  region: 'us-east-1', createsVpc: true, natMode: 'one-per-zone', natGateways: 3, zones: 3,
  loadBalancer: { internetFacing: true }, extendedSupport: false,
  systemNodes: { count: 2, instanceType: 'm6i.large', diskGiB: 50 },
  idleWorkspaceNodes: { count: 0, instanceType: 'm6i.2xlarge', diskGiB: 100 },
  controlPlaneLogs: { types: ['audit'], retentionDays: 30 },
  flowLogs: { retentionDays: 30, destination: 'cloud-watch-logs' },
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
      { option: expect.stringMatching(/^VPC flow logs of REJECT traffic only/), monthly: 1.06 },
    ]);
    expect(ok({ ...BASE, natMode: 'single', natGateways: 1, flowLogs: undefined }).savings).toEqual([]);
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
  });
});
