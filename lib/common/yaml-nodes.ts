/**
 * Walking the YAML node tree of a parsed document with document paths, for the checks that need the
 * source rather than the plain value: which keys repeat, where aliases are, which merge key names no
 * mapping. Each walk is linear in the size of the tree.
 */
import { Document, isAlias, isMap, isNode, isScalar, isSeq, Node, Pair, YAMLMap } from 'yaml';
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

/** A mapping key that repeats an earlier key of the same mapping. */
export interface DuplicateKey {
  /** The repeated entry (the second or later occurrence). */
  readonly pair: Pair;
  /** The mapping that holds it. */
  readonly map: YAMLMap;
  /** Document path of the key. */
  readonly path: YamlPath;
  /** The key node of the first occurrence. */
  readonly first: Node;
}

/** A path built as a chain from the root, so that walking a large document copies no arrays. */
interface PathLink {
  readonly parent: PathLink | undefined;
  readonly key: string | number;
}

function pathOf(link: PathLink | undefined): YamlPath {
  const out: Array<string | number> = [];
  for (let l = link; l; l = l.parent) out.push(l.key);
  return out.reverse();
}

/**
 * Every key that repeats an earlier key of the same mapping, in document order, in one pass over the
 * tree (the `yaml` package's own `uniqueKeys` check compares each key with every earlier one: quadratic).
 * Keys are equal as the package compares them: scalars with the same value (`1` and `1.0` are one key,
 * `1` and `"1"` are two); a collection used as a key equals no other key. Aliases are not followed.
 * Iterative, so a deeply nested document cannot overflow the stack.
 */
export function duplicateKeys(root: unknown): DuplicateKey[] {
  const out: DuplicateKey[] = [];
  const stack: Array<{ node: unknown; path: PathLink | undefined }> = [{ node: root, path: undefined }];
  while (stack.length > 0) {
    const { node, path } = stack.pop()!;
    const children: Array<{ node: unknown; path: PathLink | undefined }> = [];
    if (isMap(node)) {
      const seen = new Map<unknown, Node>();
      for (const pair of node.items) {
        const keyText = keyName(pair.key);
        const key = pair.key;
        if (isScalar(key) && !Number.isNaN(key.value)) {
          const first = seen.get(key.value);
          if (first) out.push({ pair, map: node, path: pathOf({ parent: path, key: keyText }), first });
          else seen.set(key.value, key);
        }
        children.push({ node: pair.value, path: { parent: path, key: keyText } });
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => children.push({ node: item, path: { parent: path, key: i } }));
    }
    // Pushed in reverse, so nodes come off the stack in document order.
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
  return out;
}

/** Removes the given repeated entries from their mappings (in place), keeping each key's first occurrence. */
export function dropDuplicateKeys(duplicates: readonly DuplicateKey[]): void {
  const byMap = new Map<YAMLMap, Set<Pair>>();
  for (const d of duplicates) {
    let pairs = byMap.get(d.map);
    if (!pairs) byMap.set(d.map, (pairs = new Set()));
    pairs.add(d.pair);
  }
  for (const [map, pairs] of byMap) map.items = map.items.filter((p) => !pairs.has(p as Pair));
}

/** Every alias (`*name`) in the document, in document order. */
export function aliasNodes(root: unknown): VisitedNode[] {
  const out: VisitedNode[] = [];
  walkNodes(root, (v) => {
    if (isAlias(v.node)) out.push(v);
  });
  return out;
}

/** The aliases of a document and what each one names, found in one pass. */
export interface AliasIndex {
  /** Every alias, in document order, with its path. */
  readonly aliases: readonly VisitedNode[];
  /** The node an alias names: the last node before it with that anchor (as the yaml package resolves it). */
  readonly target: (alias: Node) => Node | undefined;
  /** Nodes that carry an anchor no alias names. */
  readonly unusedAnchors: readonly Node[];
}

/**
 * Aliases and their targets in one walk. The yaml package resolves each alias by scanning every anchor
 * and alias before it (quadratic in their number), so callers bound the number of aliases with this and
 * drop unused anchors before converting the document.
 */
export function indexAliases(root: unknown): AliasIndex {
  const aliases: VisitedNode[] = [];
  const targets = new Map<Node, Node | undefined>();
  const latest = new Map<string, Node>();
  const anchored: Node[] = [];
  walkNodes(root, (v) => {
    if (isAlias(v.node)) {
      aliases.push(v);
      targets.set(v.node, latest.get(v.node.source));
    } else if ('anchor' in v.node && typeof v.node.anchor === 'string' && v.node.anchor) {
      latest.set(v.node.anchor, v.node);
      anchored.push(v.node);
    }
  });
  const named = new Set(targets.values());
  return { aliases, target: (a) => targets.get(a), unusedAnchors: anchored.filter((n) => !named.has(n)) };
}

/** The text of a mapping key (`<<` for a merge key, whose parsed value is a symbol). */
export function keyName(key: unknown): string {
  if (isScalar(key)) return typeof key.value === 'symbol' ? '<<' : String(key.value);
  try {
    // A collection used as a key: its flow text, as the plain value's key would be.
    return String(key);
  } catch {
    // Stringifying resolves aliases and merges, which can fail on a broken document.
    return '?';
  }
}

/** The first `<<` merge value that is not a mapping, an alias of one, or a list of those. */
export function badMergeSources(doc: Document | undefined, index: AliasIndex = indexAliases(doc?.contents)): VisitedNode | undefined {
  if (!doc) return undefined;
  const isMapSource = (n: unknown): boolean => isMap(n) || (isAlias(n) && isMap(index.target(n)));
  let found: VisitedNode | undefined;
  walkNodes(doc.contents, (v) => {
    if (found || v.key === undefined || !isScalar(v.key) || typeof v.key.value !== 'symbol') return;
    const ok = isMapSource(v.node) || (isSeq(v.node) && v.node.items.every(isMapSource));
    if (!ok) found = v;
  });
  return found;
}
