/**
 * What every convert step sees: the devfile text as the steps before it left it, an editor over that
 * text, its plain value, and functions to record a change (`note`) or a refusal (`refuse`). A step
 * edits; the pipeline (./index.ts) applies the edits and hands the new text to the next step.
 */
import { isNode, isScalar, Node, Pair, YAMLMap } from 'yaml';
import { YamlTextEditor } from '../../common/yaml-edit';
import { isObject, RawObject } from '../raw';

export interface ConvertOptions {
  /** The name diagnostics use for this devfile. */
  readonly file: string;
  /** The container that gets the editor when none has `gl/inject-editor` (default: the first that can run it). */
  readonly editorComponent?: string;
}

/** A change or refusal at an offset of the step's input text. */
export interface StepMessage {
  readonly severity: 'note' | 'warning' | 'error';
  readonly offset: number;
  /** The element the message is about, when given as a path (paths of the input text: steps delete no list items before the last). */
  readonly path?: ReadonlyArray<string | number>;
  readonly rule: string;
  readonly message: string;
}

export class StepContext {
  readonly editor: YamlTextEditor;
  /** The devfile as a plain value (merge keys resolved), as the step's input text says. */
  readonly devfile: RawObject;
  readonly messages: StepMessage[] = [];
  /** Entries this step removed from each mapping, so a mapping left empty goes with its own key. */
  private readonly removed = new Map<YAMLMap, Set<Pair>>();

  /** `previous`: the context of a step that left `text` unchanged, whose parse is reused. */
  constructor(readonly text: string, readonly options: ConvertOptions, previous?: StepContext) {
    if (previous && previous.text === text && !previous.editor.hasEdits) {
      this.editor = previous.editor;
      this.devfile = previous.devfile;
      return;
    }
    this.editor = new YamlTextEditor(text);
    let value: unknown;
    try {
      value = this.editor.doc.toJS({ maxAliasCount: 100 });
    } catch {
      value = undefined;
    }
    this.devfile = isObject(value) ? value : {};
  }

  /** Records a change made at `at` (a path, a node, an entry, or an offset). */
  note(at: At, rule: string, message: string): void {
    this.push('note', at, rule, message);
  }

  /** Records what GitLab will do differently that convert cannot change. */
  warn(at: At, rule: string, message: string): void {
    this.push('warning', at, rule, message);
  }

  /** Records what cannot be converted without guessing, and what to do instead. */
  refuse(at: At, rule: string, message: string): void {
    this.push('error', at, rule, message);
  }

  private push(severity: StepMessage['severity'], at: At, rule: string, message: string): void {
    const path = Array.isArray(at) ? { path: at as ReadonlyArray<string | number> } : {};
    this.messages.push({ severity, offset: this.offset(at), ...path, rule: `convert/${rule}`, message });
  }

  /**
   * Removes the entry at `path` (a mapping key). A mapping this leaves empty is removed with its own key
   * (an empty block mapping would read as null, which the devfile schema refuses).
   */
  removeKey(path: ReadonlyArray<string | number>): void {
    const parentPath = path.slice(0, -1);
    const map = this.editor.map(parentPath);
    const pair = map && this.editor.pair(map, String(path[path.length - 1]));
    if (!map || !pair) return;
    const removed = this.removed.get(map) ?? new Set<Pair>();
    removed.add(pair);
    this.removed.set(map, removed);
    const left = map.items.filter((p) => !removed.has(p) && !(isScalar(p.key) && typeof p.key.value === 'symbol'));
    if (left.length === 0 && map.items.every((p) => removed.has(p)) && typeof parentPath[parentPath.length - 1] === 'string') {
      this.removeKey(parentPath);
    } else {
      this.editor.deleteKey(map, String(path[path.length - 1]));
    }
  }

  /** The offset of the key of `path` (or of its value, or of the nearest existing parent). */
  at(path: ReadonlyArray<string | number>): number {
    for (let n = path.length; n > 0; n--) {
      const parent = this.editor.map(path.slice(0, n - 1));
      const last = path[n - 1];
      const pair = parent && typeof last === 'string' ? this.editor.pair(parent, last) : undefined;
      if (pair) return this.editor.start(pair);
      const node = this.editor.node(path.slice(0, n));
      if (node?.range) return node.range[0];
    }
    return 0;
  }

  private offset(at: At): number {
    if (typeof at === 'number') return at;
    if (Array.isArray(at)) return this.at(at);
    return isNode(at) ? (at.range?.[0] ?? 0) : this.editor.start(at as Pair);
  }
}

type At = number | ReadonlyArray<string | number> | Node | Pair;

/** One step of the conversion: reads the context, edits through `ctx.editor`, records messages. */
export type ConvertStep = (ctx: StepContext) => void;
