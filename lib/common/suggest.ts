/**
 * "Did you mean ...?" for names and keys that match nothing: one edit-distance helper shared by the
 * devfile, agent-config and stack-config readers, each with its own idea of "close enough".
 */

/**
 * Levenshtein distance (insertions, deletions, substitutions), one row of memory. With `limit`, any
 * distance over it comes back as `limit + 1` as soon as it is certain (strings whose lengths differ by
 * more, or a row whose every entry is over it): a key thousands of characters long, or thousands of
 * unknown keys, cost no more than the suggestion is worth.
 */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const row = new Uint32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) row[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0];
    row[0] = i;
    let rowMin = i;
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const up = row[j];
      const substitute = diag + (ai === b.charCodeAt(j - 1) ? 0 : 1);
      const insertOrDelete = (up < row[j - 1] ? up : row[j - 1]) + 1;
      row[j] = substitute < insertOrDelete ? substitute : insertOrDelete;
      if (row[j] < rowMin) rowMin = row[j];
      diag = up;
    }
    if (rowMin > limit) return limit + 1;
  }
  return row[b.length] > limit ? limit + 1 : row[b.length];
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
  const normalized = norm(name);
  const others = [...candidates].filter((c) => c !== name);
  // Distances over what any candidate could be suggested at, or over the best so far, need not be exact:
  // the nearest candidate is the same, and so is whether it is suggested.
  const cap = Math.max(0, ...others.map((c) => options.maxDistance(name, c)));
  for (const candidate of others) {
    const d = editDistance(normalized, norm(candidate), Math.min(cap, bestDistance));
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= options.maxDistance(name, best) ? best : undefined;
}
