/** How preflight's results print (pure): one line per check, or one JSON document; and the exit code. */
import type { CheckResult, CheckStatus, PreflightReport } from './run';

const LABEL: Record<CheckStatus, string> = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL', skipped: 'skip' };

/** `<STATUS> <id>: <message>[; fix: <fix>]`. */
export function checkLine(c: CheckResult): string {
  return `${LABEL[c.status]} ${c.id}: ${c.message}${c.fix !== undefined ? `; fix: ${c.fix}` : ''}`;
}

export function countByStatus(checks: readonly CheckResult[]): Record<CheckStatus, number> {
  const counts: Record<CheckStatus, number> = { ok: 0, warn: 0, fail: 0, skipped: 0 };
  for (const c of checks) counts[c.status]++;
  return counts;
}

/** Every check's line, then a summary line. */
export function textReport(report: PreflightReport, config: string): string {
  const n = countByStatus(report.checks);
  const lines = report.checks.map(checkLine);
  lines.push(`preflight ${config} (account ${report.account}, ${report.region}): ${n.ok} ok, ${n.warn} warnings, ${n.fail} failed, ${n.skipped} skipped`);
  return `${lines.join('\n')}\n`;
}

/** The JSON document of `--format json`. */
export interface PreflightJson {
  readonly config: string;
  readonly region: string;
  readonly account: string;
  readonly caller: string;
  /** `fail` when any check failed, else `ok` (warnings allowed). */
  readonly result: 'ok' | 'fail';
  readonly summary: Record<CheckStatus, number>;
  readonly checks: readonly CheckResult[];
  /** The config's own warnings (placeholders, support windows), as `file:line:col: warning: ...` lines. */
  readonly configWarnings: readonly string[];
}

export function jsonReport(report: PreflightReport, config: string, configWarnings: readonly string[] = []): PreflightJson {
  return {
    config,
    region: report.region,
    account: report.account,
    caller: report.callerArn,
    result: report.checks.some((c) => c.status === 'fail') ? 'fail' : 'ok',
    summary: countByStatus(report.checks),
    checks: report.checks,
    configWarnings,
  };
}

/** 0 when no check failed (warnings and skipped checks allowed), 1 when one did. */
export function preflightExitCode(report: PreflightReport): 0 | 1 {
  return report.checks.some((c) => c.status === 'fail') ? 1 : 0;
}
