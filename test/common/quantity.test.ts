/** Kubernetes quantities: canonical form, as GitLab's devfile parser (Go resource.Quantity) prints them, and exact comparison. */
import { compareQuantities } from '../../lib/agent-config/kubernetes-rules';
import { canonicalQuantity, compareParsedQuantities, parseQuantity } from '../../lib/common/quantity';

describe('canonicalQuantity', () => {
  it.each([
    ['1024Mi', '1Gi'],
    ['1536Mi', '1536Mi'],
    ['1.5Gi', '1536Mi'],
    ['50Gi', '50Gi'],
    ['512Mi', '512Mi'],
    ['2048Ki', '2Mi'],
    ['0.5Ki', '512'],
    ['1000m', '1'],
    ['4000m', '4'],
    ['1500m', '1500m'],
    ['0.5', '500m'],
    ['0.1', '100m'],
    ['100m', '100m'],
    ['2', '2'],
    ['1000', '1k'],
    ['1G', '1G'],
    ['1000M', '1G'],
    ['6G', '6G'],
    ['1e3', '1e3'],
    ['12e6', '12e6'],
    ['0', '0'],
    ['0.0000000001', '1n'],
    ['-1', '-1'],
  ])('%s -> %s', (input, expected) => {
    expect(canonicalQuantity(input)).toBe(expected);
  });

  it.each(['', 'lots', '1 Gi', '1GB', '1.2.3', 'Mi', '--1'])('refuses %j', (input) => {
    expect(parseQuantity(input)).toBeUndefined();
  });
});

describe('compareParsedQuantities', () => {
  const cmp = (a: string, b: string) => Math.sign(compareParsedQuantities(parseQuantity(a)!, parseQuantity(b)!));
  it.each([
    ['1n', '0', 1],
    ['1n', '0.000000001', 0],
    ['999999999n', '1', -1],
    ['1u', '1000n', 0],
    ['1e3', '1k', 0],
    ['1Ki', '1024', 0],
    ['1Gi', '1G', 1],
    ['-1', '0', -1],
  ] as const)('%s vs %s', (a, b, sign) => expect(cmp(a, b)).toBe(sign));
});

describe('compareQuantities of the agent config rules (one parser for the whole library)', () => {
  it('compares nano and micro values exactly, and refuses what is not a quantity', () => {
    expect(compareQuantities('1n', '0')).toBe(1);
    expect(compareQuantities('500u', '0.5m')).toBe(0);
    expect(compareQuantities('250m', '0.25')).toBe(0);
    expect(compareQuantities('lots', '1')).toBeUndefined();
  });
});
