/**
 * Walks test/agent-config/fixtures: every file under valid/ must load with no errors, every file under
 * invalid/ must fail; in both, the diagnostics must be exactly the `# expect:` lines in the file
 * (position, path, rule, message fragment). Adding a case is adding a file. A `# gitlab-version: X`
 * line checks the file for that GitLab version (default: the newest).
 */
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { parseAgentConfig, serializeAgentConfig } from '../../lib/agent-config';
import { parseGitLabVersion } from '../../lib/common/gitlab-version';
import { formatDiagnostic } from '../../lib/common/diagnostics';
import { asExpectation, key, readExpectations } from './expectations';

const root = join(__dirname, 'fixtures');
const files = (kind: string) => readdirSync(join(root, kind)).filter((f) => f.endsWith('.yaml')).sort();

describe.each(['valid', 'invalid'])('%s agent configs', (kind) => {
  it.each(files(kind))('%s', (file) => {
    const text = readFileSync(join(root, kind, file), 'utf8');
    const expected = readExpectations(text);
    const versionLine = /^# gitlab-version: (\S+)$/m.exec(text);
    const version = versionLine ? parseGitLabVersion(versionLine[1]) : undefined;
    if (version && !version.ok) throw new Error(version.message);
    const gitlabVersion = version?.ok ? version.value : undefined;
    const result = parseAgentConfig(text, file, { ...(gitlabVersion && { gitlabVersion }) });

    if (process.env.PRINT_EXPECTATIONS) process.stdout.write(`${file}\n${result.diagnostics.map(asExpectation).join('\n')}\n`);
    expect(result.ok).toBe(kind === 'valid');
    if (kind === 'invalid') expect(expected.some((e) => e.severity === 'error')).toBe(true);

    const actual = result.diagnostics;
    // Same set of (severity, position, path, rule), with a readable diff when not.
    expect(actual.map(key).sort()).toEqual(expected.map(key).sort());
    for (const e of expected) {
      const d = actual.find((a) => key(a) === key(e))!;
      expect(d.message).toContain(e.fragment);
      expect(d.file).toBe(file);
      // The compiler-style line names file, line and column.
      expect(formatDiagnostic(d).startsWith(`${file}:${e.line}:${e.column}: ${e.severity}: `)).toBe(true);
    }
    if (result.ok) {
      // What a valid file says survives being written back out (the stack commits that text).
      const text2 = serializeAgentConfig(result.value, { ...(gitlabVersion && { gitlabVersion }) });
      const again = parseAgentConfig(text2, 'serialized.yaml', { ...(gitlabVersion && { gitlabVersion }) });
      expect(again.ok && again.value).toEqual(result.value);
      expect(again.ok && serializeAgentConfig(again.value)).toBe(text2);
    }
  });
});

describe('fixture coverage', () => {
  it('has one invalid fixture per rule id the checker can report', () => {
    const rules = new Set<string>();
    for (const f of files('invalid')) {
      for (const e of readExpectations(readFileSync(join(root, 'invalid', f), 'utf8'))) rules.add(e.rule);
    }
    for (const rule of [
      'root', 'missing-section', 'misplaced-key', 'unknown-key', 'type', 'required', 'range', 'dns-zone', 'name',
      'cidr', 'cidr-except', 'resources-shape', 'quantity', 'privilege-escalation', 'shared-namespace-max-resources',
      'shared-namespace-pull-secret', 'duplicate-pull-secret', 'label-key', 'annotation-key', 'reserved-prefix',
      'label-value', 'hours-sum', 'duplicate-key', 'syntax', 'removed-key', 'gitlab-version',
    ]) {
      expect(rules).toContain(`agent-config/${rule}`);
    }
  });
});
