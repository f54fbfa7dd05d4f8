/**
 * The public devfile registry corpus (../shared/corpus/devfile-registry): none passes GitLab's rules as
 * it is, and each is refused with located, one-line messages; in devfile mode, every devfile with only
 * container and volume components passes and yields a model.
 */
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import { loadDevfile } from '../../lib/devfile';
import { CORPUS_AVAILABLE, CORPUS_DIR } from '../helpers/shared';

const CORPUS = CORPUS_DIR;
const files = CORPUS_AVAILABLE ? readdirSync(CORPUS).filter((f) => f.endsWith('.yaml')).sort() : [];
const read = (f: string) => readFileSync(join(CORPUS, f), 'utf8');

/** Only container and volume components (read independently of the loader). */
function containersAndVolumesOnly(text: string): boolean {
  const doc = parse(text) as { components?: Array<Record<string, unknown>> };
  return (doc.components ?? []).every((c) => 'container' in c || 'volume' in c);
}

if (files.length === 0) {
  it.skip(`corpus not found at ${CORPUS} (the shared folder is absent): corpus tests skipped`, () => undefined);
} else {
  describe('gitlab mode', () => {
    it.each(files)('%s is refused with located messages', (f) => {
      const result = loadDevfile(read(f), { file: f, mode: 'gitlab' });
      expect(result.ok).toBe(false);
      const errors = result.diagnostics.filter((d) => d.severity === 'error');
      expect(errors.length).toBeGreaterThan(0);
      const lines = read(f).split('\n').length;
      for (const d of result.diagnostics) {
        expect(d.file).toBe(f);
        expect(d.line).toBeGreaterThanOrEqual(1);
        expect(d.line).toBeLessThanOrEqual(lines);
        expect(d.column).toBeGreaterThanOrEqual(1);
        expect(d.rule).toMatch(/^(gitlab|devfile)\/[a-z-]+$/);
        expect(d.message).not.toMatch(/\n/);
        expect(d.message.length).toBeGreaterThan(20);
        expect(d.rule).not.toBe('devfile/internal-error');
      }
      // None of the corpus devfiles is 2.2.0 with a gl/inject-editor component; the rule says which.
      expect(errors.some((d) => d.rule === 'gitlab/schema-version' || d.rule === 'gitlab/editor-component')).toBe(true);
    });
  });

  describe('devfile mode', () => {
    const simple = files.filter((f) => containersAndVolumesOnly(read(f)));
    const other = files.filter((f) => !simple.includes(f));

    it('has devfiles of both groups', () => {
      expect(simple.length).toBeGreaterThan(20);
      expect(other.length).toBeGreaterThan(0);
    });

    it.each(simple)('%s (containers and volumes only) passes', (f) => {
      const result = loadDevfile(read(f), { file: f, mode: 'devfile' });
      expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      const containers = result.value.components.filter((c) => c.kind === 'container');
      expect(containers.map((c) => c.name)).toContain(result.value.mainComponentName);
      for (const d of result.diagnostics) expect(d.severity).toBe('warning');
    });

    it.each(other)('%s (kubernetes, openshift or image components) is refused naming the component', (f) => {
      const result = loadDevfile(read(f), { file: f, mode: 'devfile' });
      expect(result.ok).toBe(false);
      const refused = result.diagnostics.filter((d) => d.rule === 'devfile/component-type');
      expect(refused.length).toBeGreaterThan(0);
      for (const d of refused) expect(d.message).toMatch(/^component "[a-z0-9-]+" is an? (kubernetes|openshift|image) component/);
    });
  });

  it('substitutes corpus variables ({{liberty-version}}) in devfile mode', () => {
    const f = 'java-openliberty.devfile.yaml';
    if (!files.includes(f)) return;
    const result = loadDevfile(read(f), { file: f, mode: 'devfile' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const images = result.value.components.flatMap((c) => (c.kind === 'container' ? [c.container.image] : []));
    expect(images.some((i) => i.includes('{{'))).toBe(false);
    expect(images.join(' ')).toContain(parse(read(f)).variables['liberty-version']);
  });

  it('keeps the resources of a container-overrides attribute (ollama) in devfile mode', () => {
    const f = 'ollama.devfile.yaml';
    if (!files.includes(f)) return;
    const result = loadDevfile(read(f), { file: f, mode: 'devfile' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const ollama = result.value.components.find((c) => c.name === 'ollama');
    expect(ollama?.kind === 'container' && ollama.resourceOverrides).toEqual({
      limits: { cpu: '4000m', memory: '12Gi' },
      requests: { cpu: '1000m', memory: '8Gi' },
    });
  });
}
