/**
 * What a GitLab CI file runs that nobody pinned: every image not named by digest, and every shell command
 * of its scripts that fetches code by name and runs it (npx, npm exec, yarn/pnpm dlx, `curl | sh`) or
 * installs it without both a checked integrity and install scripts off. A reader for tests: it tokenizes
 * the scripts as a shell would split them into commands (quotes, `;`, `&&`, `||`, `|`, newlines, the
 * keywords of `if`/`for`), which is enough for CI scripts, not a shell parser.
 */
import { parse } from 'yaml';

/** One thing the file would run unpinned. */
export interface Unpinned {
  /** Where: `devfile.image`, `devfile.before_script[0]`... */
  readonly at: string;
  /** The image or the command, as written. */
  readonly what: string;
  /** Why it is not pinned. */
  readonly why: string;
}

/** Keys of a GitLab CI file that are not jobs. */
const NOT_JOBS = new Set(['variables', 'stages', 'include', 'default', 'workflow', 'image', 'services', 'before_script', 'after_script', 'cache']);
const SCRIPT_KEYS = ['before_script', 'script', 'after_script'] as const;
const DIGEST = /@sha256:[0-9a-f]{64}$/;
/** npm's spellings of `install` (npm's own command aliases). */
const NPM_INSTALL = new Set(['install', 'i', 'add', 'in', 'ins', 'inst', 'insta', 'instal', 'isnt', 'isnta', 'isntal', 'isntall', 'update', 'up', 'upgrade']);
const SHELL_KEYWORDS = new Set(['if', 'then', 'elif', 'else', 'fi', 'do', 'done', 'while', 'until', '!', '{', '}', '(', ')', 'time']);

/** Every unpinned image and command of a GitLab CI file's text. */
export function unpinnedInCiFile(text: string): Unpinned[] {
  const doc = (parse(text) ?? {}) as Record<string, unknown>;
  const out: Unpinned[] = [];
  const scopes: Array<[string, Record<string, unknown>]> = [['(top level)', doc]];
  if (isObject(doc.default)) scopes.push(['default', doc.default]);
  for (const [name, job] of Object.entries(doc)) if (!NOT_JOBS.has(name) && !name.startsWith('.') && isObject(job)) scopes.push([name, job]);
  for (const [name, job] of Object.entries(doc)) if (name.startsWith('.') && isObject(job)) scopes.push([name, job]); // templates jobs extend
  for (const [name, scope] of scopes) {
    const images: Array<[string, unknown]> = [[`${name}.image`, scope.image]];
    if (Array.isArray(scope.services)) scope.services.forEach((s, i) => images.push([`${name}.services[${i}]`, s]));
    for (const [at, image] of images) {
      const ref = isObject(image) ? image.name : image;
      if (ref === undefined) continue;
      if (typeof ref !== 'string' || !DIGEST.test(ref)) out.push({ at, what: String(ref), why: 'an image by tag runs whatever the registry serves under that tag: name it by digest (@sha256:...)' });
    }
    for (const key of SCRIPT_KEYS) {
      const lines = scope[key];
      if (!Array.isArray(lines)) continue;
      // GitLab runs a job's script lines in one shell: what one line verified, a later line may install.
      const commands = lines.flatMap((line, i) => (typeof line === 'string' ? shellCommands(line).map((c) => ({ at: `${name}.${key}[${i}]`, c })) : []));
      commands.forEach(({ at, c }, i) => {
        const why = unpinnedCommand(c, commands.slice(0, i).map((e) => e.c));
        if (why) out.push({ at, what: c.raw.join(' '), why });
      });
      for (const [i, line] of lines.entries()) {
        if (typeof line === 'string' && /\b(curl|wget)\b[^|\n]*\|\s*(sudo\s+)?(ba|da|z)?sh\b/.test(line)) {
          out.push({ at: `${name}.${key}[${i}]`, what: line.trim().split('\n')[0], why: 'pipes a download into a shell' });
        }
      }
    }
  }
  return out;
}

/** One simple command: its words as written (quotes kept) and as the shell passes them (quotes removed). */
export interface Command {
  readonly raw: string[];
  readonly words: string[];
}

/** Why a command runs unpinned code, or undefined. `before` are the commands the same shell ran earlier. */
function unpinnedCommand(c: Command, before: readonly Command[]): string | undefined {
  const [tool, sub] = c.words;
  if (tool === 'npx' || tool === 'bunx' || (tool === 'npm' && (sub === 'exec' || sub === 'x')) || ((tool === 'pnpm' || tool === 'yarn') && sub === 'dlx')) {
    return 'runs a package fetched by name';
  }
  if ((tool === 'yarn' || tool === 'pnpm') && (sub === 'add' || sub === 'install' || sub === 'i')) return 'installs by name, with no integrity checked here';
  if (tool !== 'npm' || (sub !== 'ci' && !NPM_INSTALL.has(sub))) return undefined;
  if (!c.words.includes('--ignore-scripts')) return 'installs with install scripts on (add --ignore-scripts)';
  if (sub === 'ci') return undefined; // the lockfile pins every package with its integrity
  const targets = c.raw.slice(2).filter((w) => !w.startsWith('-'));
  if (targets.length === 0) return 'installs the project\'s dependencies without a lockfile check (use npm ci)';
  // npm 7+ installs a package's peers too: for this library, cdktf and six providers (~600 MB, versions
  // resolved from the registry at run time, nothing pinned); the CLI needs none of them.
  if (!c.words.some((w) => w === '--omit=peer' || w === '--legacy-peer-deps')) return 'installs the package\'s peer dependencies, resolved unpinned (add --omit=peer)';
  const unverified = targets.filter((t) => !verifiedFile(t, before));
  return unverified.length === 0 ? undefined
    : `installs ${unverified.join(' ')}, which no earlier command checked against a pinned sha512 integrity`;
}

/**
 * Whether `word` is a variable (`"$x"`) that an earlier command compared with a pinned integrity: a command
 * that hashes with sha512 and is given both that variable and one whose name says INTEGRITY.
 */
function verifiedFile(word: string, before: readonly Command[]): boolean {
  if (!/^"?\$\{?\w+\}?"?$/.test(word)) return false;
  return before.some((c) => c.raw.includes(word)
    && c.words.some((w) => /createHash\(\s*["']sha512["']\s*\)/.test(w))
    && c.raw.some((w) => /^"?\$\{?\w*INTEGRITY\w*\}?"?$/.test(w)));
}

/** The simple commands of a script, split where a shell would split them (and those inside `$(...)`). */
export function shellCommands(script: string): Command[] {
  const inner = [...script.matchAll(/\$\(([^()]*)\)|`([^`]*)`/g)].flatMap((m) => shellCommands(m[1] ?? m[2]));
  return [...topLevelCommands(script), ...inner];
}

function topLevelCommands(script: string): Command[] {
  const commands: Command[] = [];
  let raw: string[] = [];
  let words: string[] = [];
  let rawWord = '';
  let word = '';
  let inWord = false;
  const endWord = () => {
    if (inWord) {
      if (!(raw.length === 0 && SHELL_KEYWORDS.has(rawWord))) {
        raw.push(rawWord);
        words.push(word);
      }
    }
    rawWord = '';
    word = '';
    inWord = false;
  };
  const endCommand = () => {
    endWord();
    if (raw.length > 0) commands.push({ raw, words });
    raw = [];
    words = [];
  };
  for (let i = 0; i < script.length; i++) {
    const ch = script[i];
    if (ch === '\'' || ch === '"') {
      const close = script.indexOf(ch, i + 1);
      const end = close === -1 ? script.length : close;
      rawWord += script.slice(i, end + 1);
      word += script.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (ch === '\\' && i + 1 < script.length) {
      rawWord += script.slice(i, i + 2);
      word += script[i + 1] === '\n' ? '' : script[i + 1];
      inWord = true;
      i++;
    } else if (ch === '#' && !inWord) {
      const nl = script.indexOf('\n', i);
      i = nl === -1 ? script.length : nl - 1;
    } else if (ch === '\n' || ch === ';' || ch === '|' || ch === '&') {
      endCommand();
      if ((ch === '|' || ch === '&') && script[i + 1] === ch) i++;
    } else if (ch === ' ' || ch === '\t') {
      endWord();
    } else {
      rawWord += ch;
      word += ch;
      inWord = true;
    }
  }
  endCommand();
  return commands;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
