/**
 * Every relative link and #anchor in README.md and docs/*.md resolves: the file or folder exists inside
 * the repository, and an anchor names a heading of the Markdown file it points at.
 */
import { existsSync, readdirSync, readFileSync } from 'fs';
import { dirname, join, resolve, sep } from 'path';
import { headingSlug, markdownAnchors, markdownLinks } from './markdown-links';

const ROOT = resolve(__dirname, '..', '..');

function docFiles(): string[] {
  const docs = readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join('docs', f));
  return ['README.md', ...docs];
}

/** The problems with one file's relative links, as `file:line: message`. */
function brokenLinks(file: string, text: string, readText: (path: string) => string | undefined, exists: (path: string) => boolean): string[] {
  const problems: string[] = [];
  for (const { line, target } of markdownLinks(text)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) continue; // absolute URL, mailto:...
    const at = `${file}:${line}: ${target}`;
    if (target === '') { problems.push(`${at}: empty link`); continue; }
    const hash = target.indexOf('#');
    const pathPart = decodeURIComponent(hash === -1 ? target : target.slice(0, hash));
    const anchor = hash === -1 ? undefined : decodeURIComponent(target.slice(hash + 1));
    // A leading slash is the repository root on GitHub and GitLab.
    const resolved = pathPart === '' ? file : pathPart.startsWith('/') ? join('.', pathPart) : join(dirname(file), pathPart);
    if (resolved.split(sep)[0] === '..') { problems.push(`${at}: leaves the repository`); continue; }
    if (!exists(resolved)) { problems.push(`${at}: ${resolved} does not exist`); continue; }
    if (anchor === undefined) continue;
    if (!resolved.endsWith('.md')) { problems.push(`${at}: an anchor into a file that is not Markdown`); continue; }
    const anchors = markdownAnchors(readText(resolved) ?? '');
    if (!anchors.has(anchor)) problems.push(`${at}: no heading with anchor #${anchor} in ${resolved}`);
  }
  return problems;
}

const readRepo = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const existsRepo = (path: string) => existsSync(join(ROOT, path));

describe('relative links in the docs', () => {
  it('README.md and every docs/*.md link only to files and headings that exist', () => {
    const files = docFiles();
    expect(files.length).toBeGreaterThan(1);
    const problems = files.flatMap((file) => brokenLinks(file, readRepo(file), readRepo, existsRepo));
    expect(problems).toEqual([]);
  });

  it('the docs are linked from the README (none is an orphan)', () => {
    const readme = readRepo('README.md');
    const linked = new Set(markdownLinks(readme).map((l) => l.target.split('#')[0]));
    const orphans = docFiles().filter((f) => f !== 'README.md' && !linked.has(f));
    expect(orphans).toEqual([]);
  });
});

describe('the link checker', () => {
  const files: Record<string, string> = {
    'README.md': [
      '# Title',
      '## `gitlab-workspaces validate`: checking devfiles',
      '## Before (GitLab side)',
      '## Before (GitLab side)',
      'See [ok](docs/a.md#the-heading), [self](#gitlab-workspaces-validate-checking-devfiles),',
      '[repeat](#before-gitlab-side-1), [web](https://example.com/x#y), [folder](docs/).',
      'Broken: [gone](docs/missing.md), [bad anchor](docs/a.md#nope), [out](../shared/x.md).',
      '`[in code](nowhere.md)`',
      '```md',
      '[in a fence](nowhere.md)',
      '```',
      '[ref]: docs/a.md#the-heading',
    ].join('\n'),
    'docs/a.md': '# A\n\n### The heading\n',
    'docs/': '',
  };
  const read = (p: string) => files[p];
  const exists = (p: string) => p in files || `${p}/` in files;

  it('reports missing files, unknown anchors and links out of the repository, and only those', () => {
    expect(brokenLinks('README.md', files['README.md'], read, exists)).toEqual([
      'README.md:7: docs/missing.md: docs/missing.md does not exist',
      'README.md:7: docs/a.md#nope: no heading with anchor #nope in docs/a.md',
      'README.md:7: ../shared/x.md: leaves the repository',
    ]);
  });

  it('makes anchors as GitHub does', () => {
    expect(headingSlug('`gitlab-workspaces validate`: checking devfiles')).toBe('gitlab-workspaces-validate-checking-devfiles');
    expect(headingSlug('Before: GitLab side, `TF_VAR_*`')).toBe('before-gitlab-side-tf_var_');
    expect([...markdownAnchors('# A\n# A\n')]).toEqual(['a', 'a-1']);
  });
});
