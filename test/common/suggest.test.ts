import fc from 'fast-check';
import { closestMatch, editDistance } from '../../lib/common/suggest';
import { propertyRuns } from '../helpers/property-runs';

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

describe('editDistance with a limit', () => {
  it('is exact up to the limit and limit + 1 beyond it', () => {
    fc.assert(fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), fc.nat(6), (a, b, limit) => {
      const exact = editDistance(a, b);
      expect(editDistance(a, b, limit)).toBe(exact <= limit ? exact : limit + 1);
    }), { numRuns: propertyRuns(500, 150) });
  });

  it('suggests what the unlimited search suggests, whatever the limits per candidate', () => {
    const unlimited = (name: string, candidates: string[], max: (n: string, c: string) => number) => {
      let best: string | undefined;
      let bestDistance = Infinity;
      for (const c of candidates) {
        if (c === name) continue;
        const d = editDistance(name, c);
        if (d < bestDistance) [best, bestDistance] = [c, d];
      }
      return best !== undefined && bestDistance <= max(name, best) ? best : undefined;
    };
    const max = (_: string, c: string) => Math.max(1, Math.floor(c.length / 3));
    fc.assert(fc.property(fc.string({ maxLength: 8 }), fc.array(fc.string({ maxLength: 10 }), { maxLength: 8 }), (name, candidates) => {
      expect(closestMatch(name, candidates, { maxDistance: max })).toBe(unlimited(name, candidates, max));
    }), { numRuns: propertyRuns(500, 150) });
  });

  it('stays cheap for thousands of long unknown keys', () => {
    const long = 'x'.repeat(20_000);
    const start = Date.now();
    for (let i = 0; i < 200; i++) closestMatch(`${long}${i}`, ['dns_zone', 'enabled', 'network_policy'], { maxDistance: () => 3 });
    expect(Date.now() - start).toBeLessThan(1000);
  });
});
