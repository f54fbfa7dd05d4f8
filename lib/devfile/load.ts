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
import { appendAll, capDiagnostics, Diagnostic, hasErrors, internalErrorDiagnostic, Result, sortDiagnostics } from '../common/diagnostics';
import { DEFAULT_GITLAB_VERSION, gitlabBehaviour, GitLabVersion } from '../common/gitlab-version';
import { describeType, parseYaml, YamlSource } from '../common/yaml-source';
import { Devfile, DevfileMode } from './model';
import { has, isObject, RawObject } from './raw';
import { chooseEditorComponent, createContext, rulesFor } from './rules';
import { editorComponentRule } from './rules/editor';
import { checkSchema } from './schema';
import { substituteVariables } from './substitute';
import { normalizeDevfile } from './normalize';

/** GitLab refuses devfiles over 3 MB. */
export const MAX_DEVFILE_BYTES = 3 * 1024 * 1024;

export interface LoadDevfileOptions {
  /** The name diagnostics use for this devfile (a path or a label such as `<stdin>`). */
  readonly file: string;
  /** `gitlab` (default): GitLab's rules exactly. `devfile`: devfiles written for other tools. */
  readonly mode?: DevfileMode;
  /** Devfile mode: the editor component when none has `gl/inject-editor` (default: the first container). */
  readonly editorComponent?: string;
  /**
   * The GitLab version whose rules apply (exec `workingDir` from 18.4, `overrideCommand` from 18.4,
   * `mountSources`/`sourceMapping` refused from 18.8).
   * @default DEFAULT_GITLAB_VERSION
   */
  readonly gitlabVersion?: GitLabVersion;
}

/** Loads and checks a devfile. Never throws: problems come back as diagnostics (warnings even when ok). */
export function loadDevfile(text: string, options: LoadDevfileOptions): Result<Devfile> {
  const result = loadDevfileWithSource(text, options);
  return result.ok ? { ok: true, value: result.value, diagnostics: result.diagnostics } : { ok: false, diagnostics: result.diagnostics };
}

/** A loaded devfile with its parsed YAML `source` (absent when the text could not be parsed as a mapping). */
export type LoadedDevfile = Result<Devfile> & { readonly source?: YamlSource };

/**
 * `loadDevfile`, also giving the parsed `source`, so that later steps (the workspace renderer) can point
 * their diagnostics at lines and columns of this devfile without parsing it again.
 */
export function loadDevfileWithSource(text: string, options: LoadDevfileOptions): LoadedDevfile {
  try {
    return runPipeline(text, options);
  } catch (err) {
    return { ok: false, diagnostics: [internalErrorDiagnostic(options.file, 'devfile', 'checking this devfile', err)] };
  }
}

function runPipeline(text: string, options: LoadDevfileOptions): LoadedDevfile {
  const mode = options.mode ?? 'gitlab';
  const parsed = parse(text, options.file);
  if (!parsed.ok) return { ok: false, diagnostics: finish(parsed.diagnostics) };
  const { devfile, source } = parsed;
  const diagnostics: Diagnostic[] = [...parsed.diagnostics];
  appendAll(diagnostics, checkSchema(devfile, source));
  appendAll(diagnostics, substituteVariables(devfile, source));
  const ctx = createContext(devfile, source, mode, options.editorComponent, diagnostics, gitlabBehaviour(options.gitlabVersion ?? DEFAULT_GITLAB_VERSION));
  for (const rule of rulesFor(mode)) rule.check(ctx);
  const sorted = finish(diagnostics);
  const main = chooseEditorComponent(ctx);
  if (hasErrors(sorted) || !main?.name) return { ok: false, diagnostics: sorted, source };
  return { ok: true, value: normalizeDevfile(ctx, main.name), diagnostics: sorted, source };
}

/**
 * Loads a devfile GitLab has already processed (its create steps inserted the tools injector, GitLab's
 * `gl-` commands and the data volume): the schema and the editor component are checked, GitLab's
 * rules for users' devfiles are not (a processed devfile breaks them by design). For rendering GitLab's
 * own processed devfiles (`renderProcessedDevfileResult`).
 */
export function loadProcessedDevfile(text: string, options: Pick<LoadDevfileOptions, 'file'>): LoadedDevfile {
  const parsed = parse(text, options.file);
  if (!parsed.ok) return { ok: false, diagnostics: finish(parsed.diagnostics) };
  const { devfile, source } = parsed;
  const diagnostics: Diagnostic[] = [...parsed.diagnostics];
  appendAll(diagnostics, checkSchema(devfile, source));
  const ctx = createContext(devfile, source, 'gitlab', undefined, diagnostics);
  editorComponentRule.check(ctx);
  const sorted = finish(diagnostics);
  const main = chooseEditorComponent(ctx);
  if (hasErrors(sorted) || !main?.name) return { ok: false, diagnostics: sorted, source };
  return { ok: true, value: normalizeDevfile(ctx, main.name), diagnostics: sorted, source };
}

/**
 * Sorted by position, at most MAX_LISTED_DIAGNOSTICS and a line saying how many more, each message on
 * one line: names and keys quoted from the devfile may hold line breaks, which would split a
 * compiler-style line in two.
 */
function finish(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return sortDiagnostics(capDiagnostics(diagnostics, 'devfile/more-problems')).map((d) => (/[\r\n]/.test(d.message) ? { ...d, message: d.message.replace(/\r?\n|\r/g, '\\n') } : d));
}

type Parsed =
  | { ok: true; devfile: RawObject; source: YamlSource; diagnostics: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[] };

function parse(text: string, file: string): Parsed {
  const { source, value, diagnostics } = parseYaml(text, {
    file, maxBytes: MAX_DEVFILE_BYTES, rulePrefix: 'devfile', merge: true, documentName: 'a devfile',
  });
  // Duplicate keys still give a value (first occurrences), so the rest is checked too; other YAML errors stop here.
  if (value === undefined) return { ok: false, diagnostics };
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
