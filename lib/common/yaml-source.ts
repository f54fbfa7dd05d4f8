/**
 * YAML with source positions, shared by every file this project reads (devfiles, agent configs,
 * workspace identity files, the stack config). Built on the `yaml` package (eemeli/yaml): it keeps a
 * node tree with byte offsets, reports duplicate keys, and caps alias expansion (billion-laughs).
 * Pure: takes text, returns values.
 */
import { Document, isAlias, isMap, isNode, isPair, isScalar, isSeq, LineCounter, Node, Pair, parseDocument, YAMLMap } from 'yaml';
import { Diagnostic, hasErrors, Severity } from './diagnostics';
import { AliasIndex, aliasNodes, badMergeSources, dropDuplicateKeys, duplicateKeys, indexAliases, keyName } from './yaml-nodes';

export type YamlPath = ReadonlyArray<string | number>;

export interface ParseYamlOptions {
  /** The name used in diagnostics. */
  readonly file: string;
  /** Refuse text larger than this many bytes before parsing. */
  readonly maxBytes?: number;
  /** Alias expansion cap (each alias dereference counts its node size). Default 100. */
  readonly maxAliasCount?: number;
  /** How messages name one document of this kind, e.g. `a devfile`. Default `this file`. */
  readonly documentName?: string;
  /** Rule id prefix for parse diagnostics, e.g. `devfile` gives `devfile/yaml-syntax`. */
  readonly rulePrefix?: string;
  /** Resolve `<<` merge keys (YAML 1.1, as Go and Ruby YAML loaders do). Default false. */
  readonly merge?: boolean;
}

/** A parsed YAML document that can say where any path in it came from. */
export class YamlSource {
  constructor(
    readonly file: string,
    readonly doc: Document.Parsed | undefined,
    private readonly lineCounter: LineCounter,
    /** Turns a path as callers give it into a path of the document (see `view`). */
    private readonly toDocumentPath: (path: YamlPath) => YamlPath = (path) => path,
  ) {}

  /**
   * The same document seen through `map`: every path given to the view is mapped to a document path
   * before it is looked up, and diagnostics name the mapped path. A checker written for a whole file can
   * then check a part of another file (paths relative to a subtree), or values that the caller put there
   * (a path sent to the key the value came from).
   */
  view(map: (path: YamlPath) => YamlPath): YamlSource {
    return new YamlSource(this.file, this.doc, this.lineCounter, (path) => this.toDocumentPath(map(path)));
  }

  /** The node at `path`, or undefined when the path does not exist. */
  node(path: YamlPath): Node | undefined {
    return this.nodeAt(this.toDocumentPath(path));
  }

  /** The key node of the last path element, when the path ends in a mapping key. */
  keyNode(path: YamlPath): Node | undefined {
    return this.keyNodeAt(this.toDocumentPath(path));
  }

  /**
   * 1-based line and column of the deepest existing node on `path` (so a missing key points at the
   * mapping that lacks it). With `preferKey`, points at the key of the last element rather than its value.
   */
  position(path: YamlPath, preferKey = false): { line: number; column: number } {
    const at = this.toDocumentPath(path);
    if (preferKey) {
      const k = this.keyNodeAt(at);
      if (k?.range) return this.linePos(k.range[0]);
    }
    for (let n = at.length; n >= 0; n--) {
      const node = this.nodeAt(at.slice(0, n));
      if (node?.range) {
        const { line, col } = this.lineCounter.linePos(node.range[0]);
        return { line, column: col };
      }
    }
    return { line: 1, column: 1 };
  }

  /** Offset to 1-based line/column. */
  linePos(offset: number): { line: number; column: number } {
    const { line, col } = this.lineCounter.linePos(offset);
    return { line, column: col };
  }

  /** A diagnostic located at `path`. */
  diagnostic(severity: Severity, rule: string, path: YamlPath, message: string, preferKey = false): Diagnostic {
    const { line, column } = this.position(path, preferKey);
    return { severity, file: this.file, line, column, path: formatPath(this.toDocumentPath(path)), message, rule };
  }

  private nodeAt(path: YamlPath): Node | undefined {
    let cur: unknown = this.doc?.contents;
    for (const key of path) {
      if (isMap(cur)) {
        cur = pairWithKey(cur, String(key))?.value ?? undefined;
        if (cur === undefined) return undefined;
      } else if (isSeq(cur) && typeof key === 'number') {
        cur = cur.items[key];
        if (cur === undefined) return undefined;
      } else {
        return undefined;
      }
    }
    return isNode(cur) ? cur : undefined;
  }

  private keyNodeAt(path: YamlPath): Node | undefined {
    if (path.length === 0) return undefined;
    const parent = this.nodeAt(path.slice(0, -1));
    if (!isMap(parent)) return undefined;
    const pair = pairWithKey(parent, String(path[path.length - 1]));
    return pair && isNode(pair.key) ? pair.key : undefined;
  }
}

/** Per mapping: its scalar keys as text, each to its first entry; rebuilt when the mapping's entries change. */
const keyIndexes = new WeakMap<YAMLMap, { items: unknown[]; length: number; byKey: Map<string, Pair> }>();

/**
 * The first entry of `map` whose key is a scalar with this text. Indexed on first use, so that locating
 * many keys of a large mapping (one diagnostic per unknown key, say) stays linear.
 */
function pairWithKey(map: YAMLMap, key: string): Pair | undefined {
  let index = keyIndexes.get(map);
  if (!index || index.items !== map.items || index.length !== map.items.length) {
    const byKey = new Map<string, Pair>();
    for (const p of map.items) {
      if (isPair(p) && isScalar(p.key)) {
        const k = String(p.key.value);
        if (!byKey.has(k)) byKey.set(k, p);
      }
    }
    index = { items: map.items, length: map.items.length, byKey };
    keyIndexes.set(map, index);
  }
  return index.byKey.get(key);
}

export interface ParsedYaml {
  readonly source: YamlSource;
  /**
   * The plain JS value; undefined when the text could not be read. Duplicate keys are errors but leave a
   * value (the first occurrence of each key wins), so a checker can still report every other problem.
   */
  readonly value: unknown;
  readonly diagnostics: Diagnostic[];
}

/**
 * Parses one YAML document. Never throws for bad input: size, syntax, duplicate keys (named, with the
 * line of the first one), alias bombs (at the alias that multiplies), bad merge keys and multi-document
 * streams come back as diagnostics with positions and paths, worded for the file's author.
 */
export function parseYaml(text: string, options: ParseYamlOptions): ParsedYaml {
  const { file } = options;
  const documentName = options.documentName ?? 'this file';
  const maxAliasCount = options.maxAliasCount ?? 100;
  const rule = (r: string) => `${options.rulePrefix ?? 'yaml'}/${r}`;
  const lineCounter = new LineCounter();
  const at = (severity: Severity, r: string, message: string, line = 1, column = 1, path = ''): Diagnostic => ({
    severity, file, line, column, path, message, rule: rule(r),
  });

  const bytes = Buffer.byteLength(text, 'utf8');
  if (options.maxBytes !== undefined && bytes > options.maxBytes) {
    return {
      source: new YamlSource(file, undefined, lineCounter),
      value: undefined,
      diagnostics: [at('error', 'too-large', `the file is ${bytes} bytes; at most ${options.maxBytes} bytes are allowed`)],
    };
  }

  const deep = flowNestingBeyond(text, MAX_FLOW_DEPTH);
  if (deep !== undefined) {
    const lineStart = text.lastIndexOf('\n', deep - 1) + 1;
    let line = 1;
    for (let i = text.indexOf('\n'); i >= 0 && i < deep; i = text.indexOf('\n', i + 1)) line++;
    return {
      source: new YamlSource(file, undefined, lineCounter),
      value: undefined,
      diagnostics: [at('error', 'syntax', `the YAML nests "[" and "{" collections more than ${MAX_FLOW_DEPTH} levels deep here; write it flatter`, line, deep - lineStart + 1)],
    };
  }

  const doc = parseDocument(text, {
    // Duplicate keys are found below in one pass: the package's own check is quadratic in a mapping's size.
    lineCounter, uniqueKeys: false, prettyErrors: false, strict: true, merge: options.merge ?? false,
    // No console warnings from the library itself: problems travel as diagnostics only.
    logLevel: 'error',
  });
  const source = new YamlSource(file, doc, lineCounter);
  const diagnostics: Diagnostic[] = [];
  for (const e of [...doc.errors, ...doc.warnings]) {
    const { line, col } = lineCounter.linePos(e.pos[0]);
    const severity: Severity = doc.errors.includes(e as never) ? 'error' : 'warning';
    if (e.code === 'MULTIPLE_DOCS') {
      diagnostics.push(at(severity, 'syntax',
        `the file holds more than one YAML document (content after a "---" separator); ${documentName} is a single document`, line, col));
    } else {
      diagnostics.push(at(severity, 'syntax', `YAML ${severity === 'error' ? 'syntax error' : 'warning'}: ${firstLine(e.message)}`, line, col));
    }
  }
  const syntaxErrors = hasErrors(diagnostics);

  const duplicates = duplicateKeys(doc.contents);
  if (duplicates.length > 0) {
    const shown = duplicates.slice(0, MAX_DUPLICATE_KEY_DIAGNOSTICS).map((d) => {
      const first = d.first.range ? source.linePos(d.first.range[0]) : undefined;
      const pos = d.pair.key && isNode(d.pair.key) && d.pair.key.range ? source.linePos(d.pair.key.range[0]) : { line: 1, column: 1 };
      const message = `the key "${keyName(d.pair.key)}" appears twice in the same mapping` +
        (first ? ` (first on line ${first.line})` : '') + '; each key may appear only once';
      return at('error', 'duplicate-key', message, pos.line, pos.column, formatPath(d.path));
    });
    diagnostics.push(...shown);
    const more = duplicates.length - shown.length;
    if (more > 0) {
      const last = shown[shown.length - 1];
      diagnostics.push(at('error', 'duplicate-key', `and ${more} more repeated key${more === 1 ? '' : 's'} after this one (only the first ${shown.length} are listed)`, last.line, last.column, last.path));
    }
    // The first occurrence is kept, so later messages point at the node their value came from.
    dropDuplicateKeys(duplicates);
  }
  if (syntaxErrors) return { source, value: undefined, diagnostics };

  const aliases = indexAliases(doc.contents);
  if (aliases.aliases.length > MAX_ALIASES) {
    const a = aliases.aliases[MAX_ALIASES];
    const pos = a.node.range ? source.linePos(a.node.range[0]) : { line: 1, column: 1 };
    diagnostics.push(at('error', 'alias-limit',
      `the file uses ${aliases.aliases.length} YAML aliases; at most ${MAX_ALIASES} are allowed (this is the first one over): write the values out instead`,
      pos.line, pos.column, formatPath(a.path)));
    return { source, value: undefined, diagnostics };
  }
  // Anchors no alias names are left out of the conversion (the package scans them for every alias).
  const unused = aliases.unusedAnchors.map((n) => [n, (n as { anchor?: string }).anchor] as const);
  for (const [n] of unused) (n as { anchor?: string }).anchor = undefined;
  try {
    return { source, value: doc.toJS({ maxAliasCount }), diagnostics };
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    diagnostics.push(explainConversionError(msg, source, maxAliasCount, at, aliases));
    return { source, value: undefined, diagnostics };
  } finally {
    for (const [n, anchor] of unused) (n as { anchor?: string }).anchor = anchor;
  }
}

/**
 * Flow collections (`[ ]`, `{ }`) nested deeper than this are refused before parsing: the yaml package's
 * parser slows down more than linearly with the depth (300k levels took ~6 s) and its composer gives up
 * near 1,000 levels anyway.
 */
export const MAX_FLOW_DEPTH = 500;

/**
 * The offset where `[`/`{` nesting first exceeds `max`, counting brackets anywhere (a quoted string would
 * need hundreds of unclosed brackets to be counted wrongly), or undefined.
 */
function flowNestingBeyond(text: string, max: number): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return i;
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) {
      depth--;
    }
  }
  return undefined;
}

/**
 * At most this many aliases in one file: each costs a scan of the anchors and aliases before it when the
 * document is converted. GitLab may refuse aliases in devfiles altogether (rule gitlab/yaml-alias).
 */
export const MAX_ALIASES = 1000;

type At = (severity: Severity, rule: string, message: string, line?: number, column?: number, path?: string) => Diagnostic;

/** Repeated keys listed one by one; past this many, one line says how many more there are. */
export const MAX_DUPLICATE_KEY_DIAGNOSTICS = 100;

/** A failure of the YAML-to-value step: an alias bomb, a merge key naming no mapping, or else. */
function explainConversionError(msg: string, source: YamlSource, maxAliasCount: number, at: At, index: AliasIndex): Diagnostic {
  const doc = source.doc;
  // The yaml library throws when alias expansion exceeds maxAliasCount.
  if (/excessive alias count|resource exhaustion/i.test(msg)) {
    // Point at the first alias of an anchor that itself holds aliases: where the expansion multiplies.
    const { aliases } = index;
    const holdsAliases = new Map<Node, boolean>();
    const nested = aliases.find((a) => {
      const target = index.target(a.node);
      if (!target) return false;
      if (!holdsAliases.has(target)) holdsAliases.set(target, aliasNodes(target).length > 0);
      return holdsAliases.get(target);
    });
    const target = nested ?? aliases[0];
    const name = target && isAlias(target.node) ? `*${target.node.source}` : 'an alias';
    const why = nested
      ? `${name} here repeats an anchor that itself holds aliases; write the values out instead of nesting aliases`
      : `the anchor of ${name} here is repeated more than ${maxAliasCount} times; write the values out instead`;
    const pos = target?.node.range ? source.linePos(target.node.range[0]) : { line: 1, column: 1 };
    return at('error', 'alias-limit', `the YAML aliases expand too many times (a possible alias bomb): ${why}`,
      pos.line, pos.column, target ? formatPath(target.path) : '');
  }
  if (/merge sources must be maps/i.test(msg)) {
    const bad = badMergeSources(doc, index);
    const pos = bad?.node.range ? source.linePos(bad.node.range[0]) : { line: 1, column: 1 };
    return at('error', 'syntax', 'a "<<" merge key must name a mapping (an alias of a mapping, or a list of such aliases)',
      pos.line, pos.column, bad ? formatPath(bad.path) : '');
  }
  return at('error', 'syntax', `YAML error: ${firstLine(msg)}`);
}

/** `['components', 1, 'container', 'name']` -> `components[1].container.name`. */
export function formatPath(path: YamlPath): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(p)) out += out ? `.${p}` : p;
    else out += `[${JSON.stringify(p)}]`;
  }
  return out;
}

/** Quoted tokens in the library's messages longer than this are cut (a stray text file gives whole paragraphs). */
const MAX_QUOTED_TOKEN = 80;

/** The library's message without its position suffix, on one line, with long quoted tokens cut to `"...`. */
function firstLine(s: string): string {
  return shortenQuotedTokens(s.split('\n')[0].replace(/ at line \d+, column \d+:?$/, ''));
}

/** Cuts each double-quoted token (JSON-escaped, as the yaml library prints them) over `max` characters. */
function shortenQuotedTokens(message: string, max = MAX_QUOTED_TOKEN): string {
  return message.replace(/"(?:[^"\\]|\\.)*"/g, (token) => {
    const inner = token.slice(1, -1);
    if (inner.length <= max) return token;
    // Do not end on half an escape sequence such as `\n`.
    const cut = inner.slice(0, max).replace(/\\+$/, (b) => (b.length % 2 ? b.slice(0, -1) : b));
    return `"${cut}..."`;
  });
}

/** What JSON-ish type a value has, in words for messages ("a mapping", "a list", "a string"...). */
export function describeType(v: unknown): string {
  if (v === null || v === undefined) return 'empty';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'number') return 'a number';
  if (typeof v === 'boolean') return 'a boolean';
  return typeof v;
}

/**
 * A JSON pointer from a JSON-schema validator (`/components/0/name`) as a YAML path
 * (`['components', 0, 'name']`): segments are numbers where the value at that point is a list.
 */
export function jsonPointerToPath(pointer: string, root: unknown): YamlPath {
  if (!pointer) return [];
  const out: Array<string | number> = [];
  let cur: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) {
      const i = Number(seg);
      out.push(i);
      cur = cur[i];
    } else {
      out.push(seg);
      cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined;
    }
  }
  return out;
}
