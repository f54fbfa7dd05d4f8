/**
 * Walks test/workspace/identity-fixtures: valid/ files load with no errors, invalid/ files fail, and
 * the diagnostics are exactly the `# expect:` lines in each file. Adding a case is adding a file.
 */
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { formatDiagnostic } from '../../lib/common/diagnostics';
import { parseWorkspaceIdentity } from '../../lib/workspace/identity';
import { asExpectation, key, readExpectations } from '../agent-config/expectations';

const root = join(__dirname, 'identity-fixtures');
const files = (kind: string) => readdirSync(join(root, kind)).filter((f) => f.endsWith('.yaml')).sort();

describe.each(['valid', 'invalid'])('%s workspace identity files', (kind) => {
  it.each(files(kind))('%s', (file) => {
    const text = readFileSync(join(root, kind, file), 'utf8');
    const expected = readExpectations(text);
    const result = parseWorkspaceIdentity(text, file);
    if (process.env.PRINT_EXPECTATIONS) process.stdout.write(`== ${kind}/${file}\n${result.diagnostics.map(asExpectation).join('\n')}\n`);

    expect(result.ok).toBe(kind === 'valid');
    if (kind === 'invalid') expect(expected.some((e) => e.severity === 'error')).toBe(true);
    expect(result.diagnostics.map(key).sort()).toEqual(expected.map(key).sort());
    for (const e of expected) {
      const d = result.diagnostics.find((a) => key(a) === key(e))!;
      expect(d.message).toContain(e.fragment);
      expect(formatDiagnostic(d).startsWith(`${file}:${e.line}:${e.column}: ${e.severity}: `)).toBe(true);
    }
  });
});
