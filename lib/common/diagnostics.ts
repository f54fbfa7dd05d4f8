/**
 * Diagnostics: the one shape every checker in this project reports problems in (devfile rules,
 * agent config, workspace identity, stack config). Pure: no I/O.
 */

/** `note`: a change a tool made (`convert`), not a problem. */
export type Severity = 'error' | 'warning' | 'note';

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, note: 2 };

/** One problem found in an input file, pointing at the YAML node at fault. */
export interface Diagnostic {
  readonly severity: Severity;
  /** The file as the user named it (or a label such as `<input>` for text). */
  readonly file: string;
  /** 1-based line of the node at fault (1 when the file has no better position). */
  readonly line: number;
  /** 1-based column of the node at fault. */
  readonly column: number;
  /** Where in the document, e.g. `components[1].container.endpoints[0].name`; empty for the root. */
  readonly path: string;
  /** One line naming the element and the rule, in words that need no GitLab docs. */
  readonly message: string;
  /** A stable identifier of the rule, e.g. `gitlab/reserved-prefix`, for tooling and tests. */
  readonly rule: string;
}

/** `<file>:<line>:<col>: <severity>: <message>`: the compiler-style line editors and CI annotate. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.path ? `${d.path}: ` : '';
  return `${d.file}:${d.line}:${d.column}: ${d.severity}: ${where}${d.message}`;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Orders diagnostics by file, line, column, so output reads top to bottom like the file. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.line - b.line ||
      a.column - b.column ||
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity],
  );
}

/** At most this many diagnostics of one file are listed; one more line says how many were left out. */
export const MAX_LISTED_DIAGNOSTICS = 100;

/**
 * The first `max` diagnostics in file order, then, when there were more, one diagnostic at the first one
 * left out saying how many (an error when any left out is): a file with 250,000 problems gets a report of
 * a hundred lines, not 250,000. Unchanged (and unsorted) when there are no more than `max`.
 */
export function capDiagnostics(diagnostics: readonly Diagnostic[], rule: string, max = MAX_LISTED_DIAGNOSTICS): Diagnostic[] {
  if (diagnostics.length <= max) return [...diagnostics];
  const sorted = sortDiagnostics(diagnostics);
  const rest = sorted.slice(max);
  const next = rest[0];
  const severity: Severity = rest.some((d) => d.severity === 'error') ? 'error' : rest.some((d) => d.severity === 'warning') ? 'warning' : 'note';
  return [
    ...sorted.slice(0, max),
    { severity, file: next.file, line: next.line, column: next.column, path: next.path, rule,
      message: `and ${rest.length} more problems from here on (only the first ${max} are listed)` },
  ];
}

/** Appends `more` to `list` (in place) without spreading it into arguments, which overflows the stack past ~100k items. */
export function appendAll<T>(list: T[], more: readonly T[]): void {
  for (const item of more) list.push(item);
}

/**
 * A bug, not bad input: one diagnostic (`<prefix>/internal-error`) instead of a crash, asking for a report.
 * `while` says what was being done, e.g. `checking this devfile`.
 */
export function internalErrorDiagnostic(file: string, rulePrefix: string, doing: string, err: unknown): Diagnostic {
  const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
  return {
    severity: 'error', file, line: 1, column: 1, path: '', rule: `${rulePrefix}/internal-error`,
    message: `internal error while ${doing} (${message}); please report it with the devfile`,
  };
}

/** Raised only where a caller asked for a value and got diagnostics instead (library convenience APIs). */
export class DiagnosticsError extends Error {
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    super(sortDiagnostics(diagnostics).filter((d) => d.severity === 'error').map(formatDiagnostic).join('\n'));
    this.name = 'DiagnosticsError';
  }
}

/** The result of a check that may fail: errors travel as values until one place prints them. */
export type Result<T> =
  | { readonly ok: true; readonly value: T; readonly diagnostics: readonly Diagnostic[] }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };
