/**
 * Loading a devfile: a pipeline of small pure steps, read top to bottom.
 *
 *   parse      YAML with positions; duplicate keys and alias bombs are errors; the root is a mapping
 *   schema     the official devfile JSON schema (@devfile/api, v2.3.0.Devfile)
 *   substitute {{variable}} references in values (unknown ones: warnings, left as they are)
 *   rules      the mode's rules (./rules), each with a stable id
 *   normalize  the typed model of ./model.ts, only when there is no error
 *
 * Every step reports all the problems it finds; the diagnostics of all steps are returned together,
 * sorted by position. Pure: no I/O (see ./read.ts for files).
 */
import { Diagnostic, hasErrors, Result, sortDiagnostics } from '../common/diagnostics';
import { Document, isAlias } from 'yaml';
import { describeType, formatPath, parseYaml, YamlSource } from '../common/yaml-source';
import { aliasNodes, badMergeSources, dropRepeatedKeys, keyAt } from './yaml-nodes';
import { Devfile, DevfileMode } from './model';
import { has, isObject, RawObject } from './raw';
import { chooseEditorComponent, createContext, rulesFor } from './rules';
import { checkSchema } from './schema';
import { substituteVariables } from './substitute';
import { normalizeDevfile } from './normalize';

/** GitLab refuses devfiles over 3 MB. */
export const MAX_DEVFILE_BYTES = 3 * 1024 * 1024;
/** Alias expansion cap (the yaml library's count of alias dereferences weighted by their size). */
const MAX_ALIAS_COUNT = 100;

export interface LoadDevfileOptions {
  /** The name diagnostics use for this devfile (a path or a label such as `<stdin>`). */
  readonly file: string;
  /** `gitlab` (default): GitLab's rules exactly. `devfile`: devfiles written for other tools. */
  readonly mode?: DevfileMode;
  /** Devfile mode: the editor component when none has `gl/inject-editor` (default: the first container). */
  readonly editorComponent?: string;
}

/** Loads and checks a devfile. Never throws: problems come back as diagnostics (warnings even when ok). */
export function loadDevfile(text: string, options: LoadDevfileOptions): Result<Devfile> {
  try {
    return runPipeline(text, options);
  } catch (err) {
    // A bug, not bad input: still one diagnostic rather than a crash.
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return {
      ok: false,
      diagnostics: [{
        severity: 'error', file: options.file, line: 1, column: 1, path: '', rule: 'devfile/internal-error',
        message: `internal error while checking this devfile (${message}); please report it with the devfile`,
      }],
    };
  }
}

function runPipeline(text: string, options: LoadDevfileOptions): Result<Devfile> {
  const mode = options.mode ?? 'gitlab';
  const parsed = parse(text, options.file);
  if (!parsed.ok) return { ok: false, diagnostics: finish(parsed.diagnostics) };
  const { devfile, source } = parsed;
  const diagnostics: Diagnostic[] = [...parsed.diagnostics];
  diagnostics.push(...checkSchema(devfile, source));
  diagnostics.push(...substituteVariables(devfile, source));
  const ctx = createContext(devfile, source, mode, options.editorComponent, diagnostics);
  for (const rule of rulesFor(mode)) rule.check(ctx);
  const sorted = finish(diagnostics);
  const main = chooseEditorComponent(ctx);
  if (hasErrors(sorted) || !main?.name) return { ok: false, diagnostics: sorted };
  return { ok: true, value: normalizeDevfile(ctx, main.name), diagnostics: sorted };
}

/**
 * Sorted by position, each message on one line: names and keys quoted from the devfile may hold line
 * breaks, which would split a compiler-style line in two.
 */
function finish(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return sortDiagnostics(diagnostics).map((d) => (/[\r\n]/.test(d.message) ? { ...d, message: d.message.replace(/\r?\n|\r/g, '\\n') } : d));
}

type Parsed =
  | { ok: true; devfile: RawObject; source: YamlSource; diagnostics: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[] };

function parse(text: string, file: string): Parsed {
  const parsed = parseYaml(text, { file, maxBytes: MAX_DEVFILE_BYTES, rulePrefix: 'devfile', merge: true, maxAliasCount: MAX_ALIAS_COUNT });
  const { source } = parsed;
  let value = parsed.value;
  const diagnostics = parsed.diagnostics.map((d) => explainParseDiagnostic(d, text, source));
  if (hasErrors(diagnostics)) {
    // Duplicate keys leave a well-formed tree: check the rest too, so every problem is reported in one
    // run. Any other YAML error stops here.
    const onlyDuplicates = diagnostics.every((d) => d.severity !== 'error' || d.rule === 'devfile/duplicate-key');
    if (!onlyDuplicates || !source.doc) return { ok: false, diagnostics };
    try {
      // The first occurrence is kept, so later messages point at the node their value came from.
      dropRepeatedKeys(source.doc.contents);
      value = source.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch {
      return { ok: false, diagnostics };
    }
  }
  if (!isObject(value)) {
    const message = value === undefined || value === null
      ? 'the devfile is empty; it must be a mapping with at least schemaVersion and components'
      : `the devfile must be a mapping (key: value pairs such as schemaVersion and components) at the top level, but it is ${describeType(value)}`;
    return { ok: false, diagnostics: [...diagnostics, source.diagnostic('error', 'devfile/root-not-mapping', [], message)] };
  }
  if (has(value, 'apiVersion') && !has(value, 'schemaVersion')) {
    // A devfile 1.x: its format differs everywhere, so one clear error instead of one per key.
    return {
      ok: false,
      diagnostics: [...diagnostics, source.diagnostic('error', 'devfile/version-1', ['apiVersion'],
        'this is a devfile 1.x (it has "apiVersion" and no "schemaVersion"), whose format is not supported; ' +
          'rewrite it as a devfile 2.x starting with schemaVersion: 2.2.0', true)],
    };
  }
  return { ok: true, devfile: value, source, diagnostics };
}

/**
 * Parse errors come from the YAML layer without a document path; give them one (and name the key of a
 * duplicate-key error), and word the YAML library's messages that name its own API for devfile authors.
 */
function explainParseDiagnostic(d: Diagnostic, text: string, source: YamlSource): Diagnostic {
  if (d.rule === 'devfile/duplicate-key') {
    const found = keyAt(source.doc?.contents, offsetOf(text, d.line, d.column));
    if (!found) return d;
    const key = found.path[found.path.length - 1];
    const first = found.firstOffset !== undefined ? source.linePos(found.firstOffset) : undefined;
    return {
      ...d,
      path: formatPath(found.path),
      message: `the key "${String(key)}" appears twice in the same mapping` +
        (first ? ` (first on line ${first.line})` : '') + '; each key may appear only once',
    };
  }
  if (d.rule === 'devfile/syntax' && /multiple documents/i.test(d.message)) {
    return { ...d, message: 'the file holds more than one YAML document (content after a "---" separator); a devfile is a single document' };
  }
  if (d.rule === 'devfile/syntax' && /merge sources must be maps/i.test(d.message)) {
    const bad = badMergeSources(source.doc);
    const at = bad?.node.range ? source.linePos(bad.node.range[0]) : undefined;
    return {
      ...d, ...(at ?? {}), ...(bad ? { path: formatPath(bad.path) } : {}),
      message: 'a "<<" merge key must name a mapping (an alias of a mapping, or a list of such aliases)',
    };
  }
  if (d.rule === 'devfile/alias-limit') {
    // Point at the first alias of an anchor that itself holds aliases: where the expansion multiplies.
    const aliases = aliasNodes(source.doc?.contents);
    const nested = aliases.find((a) => isAlias(a.node) && aliasNodes(a.node.resolve(source.doc as Document)).length > 0);
    const at = nested ?? aliases[0];
    if (!at?.node.range) return d;
    const { line, column } = source.linePos(at.node.range[0]);
    const name = isAlias(at.node) ? `*${at.node.source}` : 'an alias';
    const why = nested
      ? `${name} here repeats an anchor that itself holds aliases; write the values out instead of nesting aliases`
      : `the anchor of ${name} here is repeated more than ${MAX_ALIAS_COUNT} times; write the values out instead`;
    return { ...d, line, column, path: formatPath(at.path), message: `the YAML aliases expand too many times (a possible alias bomb): ${why}` };
  }
  return d;
}

/** 0-based offset of a 1-based line and column in `text`. */
function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', offset);
    if (nl < 0) break;
    offset = nl + 1;
  }
  return offset + column - 1;
}
