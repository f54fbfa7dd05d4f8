/**
 * The semantic rules run beside schema errors on the parts the schema accepted (stacks/config/semantic.ts):
 * a rule runs when no schema error lies at, under or above the config paths it names. That is safe only
 * if a rule reads nothing else, so every rule is run here on a config that records what it reads:
 * - on every example and schema-valid fixture, each rule reads only paths it names;
 * - on those configs broken in one place at random (a value of the wrong type, a misspelt key), loading
 *   never throws, still reports the schema error at that place, reports nothing twice, and each rule that
 *   runs neither throws nor reads a broken value.
 */
import fc from 'fast-check';
import { existsSync, readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { parse, parseDocument } from 'yaml';
import { Diagnostic, formatDiagnostic, sortDiagnostics } from '../../lib/common/diagnostics';
import { formatPath, YamlPath } from '../../lib/common/yaml-source';
import { configSchema, loadConfigText, SchemaCheckedConfig, schemaCheckConfigText } from '../../stacks/config/load';
import { pathsOverlap, reporters, runnableRules, SEMANTIC_RULES, SemanticRule } from '../../stacks/config/semantic';
import { EXAMPLES, GITLAB_CONFIG, REQUIRED_CONFIG, TEST_DAY } from './helpers';
import { propertyRuns } from '../helpers/property-runs';

const INVALID = join(__dirname, 'fixtures', 'invalid');

/** Configs the schema accepts: the examples, the fixtures whose errors are all semantic, and what neither shows. */
const bases: Array<[string, string]> = [
  ['plain-http.yaml', `${REQUIRED_CONFIG}${GITLAB_CONFIG}  url: http://gitlab.internal.acme.dev\n`],
  ...readdirSync(EXAMPLES).filter((d) => existsSync(join(EXAMPLES, d, 'workspaces.config.yaml')))
    .map((d): [string, string] => [`examples/${d}`, readFileSync(join(EXAMPLES, d, 'workspaces.config.yaml'), 'utf8')]),
  ...readdirSync(INVALID).filter((f) => f.endsWith('.yaml')).sort()
    .map((f): [string, string] => [f, readFileSync(join(INVALID, f), 'utf8')])
    .filter(([f, text]) => {
      const checked = schemaCheckConfigText(text, f);
      return checked.config !== undefined && checked.diagnostics.length === 0;
    }),
];

interface Read {
  readonly path: YamlPath;
  /** Its keys were listed (`Object.keys`, spread, iteration of a mapping). */
  readonly keys: boolean;
}

/** `value` behind proxies that record every path read from it. */
function tracked<T extends object>(value: T): { value: T; reads: Read[] } {
  const reads: Read[] = [];
  const proxies = new WeakMap<object, object>();
  const wrap = (v: unknown, path: YamlPath): unknown => {
    if (typeof v !== 'object' || v === null) return v;
    const known = proxies.get(v);
    if (known) return known;
    const key = (target: object, prop: string) => (Array.isArray(target) && /^\d+$/.test(prop) ? Number(prop) : prop);
    const proxy = new Proxy(v, {
      get(target, prop, receiver) {
        // Symbols and inherited methods (`forEach`, `includes`...) are no config; the methods read through the proxy.
        if (typeof prop === 'symbol' || (!Object.prototype.hasOwnProperty.call(target, prop) && prop in target)) return Reflect.get(target, prop, receiver);
        const at = [...path, key(target, prop)];
        reads.push({ path: at, keys: false });
        return wrap(Reflect.get(target, prop, receiver), at);
      },
      has(target, prop) {
        if (typeof prop === 'string') reads.push({ path: [...path, key(target, prop)], keys: false });
        return Reflect.has(target, prop);
      },
      ownKeys(target) {
        reads.push({ path, keys: true });
        return Reflect.ownKeys(target);
      },
    });
    proxies.set(v, proxy);
    return proxy;
  };
  return { value: wrap(value, []) as T, reads };
}

/** `a` is `b` or lies under it. */
const atOrUnder = (a: YamlPath, b: YamlPath) => a.length >= b.length && pathsOverlap(a, b);

/** Runs one rule on a recording copy of the config; returns what it read and reported. */
function runRule(rule: SemanticRule, { config, source }: SchemaCheckedConfig): { reads: Read[]; diagnostics: Diagnostic[] } {
  const { value, reads } = tracked(structuredClone(config!));
  const diagnostics: Diagnostic[] = [];
  rule.check(value, reporters(source, { today: TEST_DAY }, diagnostics));
  return { reads, diagnostics };
}

/**
 * What a rule read beyond the paths it names: a listing of keys must be at or under a named path; a value
 * may also be on the way to one (reading `gitlab` to get to `gitlab.version`, or to find there is none).
 */
function unnamedReads(rule: SemanticRule, reads: readonly Read[]): string[] {
  const named = (r: Read) => rule.reads.some((n) => (r.keys ? atOrUnder(r.path, n) : pathsOverlap(r.path, n)));
  return [...new Set(reads.filter((r) => !named(r)).map((r) => `${r.keys ? 'keys of ' : ''}${formatPath(r.path) || '(root)'}`))];
}

describe('each semantic rule reads only the config paths it names', () => {
  it('has configs to run them on, and rule names are unique', () => {
    expect(bases.length).toBeGreaterThan(50);
    expect(new Set(SEMANTIC_RULES.map((r) => r.name)).size).toBe(SEMANTIC_RULES.length);
  });

  const checked = bases.map(([file, text]) => schemaCheckConfigText(text, file));

  it.each(SEMANTIC_RULES.map((r) => [r.name, r] as const))('%s', (_name, rule) => {
    const unnamed = new Set<string>();
    let reported = 0;
    for (const config of checked) {
      const run = runRule(rule, config);
      unnamedReads(rule, run.reads).forEach((p) => unnamed.add(p));
      reported += run.diagnostics.length;
    }
    expect([...unnamed]).toEqual([]);
    // Every rule finds something in some fixture, so its reads were exercised.
    expect(reported).toBeGreaterThan(0);
  });
});

// ---- Breaking a config in one place ----

interface SchemaNode {
  readonly $ref?: string;
  readonly type?: string | string[];
  readonly properties?: Record<string, SchemaNode>;
  readonly additionalProperties?: boolean | SchemaNode;
  readonly items?: SchemaNode;
}

function resolve(node: SchemaNode | undefined): SchemaNode | undefined {
  let n = node;
  while (n?.$ref) n = (configSchema.definitions as Record<string, SchemaNode>)[n.$ref.replace('#/definitions/', '')];
  return n;
}

/** The schema of the value at `path`, when the schema describes it. */
function schemaAt(path: YamlPath): SchemaNode | undefined {
  let node = resolve(configSchema as SchemaNode);
  for (const key of path) {
    if (!node) return undefined;
    const extra = typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined;
    node = resolve(typeof key === 'number' ? node.items : node.properties?.[key] ?? extra);
  }
  return node;
}

/** Every path to a value in a plain YAML value. */
function valuePaths(value: unknown, path: YamlPath = []): YamlPath[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => [[...path, i], ...valuePaths(v, [...path, i])]);
  if (typeof value === 'object' && value !== null) return Object.entries(value).flatMap(([k, v]) => [[...path, k], ...valuePaths(v, [...path, k])]);
  return [];
}

/** A value of each JSON type, with the schema type words that accept it. */
const WRONG_VALUES: Array<{ value: unknown; acceptedBy: string[] }> = [
  { value: 'oops', acceptedBy: ['string'] },
  { value: 12.5, acceptedBy: ['number'] },
  { value: true, acceptedBy: ['boolean'] },
  { value: ['oops'], acceptedBy: ['array'] },
  { value: { oops: 1 }, acceptedBy: ['object'] },
  { value: null, acceptedBy: ['null'] },
];

/** One way to break a config: the new text, and the path and rule of the schema error it must report. */
interface Breakage {
  readonly text: string;
  readonly path: YamlPath;
  readonly rule: string;
}

/** Gives the value at a typed path a type the schema refuses there. */
function wrongType(text: string, pick: number, which: number): Breakage | undefined {
  const paths = valuePaths(parse(text)).filter((p) => schemaAt(p)?.type !== undefined);
  if (paths.length === 0) return undefined;
  const path = paths[pick % paths.length];
  const types = ([] as string[]).concat(schemaAt(path)!.type!);
  const wrong = WRONG_VALUES.filter((w) => !w.acceptedBy.some((t) => types.includes(t)));
  const doc = parseDocument(text);
  doc.setIn(path, wrong[which % wrong.length].value);
  return { text: String(doc), path, rule: 'config/schema-type' };
}

/** Misspells a key of a mapping whose keys the schema lists. */
function misspeltKey(text: string, pick: number): Breakage | undefined {
  const paths = valuePaths(parse(text)).filter((p) => typeof p[p.length - 1] === 'string' && schemaAt(p.slice(0, -1))?.additionalProperties === false);
  if (paths.length === 0) return undefined;
  const path = paths[pick % paths.length];
  const key = String(path[path.length - 1]);
  const misspelt = `${key.slice(0, -1)}${key.endsWith('x') ? 'y' : 'x'}`;
  const doc = parseDocument(text);
  const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  const pair = (parent as { items: Array<{ key: { value: unknown } }> }).items.find((p) => p.key.value === key)!;
  pair.key.value = misspelt;
  return { text: String(doc), path: [...path.slice(0, -1), misspelt], rule: 'config/unknown-key' };
}

describe('a config broken in one place', () => {
  const breakage = fc.tuple(fc.constantFrom(...bases), fc.nat(), fc.nat(), fc.boolean())
    .map(([[file, text], pick, which, rename]) => ({ file, breakage: rename ? misspeltKey(text, pick) : wrongType(text, pick, which) }))
    .filter((b): b is { file: string; breakage: Breakage } => b.breakage !== undefined);

  it('loads without throwing, reports the schema error where the config broke, and nothing twice', () => {
    fc.assert(fc.property(breakage, ({ file, breakage: b }) => {
      const result = loadConfigText(b.text, file, { today: TEST_DAY });
      expect(result.ok).toBe(false);
      const lines = result.diagnostics.map(formatDiagnostic);
      expect(result.diagnostics.some((d) => d.rule === b.rule && d.path === formatPath(b.path))).toBe(true);
      expect(new Set(lines).size).toBe(lines.length);
      expect(sortDiagnostics(result.diagnostics).map(formatDiagnostic)).toEqual(lines);
    }), { numRuns: propertyRuns(200, 60) });
  });

  it('runs only rules that neither throw nor read a broken value', () => {
    fc.assert(fc.property(breakage, ({ file, breakage: b }) => {
      const checked = schemaCheckConfigText(b.text, file);
      expect(checked.broken.length).toBeGreaterThan(0);
      for (const rule of runnableRules(checked.broken)) {
        const { reads } = runRule(rule, checked);
        // A value read may pass by a broken value's parent on its way elsewhere; it may not be, or be
        // inside, a broken value. A listing of keys may not include one.
        const bad = reads.filter((r) => checked.broken.some((e) => atOrUnder(r.path, e) || (r.keys && atOrUnder(e, r.path))));
        expect({ rule: rule.name, bad: bad.map((r) => formatPath(r.path)) }).toEqual({ rule: rule.name, bad: [] });
      }
    }), { numRuns: propertyRuns(200, 60) });
  });
});
