/**
 * Expectations written inside fixture files, so that adding a case is adding a file:
 *
 *     # expect: <line>:<col> <path> <rule> | <fragment of the message>
 *     # expect-warning: <line>:<col> <path> <rule> | <fragment of the message>
 *
 * `<path>` is `<root>` for the document root. Every diagnostic of the file must be expected, and every
 * expectation must be met (same line, column, path, rule and severity, message containing the fragment).
 * Shared by the agent config and workspace identity tests.
 */
import { Diagnostic } from '../../lib/common/diagnostics';

export interface Expectation {
  readonly severity: 'error' | 'warning';
  readonly line: number;
  readonly column: number;
  readonly path: string;
  readonly rule: string;
  readonly fragment: string;
}

const LINE = /^#\s*expect(-warning)?:\s*(\d+):(\d+)\s+(\S+)\s+(\S+)\s*\|\s*(.+?)\s*$/;

export function readExpectations(text: string): Expectation[] {
  const out: Expectation[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!/^#\s*expect/.test(line)) continue;
    const m = LINE.exec(line);
    if (!m) throw new Error(`malformed expectation: ${line}`);
    out.push({
      severity: m[1] ? 'warning' : 'error',
      line: Number(m[2]),
      column: Number(m[3]),
      path: m[4] === '<root>' ? '' : m[4],
      rule: m[5],
      fragment: m[6],
    });
  }
  return out;
}

/** A compact, comparable form: `error 3:13 path rule`. */
export function key(d: Pick<Diagnostic, 'severity' | 'line' | 'column' | 'path' | 'rule'>): string {
  return `${d.severity} ${d.line}:${d.column} ${d.path || '<root>'} ${d.rule}`;
}

/** Renders a diagnostic as an expectation line (to write new fixtures). */
export function asExpectation(d: Diagnostic): string {
  return `# expect${d.severity === 'warning' ? '-warning' : ''}: ${d.line}:${d.column} ${d.path || '<root>'} ${d.rule} | ${d.message}`;
}
