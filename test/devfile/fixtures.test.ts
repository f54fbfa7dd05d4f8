/**
 * One fixture per rule: test/devfile/fixtures/<mode>/<case>.yaml is loaded in <mode>, with the options of
 * an optional <case>.options.json, and must give exactly the diagnostics of <case>.expected.json (rule,
 * severity, line, column, path and message). Adding a case is adding two files.
 */
import { readdirSync, readFileSync, existsSync } from 'fs';
import { join } from 'path';
import { loadDevfile, DevfileMode, LoadDevfileOptions } from '../../lib/devfile';

interface Expected {
  valid: boolean;
  diagnostics: Array<{ severity: string; line: number; column: number; path: string; rule: string; message: string }>;
}

const ROOT = join(__dirname, 'fixtures');
const MODES: DevfileMode[] = ['gitlab', 'devfile'];

function cases(mode: DevfileMode): string[] {
  return readdirSync(join(ROOT, mode)).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, '')).sort();
}

describe.each(MODES)('%s mode fixtures', (mode) => {
  it.each(cases(mode))('%s', (name) => {
    const dir = join(ROOT, mode);
    const optionsFile = join(dir, `${name}.options.json`);
    const options = existsSync(optionsFile) ? (JSON.parse(readFileSync(optionsFile, 'utf8')) as Partial<LoadDevfileOptions>) : {};
    const expected = JSON.parse(readFileSync(join(dir, `${name}.expected.json`), 'utf8')) as Expected;
    const file = `${name}.yaml`;
    const result = loadDevfile(readFileSync(join(dir, file), 'utf8'), { ...options, file, mode });

    expect(result.ok).toBe(expected.valid);
    for (const d of result.diagnostics) expect(d.file).toBe(file);
    expect(result.diagnostics.map(({ severity, line, column, path, rule, message }) => ({ severity, line, column, path, rule, message })))
      .toEqual(expected.diagnostics);
    // Every invalid case is invalid for a stated reason, and every message is one line.
    if (!expected.valid) expect(result.diagnostics.some((d) => d.severity === 'error')).toBe(true);
    for (const d of result.diagnostics) expect(d.message).not.toMatch(/\n/);
  });
});

it('has a valid and an invalid fixture in each mode, and an expected file for every fixture', () => {
  for (const mode of MODES) {
    const names = cases(mode);
    expect(names.some((n) => n.startsWith('valid-'))).toBe(true);
    expect(names.some((n) => !n.startsWith('valid-'))).toBe(true);
    for (const n of names) expect(existsSync(join(ROOT, mode, `${n}.expected.json`))).toBe(true);
    for (const n of names) {
      const expected = JSON.parse(readFileSync(join(ROOT, mode, `${n}.expected.json`), 'utf8')) as Expected;
      expect(expected.valid).toBe(n.startsWith('valid-'));
    }
  }
});
