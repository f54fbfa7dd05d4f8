/**
 * Editing a YAML text in place: the node tree of the `yaml` package says where each value is, and each
 * edit replaces only the characters of the values it changes. Everything else (comments, key order,
 * quoting, blank lines, indentation, line breaks inside long strings) stays byte for byte as written,
 * which re-printing a parsed document would not keep. Aliases and `<<` merge keys are followed to the
 * node that holds a value, so an edit there changes every place that uses it. Pure: text in, text out.
 */
import { Document, isAlias, isCollection, isMap, isNode, isPair, isScalar, isSeq, Node, Pair, parseDocument, Scalar, visit, YAMLMap, YAMLSeq } from 'yaml';
import { portableYamlText } from './yaml-write';
import type { YamlPath } from './yaml-source';

/** One replacement of `text[start, end)` by `text`, in the coordinates of the text it was made for. */
export interface Splice {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** The result of applying edits: the new text and the splices that made it (ascending, non-overlapping). */
export interface EditedText {
  readonly text: string;
  readonly splices: readonly Splice[];
}

/**
 * Maps an offset in the text after `splices` back to the text before them. An offset inside inserted
 * text maps to the start of what it replaced.
 */
export function offsetBefore(splices: readonly Splice[], offset: number): number {
  let delta = 0;
  for (const s of splices) {
    const startAfter = s.start + delta;
    if (offset < startAfter) break;
    if (offset < startAfter + s.text.length) return s.start;
    delta += s.text.length - (s.end - s.start);
  }
  return offset - delta;
}

type Collection = YAMLMap | YAMLSeq;


/** A parsed YAML text that collects edits and applies them all at once with `apply()`. */
export class YamlTextEditor {
  readonly doc: Document.Parsed;
  private readonly pending: Array<Splice & { readonly order: number }> = [];
  private readonly flowDeletes = new Map<Collection, Set<number>>();
  private readonly lineStarts: number[];
  /** The indentation step the text uses for nested mappings (2 unless it shows another). */
  readonly indentUnit: number;

  constructor(readonly text: string) {
    this.doc = parseDocument(text, { merge: true, uniqueKeys: false, strict: false, logLevel: 'silent' });
    this.lineStarts = [0];
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.lineStarts.push(i + 1);
    this.indentUnit = this.detectIndent();
  }

  // ---- finding nodes ----

  /** The node holding the value at `path`, following aliases and merge keys; undefined when absent. */
  node(path: YamlPath): Node | undefined {
    let cur: unknown = this.deref(this.doc.contents);
    for (const key of path) {
      if (isMap(cur)) cur = this.pair(cur, String(key))?.value;
      else if (isSeq(cur) && typeof key === 'number') cur = cur.items[key];
      else return undefined;
      cur = this.deref(cur);
    }
    return isNode(cur) ? cur : undefined;
  }

  map(path: YamlPath): YAMLMap | undefined {
    const n = this.node(path);
    return isMap(n) ? n : undefined;
  }

  seq(path: YamlPath): YAMLSeq | undefined {
    const n = this.node(path);
    return isSeq(n) ? n : undefined;
  }

  /** The entry of `key` in `map`: its own, else the first merge source's (as YAML merge keys resolve). */
  pair(map: YAMLMap, key: string): Pair | undefined {
    const own = map.items.find((p) => isScalar(p.key) && typeof p.key.value !== 'symbol' && String(p.key.value) === key);
    if (own) return own;
    for (const p of map.items) {
      if (!isScalar(p.key) || typeof p.key.value !== 'symbol') continue;
      const sources = isSeq(p.value) ? p.value.items : [p.value];
      for (const s of sources) {
        const source = this.deref(s);
        const found = isMap(source) ? this.pair(source, key) : undefined;
        if (found) return found;
      }
    }
    return undefined;
  }

  /** The path of the deepest node whose value covers `offset` (for messages about an edit). */
  pathAt(offset: number): YamlPath {
    const path: Array<string | number> = [];
    let cur: unknown = this.doc.contents;
    for (;;) {
      if (isMap(cur)) {
        const hit = cur.items.find((p) => covers(p.key, offset) || covers(p.value, offset));
        if (!hit || !isScalar(hit.key)) return path;
        path.push(String(hit.key.value));
        if (covers(hit.key, offset)) return path;
        cur = hit.value;
      } else if (isSeq(cur)) {
        const i = cur.items.findIndex((item) => covers(item, offset));
        if (i < 0) return path;
        path.push(i);
        cur = cur.items[i];
      } else {
        return path;
      }
    }
  }

  /** Start offset of a node (its key for a pair). */
  start(node: Node | Pair): number {
    const n = isPair(node) ? node.key : node;
    return isNode(n) && n.range ? n.range[0] : 0;
  }

  // ---- edits ----

  /** Replaces a scalar's value, keeping its quoting style when the new value allows it. */
  setScalar(node: Scalar, value: string | number | boolean | null): void {
    const range = node.range;
    if (!range) return;
    const column = this.column(this.keyStartOf(node) ?? range[0]);
    // Inside a flow collection a block scalar cannot stand: a multi-line string goes double-quoted there.
    const text = typeof value === 'string' && value.includes('\n') && this.inFlow(node) ? JSON.stringify(value) : this.renderScalar(value, node.type, column);
    this.splice(range[0], range[1], text);
  }

  /** Sets `key` in `map` (a scalar value), replacing the value or adding the entry after `after`. */
  setKey(map: YAMLMap, key: string, value: unknown, after?: string): void {
    const existing = this.pair(map, key);
    if (existing && isScalar(existing.value) && (value === null || typeof value !== 'object')) {
      this.setScalar(existing.value, value as string | number | boolean | null);
    } else if (existing && isScalar(existing.value) && existing.value.value === null) {
      // `key:` with no value: write the mapping or list below it.
      const at = existing.value.range?.[0] ?? this.end(existing);
      const column = this.column(this.start(existing));
      this.splice(at, at, `\n${this.indentLines(portableYamlText(value, { indent: this.indentUnit }), column + this.indentUnit)}`);
    } else if (existing) {
      throw new Error(`cannot replace the ${isMap(existing.value) ? 'mapping' : 'list'} of "${key}"`);
    } else {
      this.addKey(map, key, value, after);
    }
  }

  /** Adds `key: value` to `map`, after the entry `after` (default: at the end). */
  addKey(map: YAMLMap, key: string, value: unknown, after?: string): void {
    if (map.flow || map.items.length === 0) {
      const anchorIndex = after !== undefined ? map.items.findIndex((p) => isScalar(p.key) && String(p.key.value) === after) : -1;
      const anchor = map.items[anchorIndex >= 0 ? anchorIndex : map.items.length - 1];
      const entry = `${this.flowText(key, map)}: ${this.flowText(value, map)}`;
      if (!anchor) {
        if (map.range) this.splice(map.range[0], map.range[1], `{${entry}}`);
      } else {
        const at = this.valueEnd(anchor);
        this.splice(at, at, `, ${entry}`);
      }
      return;
    }
    const anchor = (after !== undefined && map.items.find((p) => isScalar(p.key) && String(p.key.value) === after)) || map.items[map.items.length - 1];
    const column = this.column(this.start(map.items[0]));
    const at = this.end(anchor);
    const lead = at > 0 && this.text[at - 1] !== '\n' ? '\n' : '';
    this.splice(at, at, `${lead}${this.indentLines(portableYamlText({ [key]: value }, { indent: this.indentUnit }), column)}\n`);
  }

  /** Removes the entry `key` of `map` with its value and the comments inside it. */
  deleteKey(map: YAMLMap, key: string): void {
    const index = map.items.findIndex((p) => isScalar(p.key) && String(p.key.value) === key);
    if (index < 0) {
      const merged = this.pair(map, key);
      const owner = merged && this.ownerOf(merged);
      if (owner) this.deleteKey(owner, key);
      return;
    }
    if (map.flow) {
      this.deleteFlowEntry(map, index);
      return;
    }
    const pair = map.items[index];
    const keyStart = this.start(pair);
    const lineStart = this.lineStart(keyStart);
    if (this.text.slice(lineStart, keyStart).trim() === '') {
      this.splice(this.commentsAbove(lineStart, this.column(keyStart)), this.end(pair), '');
    } else if (index + 1 < map.items.length) {
      // The first entry of a list item (`- key: ...`): the next entry moves up onto the dash line.
      this.splice(keyStart, this.start(map.items[index + 1]), '');
    } else {
      this.splice(keyStart, this.end(pair), `{}${this.end(pair) > 0 && this.text[this.end(pair) - 1] === '\n' ? '\n' : ''}`);
    }
  }

  /** Removes item `index` of `seq`. */
  deleteItem(seq: YAMLSeq, index: number): void {
    this.replaceItem(seq, index, []);
  }

  /** Replaces item `index` of `seq` (a scalar, or any item when `values` is empty) by `values`, in order. */
  replaceItem(seq: YAMLSeq, index: number, values: readonly unknown[]): void {
    const item = seq.items[index];
    if (seq.flow) {
      if (values.length === 0) this.deleteFlowEntry(seq, index);
      else if (isNode(item) && item.range) this.splice(item.range[0], item.range[1], values.map((v) => this.flowText(v, seq)).join(', '));
      return;
    }
    if (!isNode(item) || !item.range) return;
    const dash = this.dashBefore(item.range[0]);
    const column = this.column(dash);
    const end = this.blockEnd(item.range[2], column);
    if (values.length === 0) {
      this.splice(this.commentsAbove(this.lineStart(dash), column), end, '');
      return;
    }
    if (!isScalar(item)) throw new Error('only a scalar list item can be replaced');
    this.splice(item.range[0], item.range[1], this.renderScalar(values[0] as string, item.type, column));
    const more = values.slice(1).map((v) => `${' '.repeat(column)}- ${this.renderScalar(v as string, undefined, column)}\n`).join('');
    if (more) this.splice(end, end, `${end > 0 && this.text[end - 1] !== '\n' ? '\n' : ''}${more}`);
  }

  /** Applies every edit; edits inside a removed or replaced range are dropped with it. */
  apply(): EditedText {
    this.flowDeleteSplices();
    // At one offset, insertions come before the replacement that starts there.
    const sorted = [...this.pending].sort((a, b) => a.start - b.start || Number(a.end > a.start) - Number(b.end > b.start) || a.order - b.order);
    const kept: Array<Splice & { order: number }> = [];
    for (const s of sorted) {
      const last = kept[kept.length - 1];
      if (last && s.start === last.start && s.end === last.end && s.end > s.start) {
        if (s.text === last.text) continue; // one node reached twice (through an alias)
        throw new Error(`two different edits of the text at offset ${s.start}`);
      }
      // An edit inside a larger range that is removed or replaced goes with it.
      const outer = kept.find((k) => k.end - k.start > s.end - s.start && s.start >= k.start && s.end <= k.end && !(s.start === s.end && (s.start === k.start || s.start === k.end)));
      if (outer) continue;
      if (last && s.start < last.end) throw new Error(`overlapping edits at offset ${s.start}`);
      kept.push(s);
    }
    let text = '';
    let at = 0;
    for (const s of kept) {
      text += this.text.slice(at, s.start) + s.text;
      at = s.end;
    }
    text += this.text.slice(at);
    return { text, splices: kept.map(({ start, end, text: t }) => ({ start, end, text: t })) };
  }

  get hasEdits(): boolean {
    return this.pending.length > 0 || this.flowDeletes.size > 0;
  }

  // ---- text positions ----

  /** 0-based column of `offset`. */
  column(offset: number): number {
    return offset - this.lineStart(offset);
  }

  lineStart(offset: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return this.lineStarts[lo];
  }

  /** The offset of a 1-based line and column (clamped to the text). */
  offsetAt(line: number, column: number): number {
    const start = this.lineStarts[Math.min(Math.max(line, 1), this.lineStarts.length) - 1];
    return Math.min(start + Math.max(column, 1) - 1, this.text.length);
  }

  /** 1-based line and column of `offset`. */
  linePos(offset: number): { line: number; column: number } {
    const start = this.lineStart(offset);
    return { line: this.lineStarts.indexOf(start) + 1, column: offset - start + 1 };
  }

  // ---- internals ----

  private splice(start: number, end: number, text: string): void {
    this.pending.push({ start, end, text, order: this.pending.length });
  }

  private deref(node: unknown): unknown {
    return isAlias(node) ? node.resolve(this.doc) : node;
  }

  /** Marks entry `index` of a flow collection for removal; `apply()` removes each run of entries with its commas. */
  private deleteFlowEntry(node: Collection, index: number): void {
    const set = this.flowDeletes.get(node) ?? new Set<number>();
    set.add(index);
    this.flowDeletes.set(node, set);
  }

  /**
   * The splices of the flow entries marked for removal: each run of removed entries goes with the comma
   * after it (or, at the end, the comma before it); a collection left empty becomes `{}` or `[]`.
   */
  private flowDeleteSplices(): void {
    for (const [node, removed] of this.flowDeletes) {
      const items = node.items as Array<Node | Pair>;
      if (items.every((_, i) => removed.has(i))) {
        if (node.range) this.splice(node.range[0], node.range[1], isMap(node) ? '{}' : '[]');
        continue;
      }
      for (let a = 0; a < items.length; a++) {
        if (!removed.has(a)) continue;
        let b = a;
        while (removed.has(b + 1)) b++;
        if (b + 1 < items.length) this.splice(this.start(items[a]), this.start(items[b + 1]), '');
        else this.splice(this.valueEnd(items[a - 1]), this.valueEnd(items[b]), '');
        a = b;
      }
    }
    this.flowDeletes.clear();
  }

  /** The end of an entry's or item's value text (before trailing comments). */
  private valueEnd(entry: Node | Pair): number {
    const n = isPair(entry) ? (isNode(entry.value) ? entry.value : entry.key) : entry;
    return isNode(n) && n.range ? n.range[1] : 0;
  }

  /** A value written inside a flow collection: JSON when the collection's keys or items are double-quoted (a JSON devfile). */
  private flowText(value: unknown, within: Collection): string {
    const first = within.items[0];
    const sample = isPair(first) ? first.key : first;
    if (isScalar(sample) && sample.type === Scalar.QUOTE_DOUBLE) return inlineJson(value);
    return portableYamlText(value, { flow: true });
  }

  /** The map that holds `pair` directly (for entries reached through a merge key). */
  private ownerOf(pair: Pair): YAMLMap | undefined {
    let owner: YAMLMap | undefined;
    const visit = (n: unknown): void => {
      if (owner) return;
      if (isMap(n)) {
        if (n.items.includes(pair)) owner = n;
        else n.items.forEach((p) => visit(p.value));
      } else if (isSeq(n)) {
        n.items.forEach(visit);
      }
    };
    visit(this.doc.contents);
    return owner;
  }

  /** Whether `node` lies inside a flow collection. */
  private inFlow(node: Node): boolean {
    let found = false;
    visit(this.doc, (_key, n, path) => {
      if (n !== node) return undefined;
      found = path.some((p) => isCollection(p) && p.flow === true);
      return visit.BREAK;
    });
    return found;
  }

  /** The key offset of the entry whose value is `node`, if any. */
  private keyStartOf(node: Node): number | undefined {
    let found: number | undefined;
    const visit = (n: unknown): void => {
      if (found !== undefined) return;
      if (isMap(n)) {
        for (const p of n.items) {
          if (p.value === node && isNode(p.key) && p.key.range) found = p.key.range[0];
          else visit(p.value);
        }
      } else if (isSeq(n)) {
        n.items.forEach(visit);
      }
    };
    visit(this.doc.contents);
    return found;
  }

  /** Where an entry's text ends: after its value's last line and the deeper comments that follow it. */
  private end(pair: Pair): number {
    const raw = isNode(pair.value) && pair.value.range ? pair.value.range[2] : isNode(pair.key) && pair.key.range ? pair.key.range[2] : 0;
    return this.blockEnd(raw, this.column(this.start(pair)));
  }

  /**
   * The end of a block that starts at `column` and whose node range ends at `rawEnd`: the parser counts
   * the comment lines and blank lines after a block as its own; those at or left of `column` belong to
   * what follows, so the block ends before them (at a line start).
   */
  private blockEnd(rawEnd: number, column: number): number {
    let end = Math.min(rawEnd, this.text.length);
    if (end > 0 && this.text[end - 1] !== '\n') {
      const nl = this.text.indexOf('\n', end - 1);
      const lineStart = this.lineStart(end);
      // A range that stops inside the indentation of the next line ends at that line's start.
      end = this.text.slice(lineStart, end).trim() === '' ? lineStart : nl < 0 ? this.text.length : nl + 1;
    }
    for (;;) {
      if (end === 0) return end;
      const prevStart = this.lineStart(end - 1);
      const line = this.text.slice(prevStart, end);
      const trimmed = line.trim();
      const indent = line.length - line.trimStart().length;
      if (trimmed === '' || (trimmed.startsWith('#') && indent <= column)) {
        if (prevStart === end) return end;
        end = prevStart;
        continue;
      }
      return end;
    }
  }

  /**
   * The start of the comment lines right above the line at `lineStart` that are indented exactly to
   * `column`: they describe the entry on that line and go with it.
   */
  private commentsAbove(lineStart: number, column: number): number {
    let start = lineStart;
    while (start > 0) {
      const prev = this.lineStart(start - 1);
      const line = this.text.slice(prev, start);
      if (!line.trimStart().startsWith('#') || line.length - line.trimStart().length !== column) break;
      start = prev;
    }
    return start;
  }

  /** The offset of the `-` that starts the list item beginning at `itemStart` (on its line or a line above). */
  private dashBefore(itemStart: number): number {
    let lineEnd = itemStart;
    for (;;) {
      const lineStart = this.lineStart(Math.max(lineEnd - 1, 0));
      // What precedes the item (or the whole line above it), without a comment.
      const before = this.text.slice(lineStart, lineEnd).replace(/(^|\s)#.*$/, '$1');
      const dash = before.search(/-(\s|$)/);
      if (dash >= 0 && before.slice(0, dash).trim() === '') return lineStart + dash;
      if (lineStart === 0) return itemStart;
      lineEnd = lineStart - 1;
    }
  }

  private renderScalar(value: unknown, type: Scalar['type'] | undefined, column: number): string {
    if (typeof value === 'string' && value.includes('\n')) {
      // A block scalar: its lines go one indentation step right of the key (or dash) at `column`.
      const [header, ...lines] = portableYamlText(value, { indent: this.indentUnit }).split('\n');
      const common = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length));
      const body = lines.map((l) => l.slice(Number.isFinite(common) ? common : 0));
      return [header, this.indentLines(body.join('\n'), column + this.indentUnit)].join('\n');
    }
    const text = portableYamlText(value);
    if (typeof value !== 'string') return text;
    if (type === Scalar.QUOTE_DOUBLE) return JSON.stringify(value);
    if (type === Scalar.QUOTE_SINGLE && !/[\r\n]/.test(value)) return `'${value.replace(/'/g, "''")}'`;
    return text;
  }

  /** Indents every line of `text` by `column` spaces (all but the first when `skipFirst`). */
  private indentLines(text: string, column: number, skipFirst = false): string {
    const pad = ' '.repeat(column);
    return text.split('\n').map((l, i) => ((i === 0 && skipFirst) || l === '' ? l : pad + l)).join('\n');
  }

  private detectIndent(): number {
    const root = this.doc.contents;
    if (!isMap(root)) return 2;
    for (const p of root.items) {
      const v = p.value;
      if (isMap(v) && !v.flow && v.items.length > 0 && isNode(p.key) && p.key.range) {
        const step = this.column(this.start(v.items[0])) - this.column(p.key.range[0]);
        if (step > 0) return step;
      }
    }
    return 2;
  }
}

/** JSON on one line, spaced as people write it: `{"a": 1, "b": [true, "x"]}`. */
function inlineJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inlineJson).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${inlineJson(v)}`).join(', ')}}`;
  }
  return JSON.stringify(value);
}

function covers(node: unknown, offset: number): boolean {
  return isNode(node) && !!node.range && node.range[0] <= offset && offset < Math.max(node.range[1], node.range[0] + 1);
}
