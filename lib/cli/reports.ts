/**
 * `validate`'s CI reports, in the formats GitLab reads from job artifacts:
 *
 * - Code Quality (`artifacts:reports:codequality`): a JSON array of issues with `description`,
 *   `check_name`, `fingerprint`, `severity` and `location.path` / `location.lines.begin`, shown in the
 *   merge request widget and diff. Paths are relative to the repository (the job's working directory).
 * - JUnit XML (`artifacts:reports:junit`): one test case per devfile, failed with its errors, shown in
 *   the pipeline's Tests tab and the merge request.
 *
 * Pure: reports in, text out (the working directory is a parameter).
 */
import { createHash } from 'crypto';
import { isAbsolute, relative } from 'path';
import { Diagnostic, formatDiagnostic, Severity, sortDiagnostics } from '../common/diagnostics';

/** One file's outcome, as `validate` reports it. */
export interface ValidationReport {
  readonly file: string;
  readonly valid: boolean;
  readonly diagnostics: readonly Diagnostic[];
}

/** GitLab's Code Quality severities. */
export type CodeQualitySeverity = 'info' | 'minor' | 'major' | 'critical' | 'blocker';

export interface CodeQualityIssue {
  readonly description: string;
  readonly check_name: string;
  /** Stable across runs and line moves: file, rule, element and message (and which repeat it is). */
  readonly fingerprint: string;
  readonly severity: CodeQualitySeverity;
  readonly location: { readonly path: string; readonly lines: { readonly begin: number } };
}

/** An error makes GitLab refuse the devfile (a workspace cannot be created); a warning does not. */
const SEVERITY: Record<Severity, CodeQualitySeverity> = { error: 'major', warning: 'minor', note: 'info' };

/** `file` as a path from the repository root: relative to `cwd` when inside it, `/` separated, no `./`. */
export function repositoryPath(file: string, cwd: string): string {
  const inside = isAbsolute(file) ? relative(cwd, file) : file;
  const path = inside.startsWith('..') || isAbsolute(inside) ? file : inside;
  return path.split('\\').join('/').replace(/^(\.\/)+/, '');
}

export function codeQualityReport(reports: readonly ValidationReport[], cwd: string): CodeQualityIssue[] {
  const issues: CodeQualityIssue[] = [];
  const seen = new Map<string, number>();
  for (const report of reports) {
    const path = repositoryPath(report.file, cwd);
    for (const d of sortDiagnostics(report.diagnostics)) {
      const identity = [path, d.rule, d.path, d.message].join('\0');
      const repeat = seen.get(identity) ?? 0;
      seen.set(identity, repeat + 1);
      issues.push({
        description: d.path ? `${d.path}: ${d.message}` : d.message,
        check_name: d.rule,
        fingerprint: createHash('sha256').update(`${identity}\0${repeat}`).digest('hex'),
        severity: SEVERITY[d.severity],
        location: { path, lines: { begin: Math.max(1, d.line) } },
      });
    }
  }
  return issues;
}

/** The Code Quality report as the artifact file holds it. */
export function codeQualityText(reports: readonly ValidationReport[], cwd: string): string {
  return `${JSON.stringify(codeQualityReport(reports, cwd), null, 2)}\n`;
}

/**
 * JUnit XML: a `testsuites` root with one `testsuite` holding one `testcase` per devfile (name and
 * `file` its repository path). An invalid devfile's case has a `failure` whose text lists every problem
 * as `file:line:col: error: ...` lines; warnings go to `system-out`.
 */
export function junitText(reports: readonly ValidationReport[], cwd: string): string {
  const failures = reports.filter((r) => !r.valid).length;
  const cases = reports.map((r) => {
    const path = repositoryPath(r.file, cwd);
    const located = sortDiagnostics(r.diagnostics).map((d) => ({ ...d, file: path }));
    const errors = located.filter((d) => d.severity === 'error');
    const others = located.filter((d) => d.severity !== 'error');
    const lines: string[] = [`    <testcase classname="gitlab-workspaces.validate" name="${xml(path)}" file="${xml(path)}">`];
    if (!r.valid) {
      const summary = errors.length === 1 ? errors[0].message : `${errors.length} problems GitLab refuses`;
      lines.push(`      <failure message="${xml(summary)}" type="devfile">${xml(errors.map(formatDiagnostic).join('\n'))}</failure>`);
    }
    if (others.length > 0) lines.push(`      <system-out>${xml(others.map(formatDiagnostic).join('\n'))}</system-out>`);
    lines.push('    </testcase>');
    return lines.join('\n');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="gitlab-workspaces validate" tests="${reports.length}" failures="${failures}" errors="0">`,
    `  <testsuite name="devfiles" tests="${reports.length}" failures="${failures}" errors="0" skipped="0">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/**
 * Text for an XML attribute or element: markup characters escaped, and characters XML 1.0 cannot hold
 * at all (control characters, unpaired surrogates, U+FFFE/U+FFFF) shown as `\uXXXX`, since a devfile's
 * keys and values may contain anything.
 */
function xml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
      (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[ch] as string);
}
