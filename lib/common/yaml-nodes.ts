/**
 * Walking the YAML node tree of a parsed document with document paths, for the checks that need the
 * source rather than the plain value: which key a duplicate-key error is about, where aliases are,
 * which merge key names no mapping.
 */
import { Document, isAlias, isMap, isNode, isScalar, isSeq, Node, Pair } from 'yaml';
import type { YamlPath } from './yaml-source';

export interface VisitedNode {
  readonly node: Node;
  readonly path: YamlPath;
  /** The key node, when `node` is the value of a mapping entry. */
  readonly key?: Node;
}

/** Calls `visit` for every node under `root` (depth first, document order); aliases are not followed. */
export function walkNodes(root: unknown, visit: (v: VisitedNode) => void, path: YamlPath = []): void {
  if (!isNode(root)) return;
  if (isMap(root)) {
    for (const pair of root.items) {
      const keyText = keyName(pair.key);
      const p = [...path, keyText];
      if (isNode(pair.key)) visit({ node: pair.key, path: p });
      if (isNode(pair.value)) {
        visit({ node: pair.value, path: p, ...(isNode(pair.key) ? { key: pair.key } : {}) });
        walkNodes(pair.value, visit, p);
      }
    }
  } else if (isSeq(root)) {
    root.items.forEach((item, i) => {
      if (!isNode(item)) return;
      visit({ node: item, path: [...path, i] });
      walkNodes(item, visit, [...path, i]);
    });
  }
}

/** The path of the mapping key that starts at `offset`, with the start offset of the same key's first occurrence. */
export function keyAt(root: unknown, offset: number): { path: YamlPath; firstOffset?: number } | undefined {
  let found: { path: YamlPath; firstOffset?: number } | undefined;
  const search = (node: unknown, path: YamlPath): void => {
    if (found || !isNode(node)) return;
    if (isMap(node)) {
      for (const pair of node.items) {
        const keyText = keyName(pair.key);
        if (isNode(pair.key) && pair.key.range?.[0] === offset) {
          const first = node.items.find((p) => keyName(p.key) === keyText);
          found = { path: [...path, keyText], ...(first && isNode(first.key) && first.key.range ? { firstOffset: first.key.range[0] } : {}) };
          return;
        }
        search(pair.value, [...path, keyText]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => search(item, [...path, i]));
    }
  };
  search(root, []);
  return found;
}

/** Every alias (`*name`) in the document, in document order. */
export function aliasNodes(root: unknown): VisitedNode[] {
  const out: VisitedNode[] = [];
  walkNodes(root, (v) => {
    if (isAlias(v.node)) out.push(v);
  });
  return out;
}

/** The text of a mapping key (`<<` for a merge key, whose parsed value is a symbol). */
function keyName(key: unknown): string {
  if (isScalar(key)) return typeof key.value === 'symbol' ? '<<' : String(key.value);
  try {
    // A collection used as a key: its flow text, as the plain value's key would be.
    return String(key);
  } catch {
    // Stringifying resolves aliases and merges, which can fail on a broken document.
    return '?';
  }
}

/** Removes the second and later occurrences of a key from every mapping under `root` (in place). */
export function dropRepeatedKeys(root: unknown): void {
  if (isMap(root)) {
    const seen = new Set<string>();
    root.items = root.items.filter((pair: Pair) => {
      const k = keyName(pair.key);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    for (const pair of root.items) dropRepeatedKeys(pair.value);
  } else if (isSeq(root)) {
    for (const item of root.items) dropRepeatedKeys(item);
  }
}

/** The first `<<` merge value that is not a mapping, an alias of one, or a list of those. */
export function badMergeSources(doc: Document | undefined): VisitedNode | undefined {
  if (!doc) return undefined;
  const isMapSource = (n: unknown): boolean => isMap(n) || (isAlias(n) && isMap(n.resolve(doc)));
  let found: VisitedNode | undefined;
  walkNodes(doc.contents, (v) => {
    if (found || v.key === undefined || !isScalar(v.key) || typeof v.key.value !== 'symbol') return;
    const ok = isMapSource(v.node) || (isSeq(v.node) && v.node.items.every(isMapSource));
    if (!ok) found = v;
  });
  return found;
}
