/**
 * "Did you mean ...?" for names and keys that match nothing: one edit-distance helper shared by the
 * devfile, agent-config and stack-config readers, each with its own idea of "close enough".
 */

/** Levenshtein distance (insertions, deletions, substitutions), one row of memory. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length];
}

export interface ClosestOptions {
  /** Compare ignoring case (the answer keeps the candidate's own spelling). Default false. */
  readonly ignoreCase?: boolean;
  /** The largest distance still worth suggesting, given the best candidate. */
  readonly maxDistance: (name: string, candidate: string) => number;
}

/** The candidate nearest to `name`, when it is within `maxDistance`; `name` itself is never suggested. */
export function closestMatch(name: string, candidates: Iterable<string>, options: ClosestOptions): string | undefined {
  const norm = (s: string) => (options.ignoreCase ? s.toLowerCase() : s);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === name) continue;
    const d = editDistance(norm(name), norm(candidate));
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= options.maxDistance(name, best) ? best : undefined;
}
