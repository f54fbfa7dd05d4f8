/**
 * What every devfile rule sees: the (substituted) raw devfile, indexed components and commands, and a
 * `report` function that locates a problem in the YAML source. Rules are pure functions of this context.
 */
import { Diagnostic, Severity } from '../../common/diagnostics';
import { gitlabBehaviour, GitLabBehaviour } from '../../common/gitlab-version';
import { YamlPath, YamlSource } from '../../common/yaml-source';
import { DevfileMode } from '../model';
import {
  asArray, asObject, asString, commandComponent, CommandKind, commandKind, ComponentKind, componentKind, RawObject,
} from '../raw';

export interface IndexedComponent {
  readonly index: number;
  readonly raw: RawObject;
  readonly name?: string;
  readonly kind?: ComponentKind;
  readonly path: YamlPath;
}

export interface IndexedCommand {
  readonly index: number;
  readonly raw: RawObject;
  readonly id?: string;
  readonly kind?: CommandKind;
  /** The component an exec or apply command names. */
  readonly component?: string;
  readonly path: YamlPath;
}

export interface RuleContext {
  readonly mode: DevfileMode;
  /** What the targeted GitLab version accepts (rules that changed between versions ask this). */
  readonly gitlab: GitLabBehaviour;
  readonly devfile: RawObject;
  readonly source: YamlSource;
  /** `--editor-component`: devfile mode's choice when no component has `gl/inject-editor`. */
  readonly editorComponent?: string;
  readonly components: readonly IndexedComponent[];
  readonly commands: readonly IndexedCommand[];
  /** First component / command of each name / id. */
  readonly componentByName: ReadonlyMap<string, IndexedComponent>;
  readonly commandById: ReadonlyMap<string, IndexedCommand>;
  report(rule: string, path: YamlPath, message: string, options?: ReportOptions): void;
}

export interface ReportOptions {
  readonly severity?: Severity;
  /** Point at the key of the last path element rather than its value. */
  readonly preferKey?: boolean;
  /** An exact position, when the path alone cannot locate the node (e.g. a merge key). */
  readonly position?: { readonly line: number; readonly column: number };
}

/** One rule: a stable id (used in diagnostics), the modes it applies in, and a one-line summary. */
export interface Rule {
  readonly id: string;
  readonly modes: readonly DevfileMode[];
  readonly summary: string;
  check(ctx: RuleContext): void;
}

export function createContext(
  devfile: RawObject,
  source: YamlSource,
  mode: DevfileMode,
  editorComponent: string | undefined,
  sink: Diagnostic[],
  gitlab: GitLabBehaviour = gitlabBehaviour(),
): RuleContext {
  const components: IndexedComponent[] = asArray(devfile.components).map((c, index) => {
    const raw = asObject(c);
    return { index, raw, name: asString(raw.name), kind: componentKind(raw), path: ['components', index] };
  });
  const commands: IndexedCommand[] = asArray(devfile.commands).map((c, index) => {
    const raw = asObject(c);
    return { index, raw, id: asString(raw.id), kind: commandKind(raw), component: commandComponent(raw), path: ['commands', index] };
  });
  const componentByName = new Map<string, IndexedComponent>();
  for (const c of components) if (c.name !== undefined && !componentByName.has(c.name)) componentByName.set(c.name, c);
  const commandById = new Map<string, IndexedCommand>();
  for (const c of commands) if (c.id !== undefined && !commandById.has(c.id)) commandById.set(c.id, c);
  return {
    mode, gitlab, devfile, source, editorComponent, components, commands, componentByName, commandById,
    report(rule, path, message, options) {
      const d = source.diagnostic(options?.severity ?? 'error', rule, path, message, options?.preferKey ?? false);
      sink.push(options?.position ? { ...d, ...options.position } : d);
    },
  };
}

/** `component "web"` or `components[2]` when it has no usable name. */
export function componentLabel(c: IndexedComponent): string {
  return c.name !== undefined ? `component "${c.name}"` : `components[${c.index}]`;
}

export function commandLabel(c: IndexedCommand): string {
  const kind = c.kind ? `${c.kind} command` : 'command';
  return c.id !== undefined ? `${kind} "${c.id}"` : `commands[${c.index}]`;
}
