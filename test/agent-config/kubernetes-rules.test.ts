import {
  cidrStrictlyContains,
  compareQuantities,
  cpuQuantityProblem,
  dns1035LabelProblem,
  dns1123LabelProblem,
  dns1123SubdomainProblem,
  envVarNameProblem,
  hostNameProblem,
  labelValueProblem,
  memoryQuantityProblem,
  parseCidr,
  qualifiedNameProblem,
  reservedPrefixSuffix,
  secretKeyProblem,
} from '../../lib/agent-config/kubernetes-rules';

const valid = (f: (v: string) => string | undefined) => (v: string) => expect(f(v)).toBeUndefined();
const invalid = (f: (v: string) => string | undefined) => (v: string) => expect(f(v)).toEqual(expect.any(String));

describe('names', () => {
  test.each(['a', 'gl-rd-ns-7-42-abc123', '0abc', 'a'.repeat(63)])('DNS-1123 label %s', valid(dns1123LabelProblem));
  test.each(['', 'A', '-a', 'a-', 'a.b', 'a_b', 'a'.repeat(64)])('not a DNS-1123 label: %s', invalid(dns1123LabelProblem));
  test.each(['workspace-7-42-abc123', 'a'])('DNS-1035 label %s', valid(dns1035LabelProblem));
  test.each(['7-workspace', '0', 'a-', 'a'.repeat(64)])('not a DNS-1035 label: %s', invalid(dns1035LabelProblem));
  test.each(['sysbox-runc', 'kata.qemu', '1', `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`])('DNS-1123 subdomain %s', valid(dns1123SubdomainProblem));
  // GitLab's own runtime class check accepts 'a-.1'; Kubernetes does not.
  test.each(['', 'a-.1', 'a..b', '.a', 'Kata', 'a'.repeat(254)])('not a DNS-1123 subdomain: %s', invalid(dns1123SubdomainProblem));
  test.each(['workspaces.example.dev', 'localhost', 'WS.Example.dev', '123.example', 'a-b.c'])('host name %s', valid(hostNameProblem));
  test.each(['', 'a..b', '-a.example', 'a-.example', 'a_b.example', 'example.dev.', `${'a'.repeat(64)}.dev`, '*.example.dev'])('not a host name: %s', invalid(hostNameProblem));
});

describe('label and annotation keys and values', () => {
  test.each(['app', 'example.com/team', 'io.kubernetes.cri-o.userns-mode', 'a_b.c-d', `x/${'n'.repeat(63)}`])('qualified name %s', valid(qualifiedNameProblem));
  test.each(['', '/a', 'a/', 'a/b/c', '-a', 'a-', 'Example.com/a', 'ex_ample.com/a', `x/${'n'.repeat(64)}`])('not a qualified name: %s', invalid(qualifiedNameProblem));
  test.each([
    ['app.kubernetes.io/name', 'kubernetes.io'],
    ['node.k8s.io/x', 'k8s.io'],
    ['workspaces.gitlab.com/id', 'gitlab.com'],
    ['mygitlab.com/x', 'gitlab.com'],
    ['example.com/x', undefined],
    ['kubernetes.io', undefined],
  ])('reserved prefix of %s', (k, suffix) => expect(reservedPrefixSuffix(k)).toBe(suffix));
  test.each(['', 'a', 'A-b_c.d', 'x'.repeat(63)])('label value %s', valid(labelValueProblem));
  test.each(['-a', 'a ', 'a/b', 'x'.repeat(64)])('not a label value: %s', invalid(labelValueProblem));
});

describe('Secret keys and environment variable names', () => {
  test.each(['FEATURE_FLAG', 'settings.json', '.hidden', '-x', 'a'.repeat(253)])('Secret key %s', valid(secretKeyProblem));
  test.each(['', '.', '..', '..x', 'a b', 'a/b', 'ä', 'a'.repeat(254)])('not a Secret key: %s', invalid(secretKeyProblem));
  test.each(['PATH', '_x', 'my.var', 'a-b'])('env name %s', valid(envVarNameProblem));
  test.each(['1ABC', 'a b', 'a=b'])('not an env name: %s', invalid(envVarNameProblem));
});

describe('CIDRs', () => {
  test.each([
    ['0.0.0.0/0', 4, '0.0.0.0/0', false],
    ['10.0.0.0/8', 4, '10.0.0.0/8', false],
    ['169.254.169.254/32', 4, '169.254.169.254/32', false],
    ['10.1.2.3/8', 4, '10.0.0.0/8', true],
    ['::/0', 6, '::/0', false],
    ['fd00::/8', 6, 'fd00::/8', false],
    ['2001:DB8:0:0:0:0:0:1/128', 6, '2001:db8::1/128', false],
    ['::ffff:10.0.0.0/104', 6, '::ffff:a00:0/104', false],
    ['fe80::1/10', 6, 'fe80::/10', true],
    ['1:2:3:4:5:6:7::/128', 6, '1:2:3:4:5:6:7:0/128', false],
  ] as const)('%s', (text, family, canonical, hostBitsSet) => {
    const r = parseCidr(text);
    expect(r).toMatchObject({ ok: true, cidr: { family, canonical, hostBitsSet } });
  });

  test.each([
    '10.0.0.0', '10.0.0.0/', '10.0.0.0/33', '10.0.0.0/08', '10.0.0/8', '256.0.0.0/8', '010.0.0.0/8', '10.0.0.0/8/8',
    'fd00::zz/8', '::/129', '1::2::3/64', '1:2:3:4:5:6:7:8::/64', ':1::/64', '1::2:/64', 'fe80::1%eth0/64', ' 10.0.0.0/8', '',
  ])('refuses %s', (text) => {
    expect(parseCidr(text).ok).toBe(false);
  });

  test.each([
    ['0.0.0.0/0', '10.0.0.0/8', true],
    ['10.0.0.0/8', '10.1.0.0/16', true],
    ['10.0.0.0/8', '10.0.0.0/8', false],
    ['10.0.0.0/8', '10.0.0.0/7', false],
    ['10.0.0.0/8', '11.0.0.0/16', false],
    ['0.0.0.0/0', 'fd00::/8', false],
    ['::/0', 'fd00::/8', true],
    ['fd00::/8', 'fd12::/16', true],
  ] as const)('%s strictly contains %s: %s', (outer, inner, expected) => {
    const o = parseCidr(outer);
    const i = parseCidr(inner);
    if (!o.ok || !i.ok) throw new Error('fixture CIDR does not parse');
    expect(cidrStrictlyContains(o.cidr, i.cidr)).toBe(expected);
  });
});

describe('quantities', () => {
  test.each(['1', '0.5', '250m', '1.', '0', '16'])('CPU %s', valid(cpuQuantityProblem));
  test.each(['', '1.5m', '-1', '1e3', '1k', '500 m', '0.5 ', '1Gi'])('not CPU: %s', invalid(cpuQuantityProblem));
  test.each(['512Mi', '1Gi', '1.5Gi', '1073741824', '1G', '2M', '64Ki', '1E', '1Ei'])('memory %s', valid(memoryQuantityProblem));
  test.each(['', '512K', '512k', '1GB', '1gi', '1m', '-1Gi', '1e9'])('not memory: %s', invalid(memoryQuantityProblem));
  test.each([
    ['500m', '0.5', 0],
    ['1', '999m', 1],
    ['1.5', '2', -1],
    ['1Gi', '1073741824', 0],
    ['1G', '1Gi', -1],
    ['1.5Gi', '1536Mi', 0],
  ] as const)('%s vs %s', (a, b, sign) => expect(Math.sign(compareQuantities(a, b)!)).toBe(sign));
});
