/**
 * Property: whatever a devfile is mutated into (deleted or swapped lines, values of another type, random
 * keys, truncation), the loader returns a result with well-formed diagnostics and never throws.
 */
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { Diagnostic } from '../../lib/common/diagnostics';
import { DevfileMode, loadDevfile } from '../../lib/devfile';
import { CORPUS_AVAILABLE, CORPUS_DIR } from '../helpers/shared';
import { propertyRuns } from '../helpers/property-runs';

const FIXTURES = join(__dirname, 'fixtures');
const CORPUS = CORPUS_DIR;
const seeds: string[] = [
  ...['gitlab', 'devfile'].flatMap((m) =>
    readdirSync(join(FIXTURES, m)).filter((f) => f.startsWith('valid-') && f.endsWith('.yaml')).map((f) => readFileSync(join(FIXTURES, m, f), 'utf8'))),
  ...(CORPUS_AVAILABLE ? readdirSync(CORPUS).filter((f) => f.endsWith('.yaml')).slice(0, 8).map((f) => readFileSync(join(CORPUS, f), 'utf8')) : []),
];

const scalar = fc.oneof(
  fc.constant('null'), fc.constant('true'), fc.constant('[]'), fc.constant('{}'), fc.constant('"{{x}}"'),
  fc.integer({ min: -100000, max: 100000 }).map(String), fc.string({ maxLength: 12 }).map((s) => JSON.stringify(s)),
  fc.constantFrom('gl-x', 'GL_Y', 'container', 'volume', '- a', '&a b', '*a', 'exec:', '2.2.0'),
);
const key = fc.constantFrom('name', 'container', 'volume', 'kubernetes', 'image', 'exec', 'apply', 'composite', 'component', 'id',
  'targetPort', 'events', 'postStart', 'preStart', 'attributes', 'gl/inject-editor', 'container-overrides', 'pod-overrides', 'parent', 'zzz');

type Mutation = (lines: string[]) => string[];
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.nat().map((i): Mutation => (l) => l.filter((_, j) => j !== i % Math.max(l.length, 1))),
  fc.tuple(fc.nat(), fc.nat()).map(([a, b]): Mutation => (l) => {
    const c = [...l];
    if (c.length === 0) return c;
    const i = a % c.length, j = b % c.length;
    [c[i], c[j]] = [c[j], c[i]];
    return c;
  }),
  fc.tuple(fc.nat(), scalar).map(([i, v]): Mutation => (l) => l.map((line, j) => (j === i % Math.max(l.length, 1) ? line.replace(/:\s.*$/, `: ${v}`) : line))),
  fc.tuple(fc.nat(), key, scalar, fc.nat({ max: 8 })).map(([i, k, v, indent]): Mutation => (l) => {
    const c = [...l];
    c.splice(i % (c.length + 1), 0, `${' '.repeat(indent)}${k}: ${v}`);
    return c;
  }),
  fc.nat().map((i): Mutation => (l) => l.slice(0, i % (l.length + 1))),
  fc.nat().map((i): Mutation => (l) => { const c = [...l]; const j = i % Math.max(c.length, 1); c.splice(j, 0, c[j] ?? ''); return c; }),
);

function wellFormed(d: Diagnostic, file: string): void {
  expect(d.file).toBe(file);
  expect(['error', 'warning']).toContain(d.severity);
  expect(Number.isInteger(d.line) && d.line >= 1).toBe(true);
  expect(Number.isInteger(d.column) && d.column >= 1).toBe(true);
  expect(typeof d.path).toBe('string');
  expect(d.message).not.toMatch(/\n/);
  expect(d.rule).not.toBe('devfile/internal-error');
}

it('never throws and always returns a result, whatever the mutation', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.constantFrom<DevfileMode>('gitlab', 'devfile'),
      (seed, mutations, mode) => {
        const text = mutations.reduce((lines, m) => m(lines), seed.split('\n')).join('\n');
        const result = loadDevfile(text, { file: 'm.yaml', mode });
        expect(typeof result.ok).toBe('boolean');
        expect(Array.isArray(result.diagnostics)).toBe(true);
        for (const d of result.diagnostics) wellFormed(d, 'm.yaml');
        if (result.ok) {
          expect(result.diagnostics.every((d) => d.severity === 'warning')).toBe(true);
          expect(result.value.components.some((c) => c.name === result.value.mainComponentName)).toBe(true);
        } else {
          expect(result.diagnostics.some((d) => d.severity === 'error')).toBe(true);
        }
      },
    ),
    { numRuns: propertyRuns(400, 100) },
  );
}, 30_000); // generous: the machine running the suite may be shared

it('never throws on arbitrary JSON-like documents', () => {
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 4 }), fc.constantFrom<DevfileMode>('gitlab', 'devfile'), (value, mode) => {
      const result = loadDevfile(JSON.stringify(value), { file: 'j.yaml', mode });
      for (const d of result.diagnostics) wellFormed(d, 'j.yaml');
    }),
    { numRuns: propertyRuns(300, 75) },
  );
}, 30_000);
