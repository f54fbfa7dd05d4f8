/**
 * `convertDevfile(text, options)`: turns a devfile written for other tools (the devfile registry, Che,
 * odo) into one GitLab accepts, editing the YAML text in place so the author's comments, key order and
 * formatting stay wherever no value changes. A pipeline read top to bottom:
 *
 *   load      the devfile as devfile tools read it (devfile mode): YAML problems and mistakes convert
 *             does not fix are refused as they are
 *   refuse    what cannot be converted without guessing (./refusals.ts)
 *   steps     the edits (./steps.ts), each on the text the one before left, each change noted
 *   check     the result in gitlab mode: it must pass, or nothing is written
 *
 * Every note, warning and error points at the line and column of the input text. Pure.
 */
import { Diagnostic, hasErrors, internalErrorDiagnostic, sortDiagnostics } from '../../common/diagnostics';
import { offsetBefore, Splice, YamlTextEditor } from '../../common/yaml-edit';
import { formatPath } from '../../common/yaml-source';
import { loadDevfile } from '../load';
import { ConvertOptions, ConvertStep, StepContext, StepMessage } from './context';
import { REFUSALS, REMOVED_ROOT_KEYS } from './refusals';
import { STEPS } from './steps';

export type { ConvertOptions } from './context';

export interface ConvertResult {
  /** True when nothing was refused and the converted devfile passes GitLab's rules. */
  readonly ok: boolean;
  /** The converted devfile (the input when nothing needed changing); meaningful only when `ok`. */
  readonly text: string;
  /** Whether `text` differs from the input. */
  readonly changed: boolean;
  /** Notes (one per change), warnings and errors, located in the input text, in file order. */
  readonly diagnostics: readonly Diagnostic[];
}

/** Problems that stop conversion before any edit: the text is not a devfile that can be edited. */
const UNREADABLE_RULES = new Set([
  'devfile/syntax', 'devfile/duplicate-key', 'devfile/alias-limit', 'devfile/too-large', 'devfile/root-not-mapping', 'devfile/version-1',
]);

/**
 * Devfile-mode problems that convert fixes (renames, the editor mark) or refuses with its own advice
 * (./refusals.ts); the loader's message for them would be noise.
 */
const HANDLED_RULES = new Set([
  'gitlab/reserved-prefix', 'devfile/gitlab-endpoint', 'gitlab/editor-component',
  'devfile/parent', 'devfile/component-type', 'devfile/overrides', 'gitlab/dedicated-pod',
]);

export function convertDevfile(text: string, options: ConvertOptions): ConvertResult {
  try {
    return convert(text, options);
  } catch (err) {
    return { ok: false, text, changed: false, diagnostics: [internalErrorDiagnostic(options.file, 'convert', 'converting this devfile', err)] };
  }
}

function convert(text: string, options: ConvertOptions): ConvertResult {
  const refused = (diagnostics: readonly Diagnostic[]): ConvertResult => ({ ok: false, text, changed: false, diagnostics: sortDiagnostics(diagnostics) });
  const loaded = loadDevfile(text, { file: options.file, mode: 'devfile', ...(options.editorComponent !== undefined && { editorComponent: options.editorComponent }) });
  const loadErrors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (loadErrors.some((d) => UNREADABLE_RULES.has(d.rule))) return refused(loadErrors);

  const original = new YamlTextEditor(text);
  const locate = (m: StepMessage, offset: number): Diagnostic => {
    const { line, column } = original.linePos(offset);
    return { severity: m.severity, file: options.file, line, column, path: formatPath(m.path ?? original.pathAt(offset)), message: m.message, rule: m.rule };
  };

  const refusals = runStep(text, options, (ctx) => REFUSALS.forEach((step) => step(ctx))).messages.map((m) => locate(m, m.offset));
  const unfixed = loadErrors.filter((d) => !HANDLED_RULES.has(d.rule) && !REMOVED_ROOT_KEYS.some((k) => d.path === k || d.path.startsWith(`${k}[`) || d.path.startsWith(`${k}.`)));
  if (refusals.length > 0 || unfixed.length > 0) return refused([...refusals, ...unfixed]);

  // The edits: each step on the text the one before left; positions mapped back through every splice.
  const history: Array<readonly Splice[]> = [];
  const toInput = (offset: number) => history.reduceRight((o, splices) => offsetBefore(splices, o), offset);
  const diagnostics: Diagnostic[] = [];
  let current = text;
  let previous: StepContext | undefined;
  for (const step of STEPS) {
    const ctx = runStep(current, options, step, previous);
    previous = ctx;
    for (const m of ctx.messages) diagnostics.push(locate(m, toInput(m.offset)));
    const edited = ctx.editor.apply();
    history.push(edited.splices);
    current = edited.text;
  }

  // The result must pass GitLab's rules; what does not is reported where it came from in the input.
  const check = loadDevfile(current, { file: options.file, mode: 'gitlab' });
  const after = new YamlTextEditor(current);
  for (const d of check.diagnostics) {
    const offset = toInput(after.offsetAt(d.line, d.column));
    const { line, column } = original.linePos(offset);
    diagnostics.push({ ...d, line, column, message: d.severity === 'error' ? `still refused by GitLab after conversion: ${d.message}` : d.message });
  }
  const ok = check.ok && !hasErrors(diagnostics);
  return { ok, text: current, changed: current !== text, diagnostics: sortDiagnostics(diagnostics) };
}

function runStep(text: string, options: ConvertOptions, step: ConvertStep, previous?: StepContext): StepContext {
  const ctx = new StepContext(text, options, previous);
  step(ctx);
  return ctx;
}
