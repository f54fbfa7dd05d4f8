/**
 * `validate --format codequality` and `--format junit`, read as their consumers read them: the Code
 * Quality report checked against GitLab's documented format (a JSON Schema of it, with ajv), the JUnit
 * report parsed by an XML parser (fast-xml-parser) the way GitLab's JUnit parser reads test cases.
 */
import Ajv from 'ajv';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, relative } from 'path';
import { CliIo } from '../../lib/cli/io';
import { codeQualityReport, junitText, repositoryPath } from '../../lib/cli/reports';
import { runValidate } from '../../lib/cli/validate';

const FIXTURES = join(__dirname, '..', 'devfile', 'fixtures', 'gitlab');
/** Fixture paths as a CI job passes them: relative to the repository root (the job's directory). */
const fixture = (name: string) => relative(process.cwd(), join(FIXTURES, `${name}.yaml`));

async function run(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; } };
  const code = await runValidate(args, io);
  return { code, stdout, stderr };
}

/** GitLab's Code Quality report format (docs: "Code Quality report format"), as a JSON Schema. */
const CODE_QUALITY_SCHEMA = {
  type: 'array',
  items: {
    type: 'object',
    required: ['description', 'check_name', 'fingerprint', 'severity', 'location'],
    properties: {
      description: { type: 'string', minLength: 1 },
      check_name: { type: 'string', minLength: 1 },
      fingerprint: { type: 'string', minLength: 1 },
      severity: { enum: ['info', 'minor', 'major', 'critical', 'blocker'] },
      location: {
        type: 'object',
        required: ['path', 'lines'],
        properties: {
          path: { type: 'string', pattern: '^(?!/)(?!\\./)' },
          lines: { type: 'object', required: ['begin'], properties: { begin: { type: 'integer', minimum: 1 } } },
        },
      },
    },
  },
};
const validateCodeQuality = new Ajv({ allErrors: true }).compile(CODE_QUALITY_SCHEMA);

const MIXED = ['valid-full', 'many-problems', 'valid-unknown-variable-warning', 'reserved-component-name'].map(fixture);

describe('--format codequality', () => {
  it('writes a report GitLab reads: every problem, located, with unique fingerprints and repository paths', async () => {
    const r = await run('--format', 'codequality', ...MIXED, 'does-not-exist.yaml');
    expect(r.code).toBe(1);
    const issues = JSON.parse(r.stdout) as ReturnType<typeof codeQualityReport>;
    expect(validateCodeQuality(issues)).toBe(true);
    // The same problems as the text lines on stderr (the job log), at the same lines.
    const logged = r.stderr.trimEnd().split('\n').map((l) => /^(.+?):(\d+):\d+: (error|warning): /.exec(l));
    expect(issues.map((i) => [i.location.path, i.location.lines.begin])).toEqual(logged.map((m) => [m?.[1], Number(m?.[2])]));
    expect(new Set(issues.map((i) => i.fingerprint)).size).toBe(issues.length);
    expect(issues.filter((i) => i.location.path === fixture('valid-full'))).toEqual([]);
    const warning = issues.find((i) => i.location.path === fixture('valid-unknown-variable-warning'));
    expect(warning).toMatchObject({ severity: 'minor', check_name: 'devfile/unknown-variable' });
    expect(issues.find((i) => i.location.path === 'does-not-exist.yaml')).toMatchObject({ severity: 'major', check_name: 'devfile/unreadable' });
  });

  it('keeps fingerprints when lines move, and tells repeats of one problem apart', () => {
    const d = { severity: 'error' as const, file: 'a.yaml', line: 3, column: 1, path: 'components[0]', message: 'm', rule: 'r/x' };
    const before = codeQualityReport([{ file: 'a.yaml', valid: false, diagnostics: [d, { ...d, line: 9 }] }], '/repo');
    const after = codeQualityReport([{ file: 'a.yaml', valid: false, diagnostics: [{ ...d, line: 5 }, { ...d, line: 11 }] }], '/repo');
    expect(after.map((i) => i.fingerprint)).toEqual(before.map((i) => i.fingerprint));
    expect(before[0].fingerprint).not.toBe(before[1].fingerprint);
  });

  it('writes an empty array when every devfile is valid', async () => {
    const r = await run('--format', 'codequality', fixture('valid-minimal'));
    expect(r).toEqual({ code: 0, stdout: '[]\n', stderr: '' });
  });

  it('names files by their path from the repository root', () => {
    expect(repositoryPath('/repo/.devfile/a.yaml', '/repo')).toBe('.devfile/a.yaml');
    expect(repositoryPath('./.devfile.yaml', '/repo')).toBe('.devfile.yaml');
    expect(repositoryPath('sub\\b.yaml', '/repo')).toBe('sub/b.yaml');
    expect(repositoryPath('/elsewhere/c.yaml', '/repo')).toBe('/elsewhere/c.yaml');
  });
});

/** Test cases as GitLab's JUnit parser collects them: under `testsuites/testsuite` or a root `testsuite`. */
function gitlabTestCases(xml: string) {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', textNodeName: '#text', isArray: (name) => ['testsuite', 'testcase'].includes(name) });
  const root = parser.parse(xml) as Record<string, { testsuite?: Array<{ testcase?: Array<Record<string, unknown>> }> }>;
  const suites = root.testsuites?.testsuite ?? (root.testsuite as unknown as Array<{ testcase?: Array<Record<string, unknown>> }>) ?? [];
  return suites.flatMap((s) => s.testcase ?? []).map((c) => {
    const failure = c.failure as { '#text'?: string; message?: string } | undefined;
    return {
      name: c.name as string, classname: c.classname as string, file: c.file as string,
      status: failure ? 'failed' : 'success',
      systemOutput: failure ? (failure['#text'] ?? failure.message) : undefined,
    };
  });
}

describe('--format junit', () => {
  it('writes well-formed JUnit XML: one test case per devfile, failed with its problems', async () => {
    const r = await run('--format', 'junit', ...MIXED);
    expect(r.code).toBe(1);
    expect(XMLValidator.validate(r.stdout)).toBe(true);
    const cases = gitlabTestCases(r.stdout);
    expect(cases.map((c) => [c.name, c.status])).toEqual([
      [fixture('valid-full'), 'success'],
      [fixture('many-problems'), 'failed'],
      [fixture('valid-unknown-variable-warning'), 'success'],
      [fixture('reserved-component-name'), 'failed'],
    ]);
    for (const c of cases) {
      expect(c.file).toBe(c.name);
      expect(c.classname).toBe('gitlab-workspaces.validate');
    }
    const problems = r.stderr.split('\n').filter((l) => l.startsWith(fixture('many-problems')) && l.includes(': error: '));
    expect(cases[1].systemOutput?.split('\n')).toEqual(problems);
    expect(r.stdout).toMatch(/<testsuites name="gitlab-workspaces validate" tests="4" failures="2" errors="0">/);
  });

  it('stays well-formed whatever a devfile contains (markup and control characters in keys)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'junit-'));
    try {
      const file = join(dir, 'odd & <name>.yaml');
      writeFileSync(file, 'schemaVersion: 2.2.0\n"<k>&\\u0001\\"x\'": 1\ncomponents: []\n');
      const r = await run('--format', 'junit', file);
      expect(XMLValidator.validate(r.stdout)).toBe(true);
      const [c] = gitlabTestCases(r.stdout);
      expect(c.status).toBe('failed');
      expect(c.name).toContain('odd & <name>.yaml');
      expect(c.systemOutput).toContain('"<k>&\\u0001\\"x\'"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists the warnings of a valid devfile in its output, without failing it', () => {
    const d = { severity: 'warning' as const, file: 'a.yaml', line: 2, column: 1, path: '', message: 'w', rule: 'r/w' };
    const xml = junitText([{ file: 'a.yaml', valid: true, diagnostics: [d] }], '/repo');
    expect(xml).toContain('<system-out>a.yaml:2:1: warning: w</system-out>');
    expect(gitlabTestCases(xml)[0].status).toBe('success');
  });
});
