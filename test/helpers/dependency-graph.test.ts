import { dependencyCycle, dependencyGraph, dependsOn, resourceAddresses } from './dependency-graph';
import { Synthesized } from './synthesized';

describe('dependency graph of a synthesized stack', () => {
  const doc = (a: object, b: object, c: object = {}) => new Synthesized({
    data: { aws_x: { d: {} } },
    resource: { t: { a, b, c } },
  });

  it('follows depends_on and references, not data sources', () => {
    const s = doc({ depends_on: ['t.b'] }, { value: '${t.c.id}-${data.aws_x.d.id}' });
    expect(resourceAddresses(s)).toEqual(['t.a', 't.b', 't.c']);
    const graph = dependencyGraph(s);
    expect([...graph.get('t.a')!]).toEqual(['t.b']);
    expect([...graph.get('t.b')!]).toEqual(['t.c']);
    expect(dependsOn(graph, 't.a', 't.c')).toBe(true);
    expect(dependsOn(graph, 't.c', 't.a')).toBe(false);
    expect(dependencyCycle(s)).toBeUndefined();
  });

  it('finds a cycle through a reference', () => {
    expect(dependencyCycle(doc({ depends_on: ['t.b'] }, { value: '${t.c.id}' }, { value: '${t.a.id}' }))).toEqual(['t.a', 't.b', 't.c', 't.a']);
  });
});
