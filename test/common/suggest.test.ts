import { closestMatch, editDistance } from '../../lib/common/suggest';

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['kitten', 'sitting', 3],
    ['dns_zone', 'dns_zon', 1],
    ['region', 'regoin', 2],
  ])('%s -> %s is %d', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe('closestMatch', () => {
  const keys = ['enabled', 'dns_zone', 'shared_namespace'];
  it('suggests the nearest candidate within the limit', () => {
    expect(closestMatch('dns_zon', keys, { maxDistance: () => 2 })).toBe('dns_zone');
  });
  it('suggests nothing beyond the limit', () => {
    expect(closestMatch('completely_else', keys, { maxDistance: () => 2 })).toBeUndefined();
  });
  it('never suggests the name itself and can ignore case', () => {
    expect(closestMatch('enabled', keys, { maxDistance: () => 3 })).toBeUndefined();
    expect(closestMatch('DNS_ZONE', keys, { ignoreCase: true, maxDistance: () => 0 })).toBe('dns_zone');
  });
});
