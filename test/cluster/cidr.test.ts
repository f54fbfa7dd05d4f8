import { contains, defaultSubnetPlan, formatCidr, overlaps, parseCidr, subnet, toIpv4Cidr } from '../../lib/cluster/cidr';
import { parseCidr as parseAnyCidr } from '../../lib/common/cidr';

describe('cidr', () => {
  it('parses and formats', () => {
    expect(formatCidr(parseCidr('10.0.0.0/16')!)).toBe('10.0.0.0/16');
    expect(parseCidr('10.0.0.1/16')).toBeUndefined();
    expect(parseCidr('300.0.0.0/8')).toBeUndefined();
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
    // Host bits are told by the shared parser (the stack config check names the network address).
    expect(parseAnyCidr('10.0.0.1/16')).toMatchObject({ ok: true, cidr: { hostBitsSet: true, canonical: '10.0.0.0/16' } });
    expect(parseAnyCidr('10.0.0.0/16')).toMatchObject({ ok: true, cidr: { hostBitsSet: false } });
  });

  it('follows the shared parser: no leading zeros, IPv4 only', () => {
    expect(parseCidr('010.0.0.0/16')).toBeUndefined();
    expect(parseCidr('10.0.0.0/016')).toBeUndefined();
    expect(parseCidr('fd00::/8')).toBeUndefined();
    expect(parseCidr('0.0.0.0/0')).toEqual({ base: 0, prefix: 0 });
    expect(parseCidr('255.255.255.255/32')).toEqual({ base: 0xffffffff, prefix: 32 });
    const parsed = parseAnyCidr('192.168.7.9/20');
    if (!parsed.ok) throw new Error('fixture CIDR does not parse');
    expect(formatCidr(toIpv4Cidr(parsed.cidr)!)).toBe('192.168.0.0/20');
    const v6 = parseAnyCidr('fd00::/8');
    if (!v6.ok) throw new Error('fixture CIDR does not parse');
    expect(toIpv4Cidr(v6.cidr)).toBeUndefined();
  });

  it('carves subnets like cidrsubnet()', () => {
    expect(formatCidr(subnet(parseCidr('10.0.0.0/16')!, 3, 2))).toBe('10.0.64.0/19');
    expect(formatCidr(subnet(parseCidr('172.16.0.0/12')!, 4, 15))).toBe('172.31.0.0/16');
    expect(() => subnet(parseCidr('10.0.0.0/30')!, 3, 0)).toThrow(RangeError);
  });

  it('tells containment and overlap', () => {
    const vpc = parseCidr('10.0.0.0/16')!;
    expect(contains(vpc, parseCidr('10.0.96.0/22')!)).toBe(true);
    expect(contains(vpc, parseCidr('10.1.0.0/22')!)).toBe(false);
    expect(overlaps(parseCidr('10.0.0.0/19')!, parseCidr('10.0.16.0/24')!)).toBe(true);
    expect(overlaps(parseCidr('10.0.0.0/19')!, parseCidr('10.0.32.0/19')!)).toBe(false);
  });

  it('plans non-overlapping private and public blocks inside the VPC', () => {
    for (const [vpc, zones] of [['10.0.0.0/16', 3], ['192.168.0.0/20', 2], ['10.8.0.0/18', 3]] as const) {
      const plan = defaultSubnetPlan(vpc, zones);
      const all = [...plan.privateCidrs, ...plan.publicCidrs].map((c) => parseCidr(c)!);
      expect(all).toHaveLength(zones * 2);
      for (const [i, a] of all.entries()) {
        expect(contains(parseCidr(vpc)!, a)).toBe(true);
        for (const b of all.slice(i + 1)) expect(overlaps(a, b)).toBe(false);
      }
    }
    expect(defaultSubnetPlan('10.0.0.0/16', 2)).toEqual({ privateCidrs: ['10.0.0.0/19', '10.0.32.0/19'], publicCidrs: ['10.0.96.0/22', '10.0.100.0/22'] });
  });
});
