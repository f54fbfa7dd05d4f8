/** Kubernetes quantities in canonical form, as GitLab's devfile parser (Go resource.Quantity) prints them. */
import { canonicalQuantity, parseQuantity } from '../../lib/workspace/quantity';

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
