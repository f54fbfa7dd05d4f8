/**
 * The order Terraform applies (and, reversed, destroys) a synthesized stack's resources in: each
 * resource's dependencies, from `depends_on` and from the references in its arguments.
 */
import { Synthesized } from './synthesized';
import { findReferences } from './terraform-references';

/** Every resource address (`type.name`) of the stack; data sources are left out. */
export function resourceAddresses(s: Synthesized): string[] {
  return Object.entries(s.doc.resource ?? {}).flatMap(([type, byName]) => Object.keys(byName as object).map((name) => `${type}.${name}`));
}

/** Resource address -> the resources it depends on directly (depends_on and references). */
export function dependencyGraph(s: Synthesized): Map<string, Set<string>> {
  const graph = new Map(resourceAddresses(s).map((a) => [a, new Set<string>()]));
  for (const address of graph.keys()) {
    const [type, name] = address.split('.');
    for (const dep of s.doc.resource[type][name].depends_on ?? []) {
      if (graph.has(dep)) graph.get(address)!.add(dep);
    }
  }
  for (const ref of findReferences(s.doc)) {
    const [root, type, name] = ref.at.split('.');
    const from = `${type}.${name}`;
    if (root === 'resource' && graph.has(ref.address) && ref.address !== from) graph.get(from)!.add(ref.address);
  }
  return graph;
}

/** A dependency cycle (its addresses, first repeated at the end), or undefined when there is none. */
export function dependencyCycle(s: Synthesized): string[] | undefined {
  const graph = dependencyGraph(s);
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'visiting') return [...path.slice(path.indexOf(node)), node];
    state.set(node, 'visiting');
    path.push(node);
    for (const dep of graph.get(node) ?? []) {
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

/** Whether `from` depends on `to`, directly or through other resources. */
export function dependsOn(graph: Map<string, Set<string>>, from: string, to: string): boolean {
  const seen = new Set<string>();
  const stack = [...(graph.get(from) ?? [])];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (next === to) return true;
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...(graph.get(next) ?? []));
  }
  return false;
}
