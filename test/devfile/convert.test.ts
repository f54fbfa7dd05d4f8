/**
 * `convertDevfile` case by case: test/devfile/convert-fixtures/<case>.yaml is converted (with the options
 * of an optional <case>.options.json); the notes, warnings and errors must be those of
 * <case>.messages.txt, and the output that of <case>.converted.yaml (absent: the devfile is refused).
 * Adding a case is adding files. Every converted case also passes GitLab's rules, and converting it again
 * changes nothing.
 */
import { existsSync, readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { formatDiagnostic } from '../../lib/common/diagnostics';
import { loadDevfile } from '../../lib/devfile';
import { convertDevfile, ConvertOptions } from '../../lib/devfile/convert';

const DIR = join(__dirname, 'convert-fixtures');
const cases = readdirSync(DIR).filter((f) => f.endsWith('.yaml') && !f.endsWith('.converted.yaml')).map((f) => f.replace(/\.yaml$/, '')).sort();
const read = (name: string) => readFileSync(join(DIR, name), 'utf8');

function convertCase(name: string) {
  const optionsFile = join(DIR, `${name}.options.json`);
  const options = existsSync(optionsFile) ? (JSON.parse(read(`${name}.options.json`)) as Partial<ConvertOptions>) : {};
  return convertDevfile(read(`${name}.yaml`), { ...options, file: `${name}.yaml` });
}

describe.each(cases)('%s', (name) => {
  const expectedText = existsSync(join(DIR, `${name}.converted.yaml`)) ? read(`${name}.converted.yaml`) : undefined;
  const result = convertCase(name);

  it('gives the expected notes, warnings and errors, each located on one line', () => {
    expect(result.diagnostics.map(formatDiagnostic).join('\n') + '\n').toBe(read(`${name}.messages.txt`));
    const lines = read(`${name}.yaml`).split('\n').length;
    for (const d of result.diagnostics) {
      expect(d.line).toBeGreaterThanOrEqual(1);
      expect(d.line).toBeLessThanOrEqual(lines);
      expect(d.message).not.toMatch(/\n/);
    }
  });

  if (expectedText === undefined) {
    it('is refused: errors say what to do, and nothing is converted', () => {
      expect(result.ok).toBe(false);
      expect(result.diagnostics.some((d) => d.severity === 'error')).toBe(true);
      expect(result.diagnostics.filter((d) => d.severity === 'note')).toEqual([]);
    });
    return;
  }

  it('gives the expected devfile, which passes GitLab\'s rules', () => {
    expect(result.ok).toBe(true);
    expect(result.text).toBe(expectedText);
    const check = loadDevfile(result.text, { file: 'converted.yaml', mode: 'gitlab' });
    expect(check.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('changes nothing when converted again', () => {
    const again = convertDevfile(result.text, { file: 'again.yaml' });
    expect(again.ok).toBe(true);
    expect(again.changed).toBe(false);
    expect(again.text).toBe(result.text);
    expect(again.diagnostics.filter((d) => d.severity === 'note')).toEqual([]);
  });

  it('notes every change it made, and makes none it does not note', () => {
    expect(result.changed).toBe(result.diagnostics.some((d) => d.severity === 'note'));
  });
});

describe('keeping the author\'s text', () => {
  it('keeps every line it has no reason to change, comments included', () => {
    const input = read('registry-nodejs.yaml');
    const output = convertCase('registry-nodejs').text;
    for (const line of ['# A devfile-registry style stack: written for odo and Che, refused by GitLab as it is.',
      '  description: "Node.js 18 application,', '    with npm"', '  tags: [Node.js, Express]',
      "      args: ['tail', '-f', '/dev/null']   # keep the container alive", "          value: '5858'"]) {
      expect(input).toContain(line);
      expect(output).toContain(line);
    }
  });

  it('removes the comment that describes a removed command with it', () => {
    expect(convertCase('registry-nodejs').text).not.toContain('# Install then run');
  });
});

describe('results that are not devfiles', () => {
  it('refuses text that is not YAML with the parser\'s located message', () => {
    const r = convertDevfile('a: [', { file: 'x.yaml' });
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]).toMatchObject({ severity: 'error', file: 'x.yaml', line: 1 });
  });

  it('refuses a devfile 1.x, an empty file and a list', () => {
    for (const text of ['apiVersion: 1.0.0\nmetadata: {name: x}\n', '', '- a\n']) {
      const r = convertDevfile(text, { file: 'x.yaml' });
      expect(r.ok).toBe(false);
      expect(r.diagnostics.length).toBeGreaterThan(0);
    }
  });

  it('passes on the loader\'s errors that convert does not fix (a command naming no component)', () => {
    const text = 'schemaVersion: 2.2.0\ncomponents:\n  - name: a\n    container: {image: x}\ncommands:\n  - id: run\n    exec: {component: b, commandLine: "true"}\nevents:\n  postStart: [run]\n';
    const r = convertDevfile(text, { file: 'x.yaml' });
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => d.rule)).toEqual(['devfile/unknown-component']);
  });

  it('refuses --editor-component naming no container', () => {
    const r = convertDevfile('schemaVersion: 2.2.0\ncomponents:\n  - name: a\n    container: {image: x}\n', { file: 'x.yaml', editorComponent: 'nope' });
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => d.rule)).toEqual(['devfile/editor-component']);
  });
});
