/**
 * How many cases a fast-check property tries: `ci` in CI (`CI` set, as GitLab and the project's CI set
 * it), where a run's strength matters more than its minutes, and `local` otherwise, where `npm test`
 * runs on every change. `PROPERTY_RUNS=ci` asks for CI's number locally.
 */
export function propertyRuns(ci: number, local: number): number {
  const inCi = (process.env.CI !== undefined && !['', '0', 'false'].includes(process.env.CI)) || process.env.PROPERTY_RUNS === 'ci';
  return inCi ? ci : local;
}
