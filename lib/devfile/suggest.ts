/** "Did you mean" for names that refer to nothing: the closest known name, when it is close enough. */
import { closestMatch } from '../common/suggest';

/** The known name closest to `name` (at most 2 edits, and at most half its length), if any. */
export function closestName(name: string, known: Iterable<string>): string | undefined {
  return closestMatch(name, known, { maxDistance: (n) => Math.min(2, Math.floor(n.length / 2)) });
}
