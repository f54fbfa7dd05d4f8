/**
 * The relative links of a Markdown file and the anchors its headings make, as GitHub and GitLab render
 * them: enough to check that every relative link and #anchor in the docs resolves.
 */

export interface MarkdownLink {
  readonly line: number;
  readonly target: string;
}

/** The lines outside fenced code blocks (others empty). */
function outsideFences(text: string): string[] {
  let fence: string | undefined;
  return text.split('\n').map((line) => {
    const opener = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (fence !== undefined) {
      if (opener && opener[1][0] === fence[0] && opener[1].length >= fence.length && line.trim() === opener[1]) fence = undefined;
      return '';
    }
    if (opener) {
      fence = opener[1];
      return '';
    }
    return line;
  });
}

/** The lines outside fenced code blocks, with inline code spans blanked (a link in code is not a link). */
function proseLines(text: string): string[] {
  return outsideFences(text).map((line) => line.replace(/(`+)[\s\S]*?\1/g, (m) => ' '.repeat(m.length)));
}

/** Inline links and images `[text](target "title")`, reference definitions `[id]: target`, and HTML href/src. */
export function markdownLinks(text: string): MarkdownLink[] {
  const out: MarkdownLink[] = [];
  proseLines(text).forEach((line, i) => {
    for (const m of line.matchAll(/\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g)) out.push({ line: i + 1, target: m[1] });
    const def = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(\s|$)/.exec(line);
    if (def) out.push({ line: i + 1, target: def[1] });
    for (const m of line.matchAll(/\b(?:href|src)="([^"]*)"/g)) out.push({ line: i + 1, target: m[1] });
  });
  return out;
}

/** GitHub's heading anchor: lower case, punctuation dropped (hyphens and underscores kept), spaces to hyphens. */
export function headingSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/<[^>]*>/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors a file's headings (ATX style) and explicit `id`/`name` attributes define; repeats get -1, -2... */
export function markdownAnchors(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const prose = proseLines(text);
  outsideFences(text).forEach((line, i) => {
    const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      const slug = headingSlug(heading[1]);
      const n = seen.get(slug) ?? 0;
      seen.set(slug, n + 1);
      anchors.add(n === 0 ? slug : `${slug}-${n}`);
    }
    for (const m of prose[i].matchAll(/\b(?:id|name)="([^"]+)"/g)) anchors.add(m[1]);
  });
  return anchors;
}
