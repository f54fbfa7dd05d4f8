import { Cidr, cidrContains, cidrOverlaps, cidrStrictlyContains, parseCidr } from '../../lib/common/cidr';

function cidr(text: string): Cidr {
  const r = parseCidr(text);
  if (!r.ok) throw new Error(`fixture CIDR ${text} does not parse: ${r.problem}`);
  return r.cidr;
}

describe('parseCidr', () => {
  test.each([
    // text, family, prefix length, canonical, host bits set
    ['0.0.0.0/0', 4, 0, '0.0.0.0/0', false],
    ['10.0.0.0/16', 4, 16, '10.0.0.0/16', false],
    ['255.255.255.255/32', 4, 32, '255.255.255.255/32', false],
    ['10.0.1.0/16', 4, 16, '10.0.0.0/16', true],
    ['192.168.7.9/20', 4, 20, '192.168.0.0/20', true],
    ['1.2.3.4/0', 4, 0, '0.0.0.0/0', true],
    ['::/0', 6, 0, '::/0', false],
    ['::1/128', 6, 128, '::1/128', false],
    ['2001:DB8::/32', 6, 32, '2001:db8::/32', false],
    ['2001:db8:0:0:1:0:0:1/128', 6, 128, '2001:db8::1:0:0:1/128', false],
    ['2001:db8::1/64', 6, 64, '2001:db8::/64', true],
    ['::ffff:192.0.2.1/128', 6, 128, '::ffff:c000:201/128', false],
  ] as const)('%s', (text, family, prefixLength, canonical, hostBitsSet) => {
    expect(parseCidr(text)).toMatchObject({ ok: true, cidr: { family, prefixLength, canonical, hostBitsSet } });
  });

  it('keeps the address as written and its network apart', () => {
    const c = cidr('10.1.2.3/8');
    expect(Array.from(c.address)).toEqual([10, 1, 2, 3]);
    expect(Array.from(c.network)).toEqual([10, 0, 0, 0]);
    expect(cidr('fd00::1/8').network).toHaveLength(16);
  });

  test.each([
    ['10.0.0.0/33', /an IPv4 prefix length is at most 32/],
    ['::/129', /an IPv6 prefix length is at most 128/],
    ['10.0.0.0/08', /the prefix length must be a whole number/],
    ['10.0.0.0/-1', /the prefix length must be a whole number/],
    ['10.0.0.0/', /the prefix length must be a whole number/],
    ['10.0.0.0', /an address, a slash and a prefix length/],
    ['10.0.0.0/8/8', /an address, a slash and a prefix length/],
    ['256.0.0.0/8', /'256\.0\.0\.0' is not an IP address/],
    ['010.0.0.0/8', /'010\.0\.0\.0' is not an IP address/],
    ['10.0.0/8', /is not an IP address/],
    ['1::2::3/64', /is not an IP address/],
    ['1:2:3:4:5:6:7:8:9/128', /is not an IP address/],
    ['fe80::1%eth0/64', /is not an IP address/],
    ['', /an address, a slash and a prefix length/],
  ])('refuses %s, saying what is allowed', (text, problem) => {
    const r = parseCidr(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toMatch(problem);
  });
});

describe('containment', () => {
  test.each([
    ['10.0.0.0/16', '10.0.96.0/22', true],
    ['10.0.0.0/16', '10.0.0.0/16', true],
    ['10.0.0.0/16', '10.1.0.0/22', false],
    ['10.0.0.0/16', '10.0.0.0/15', false],
    ['0.0.0.0/0', '203.0.113.7/32', true],
    ['fd00::/8', 'fd12:3456::/32', true],
    ['fd00::/8', 'fe00::/16', false],
    ['0.0.0.0/0', '::/0', false],
    ['::/0', '0.0.0.0/0', false],
  ] as const)('%s contains %s: %s', (outer, inner, expected) => {
    expect(cidrContains(cidr(outer), cidr(inner))).toBe(expected);
  });

  it('strict containment excludes the block itself', () => {
    expect(cidrStrictlyContains(cidr('10.0.0.0/16'), cidr('10.0.0.0/16'))).toBe(false);
    expect(cidrStrictlyContains(cidr('10.0.0.0/16'), cidr('10.0.0.0/17'))).toBe(true);
    expect(cidrStrictlyContains(cidr('10.0.0.0/16'), cidr('10.1.0.0/17'))).toBe(false);
  });

  test.each([
    ['10.0.0.0/19', '10.0.16.0/24', true],
    ['10.0.16.0/24', '10.0.0.0/19', true],
    ['10.0.0.0/19', '10.0.0.0/19', true],
    ['10.0.0.0/19', '10.0.32.0/19', false],
    ['fd00::/16', 'fd00:1::/32', true],
    ['10.0.0.0/8', '::ffff:10.0.0.0/104', false],
  ] as const)('%s and %s overlap: %s', (a, b, expected) => {
    expect(cidrOverlaps(cidr(a), cidr(b))).toBe(expected);
  });

  it('compares networks, not the addresses as written', () => {
    expect(cidrContains(cidr('10.0.0.0/16'), cidr('10.0.5.5/24'))).toBe(true);
    expect(cidrContains(cidr('10.0.5.5/16'), cidr('10.0.200.0/24'))).toBe(true);
  });
});
