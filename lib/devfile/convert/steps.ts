/**
 * The edits of `convert`, one step per concern, in the order the pipeline runs them. Each step reads the
 * devfile as the steps before it left it, edits the YAML text in place, and notes each change where it
 * was made. Steps change only what GitLab refuses (or would run differently), so a devfile GitLab
 * already accepts passes through unchanged.
 */
import { isMap, isScalar, Scalar, visit, YAMLSeq } from 'yaml';
import { expandComposites } from '../commands';
import { asArray, asObject, asString, COMMAND_KINDS, commandKind, componentKind, has, isObject, isTruthy, RawObject } from '../raw';
import { GITLAB_ENDPOINTS } from '../rules/common';
import { INJECT_EDITOR_ATTRIBUTE } from '../rules/editor';
import { ALL_EVENTS, RUN_EVENTS } from '../rules/events';
import { GITLAB_SCHEMA_VERSION } from '../rules/gitlab';
import { ConvertStep, StepContext } from './context';
import { overrideCommandValue } from '../override-command';
import { FOLDED_RESOURCES, REMOVED_ROOT_KEYS } from './refusals';

const OVERRIDE_COMMAND = 'overrideCommand';
/** Devfile names: lowercase letters, digits and `-`, starting and ending with a letter or digit. */
const NAME_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const NAME_MAX = 63;
const ENDPOINT_NAME_MAX = 15;

interface ComponentRef {
  readonly index: number;
  readonly raw: RawObject;
  readonly name?: string;
  readonly kind?: string;
}

interface CommandRef {
  readonly index: number;
  readonly raw: RawObject;
  readonly id?: string;
  readonly kind?: (typeof COMMAND_KINDS)[number];
}

function components(ctx: StepContext): ComponentRef[] {
  return asArray(ctx.devfile.components).map((c, index) => {
    const raw = asObject(c);
    return { index, raw, name: asString(raw.name), kind: componentKind(raw) };
  });
}

function commands(ctx: StepContext): CommandRef[] {
  return asArray(ctx.devfile.commands).map((c, index) => {
    const raw = asObject(c);
    return { index, raw, id: asString(raw.id), kind: commandKind(raw) };
  });
}

function commandById(ctx: StepContext): Map<string, CommandRef> {
  const map = new Map<string, CommandRef>();
  for (const c of commands(ctx)) if (c.id !== undefined && !map.has(c.id)) map.set(c.id, c);
  return map;
}

/** The exec and apply commands `id` runs, composites expanded depth first (unknown ids and cycles skipped). */
function leafCommands(id: string, byId: ReadonlyMap<string, CommandRef>): CommandRef[] {
  return expandComposites(id, (i) => byId.get(i), (c) => (c.kind === 'composite' ? compositeMembers(c) : undefined)).map((x) => x.command);
}

function compositeMembers(c: CommandRef): string[] {
  return asArray(asObject(c.raw.composite).commands).filter((v): v is string => typeof v === 'string');
}

function eventIds(ctx: StepContext, event: string): string[] {
  return asArray(asObject(ctx.devfile.events)[event]).filter((v): v is string => typeof v === 'string');
}

/** `base`, or `base-2`, `base-3`... : the first that is a valid name not in `taken`, at most `max` characters. */
function freshName(base: string, taken: ReadonlySet<string>, max: number, fallback: string): string {
  let stem = base.toLowerCase().replace(/[^-a-z0-9]/g, '-').replace(/^-+|-+$/g, '').slice(0, max).replace(/-+$/, '');
  if (!NAME_PATTERN.test(stem) || /^gl-/.test(stem)) stem = fallback;
  if (!taken.has(stem)) return stem;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const candidate = `${stem.slice(0, max - suffix.length).replace(/-+$/, '')}${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}

function reservedPrefix(value: string, underscoreToo = false): boolean {
  return /^gl-/i.test(value) || (underscoreToo && /^gl_/i.test(value));
}

function setScalarAt(ctx: StepContext, path: ReadonlyArray<string | number>, value: string | boolean): boolean {
  const node = ctx.editor.node(path);
  if (!isScalar(node)) return false;
  ctx.editor.setScalar(node, value);
  return true;
}

// ---- schemaVersion, projects ----

export const setSchemaVersion: ConvertStep = (ctx) => {
  const v = ctx.devfile.schemaVersion;
  if (typeof v !== 'string' || v === GITLAB_SCHEMA_VERSION) return;
  if (setScalarAt(ctx, ['schemaVersion'], GITLAB_SCHEMA_VERSION)) {
    ctx.note(['schemaVersion'], 'schema-version', `changed from ${v} to ${GITLAB_SCHEMA_VERSION}, the only schemaVersion GitLab accepts`);
  }
};

export const removeProjects: ConvertStep = (ctx) => {
  const root = ctx.editor.map([]);
  if (!root) return;
  for (const key of REMOVED_ROOT_KEYS) {
    if (!has(ctx.devfile, key)) continue;
    ctx.removeKey([key]);
    ctx.note([key], 'projects', `removed: a GitLab workspace clones the project it is created from`);
  }
};

// ---- names GitLab keeps for itself ----

/** Component names, command ids, labels, endpoint names and variables that clash with GitLab's own. */
export const renameReserved: ConvertStep = (ctx) => {
  renameComponents(ctx);
  renameCommands(ctx);
  renameLabels(ctx);
  renameEndpoints(ctx);
  renameVariables(ctx);
};

function renameComponents(ctx: StepContext): void {
  const all = components(ctx);
  const taken = new Set(all.map((c) => c.name).filter((n): n is string => n !== undefined));
  for (const c of all) {
    if (c.name === undefined || !reservedPrefix(c.name)) continue;
    const old = c.name;
    const name = freshName(old.slice(3), taken, NAME_MAX, c.kind === 'volume' ? 'volume' : 'component');
    taken.add(name);
    setScalarAt(ctx, ['components', c.index, 'name'], name);
    let references = 0;
    for (const cmd of commands(ctx)) {
      if ((cmd.kind === 'exec' || cmd.kind === 'apply') && asObject(cmd.raw[cmd.kind]).component === old) {
        if (setScalarAt(ctx, ['commands', cmd.index, cmd.kind, 'component'], name)) references++;
      }
    }
    if (c.kind === 'volume') {
      for (const other of all) {
        asArray(asObject(other.raw.container).volumeMounts).forEach((m, j) => {
          if (asObject(m).name === old && setScalarAt(ctx, ['components', other.index, 'container', 'volumeMounts', j, 'name'], name)) references++;
        });
      }
    }
    ctx.note(['components', c.index, 'name'], 'rename',
      `component "${old}" renamed to "${name}"${referencesText(references)} (GitLab keeps the "gl-" prefix for its own components)`);
  }
}

function renameCommands(ctx: StepContext): void {
  const all = commands(ctx);
  const taken = new Set(all.map((c) => c.id).filter((n): n is string => n !== undefined));
  for (const c of all) {
    if (c.id === undefined || !reservedPrefix(c.id)) continue;
    const old = c.id;
    const id = freshName(old.slice(3), taken, NAME_MAX, 'command');
    taken.add(id);
    setScalarAt(ctx, ['commands', c.index, 'id'], id);
    let references = 0;
    for (const event of ALL_EVENTS) {
      asArray(asObject(ctx.devfile.events)[event]).forEach((e, j) => {
        if (e === old && setScalarAt(ctx, ['events', event, j], id)) references++;
      });
    }
    for (const other of all) {
      asArray(asObject(other.raw.composite).commands).forEach((m, j) => {
        if (m === old && setScalarAt(ctx, ['commands', other.index, 'composite', 'commands', j], id)) references++;
      });
    }
    ctx.note(['commands', c.index, 'id'], 'rename',
      `command "${old}" renamed to "${id}"${referencesText(references)} (GitLab keeps the "gl-" prefix for its own commands)`);
  }
}

function renameLabels(ctx: StepContext): void {
  for (const c of commands(ctx)) {
    if (!c.kind) continue;
    const label = asString(asObject(c.raw[c.kind]).label);
    if (label === undefined || !reservedPrefix(label)) continue;
    const path = ['commands', c.index, c.kind, 'label'];
    const stripped = label.slice(3).trim();
    if (stripped === '') {
      ctx.removeKey(path);
      ctx.note(path, 'rename', `label "${label}" of command "${c.id}" removed (GitLab keeps the "gl-" prefix for its own command labels)`);
    } else if (setScalarAt(ctx, path, stripped)) {
      ctx.note(path, 'rename', `label "${label}" of command "${c.id}" changed to "${stripped}" (GitLab keeps the "gl-" prefix for its own command labels)`);
    }
  }
}

function renameEndpoints(ctx: StepContext): void {
  const all = components(ctx);
  const endpointNames = (c: ComponentRef) => asArray(asObject(c.raw.container).endpoints).map((e) => asString(asObject(e).name));
  const taken = new Set<string>([...GITLAB_ENDPOINTS.map((g) => g.name), ...all.flatMap(endpointNames).filter((n): n is string => n !== undefined)]);
  for (const c of all) {
    asArray(asObject(c.raw.container).endpoints).forEach((e, j) => {
      const endpoint = asObject(e);
      const old = asString(endpoint.name);
      if (old === undefined) return;
      const gitlab = GITLAB_ENDPOINTS.find((g) => g.name === old);
      let why: string | undefined;
      let base = old;
      if (reservedPrefix(old)) {
        why = 'GitLab keeps the "gl-" prefix for its own endpoints';
        base = old.slice(3);
      } else if (gitlab) {
        why = `GitLab adds an endpoint of that name for ${gitlab.what}`;
      } else if (!/[a-z]/.test(old)) {
        why = 'Kubernetes refuses a port name without a letter';
        base = `port-${String(endpoint.targetPort ?? old)}`;
      }
      if (!why) return;
      const name = freshName(base, taken, ENDPOINT_NAME_MAX, 'endpoint');
      taken.add(name);
      const path = ['components', c.index, 'container', 'endpoints', j, 'name'];
      if (setScalarAt(ctx, path, name)) ctx.note(path, 'rename', `endpoint "${old}" of component "${c.name}" renamed to "${name}" (${why})`);
    });
  }
}

function renameVariables(ctx: StepContext): void {
  const names = Object.keys(asObject(ctx.devfile.variables));
  const taken = new Set(names);
  const variables = ctx.editor.map(['variables']);
  if (!variables) return;
  const renames = new Map<string, string>();
  for (const old of names) {
    if (!reservedPrefix(old, true)) continue;
    const name = freshName(old.slice(3), taken, NAME_MAX, 'variable');
    taken.add(name);
    renames.set(old, name);
  }
  if (renames.size === 0) return;
  // One pass over the values: a value may name several renamed variables.
  const references = new Map<string, number>();
  visit(ctx.editor.doc, {
    Scalar(key, node: Scalar) {
      if (key === 'key' || typeof node.value !== 'string' || !node.value.includes('{{')) return;
      let value = node.value;
      for (const [old, name] of renames) {
        if (!value.includes(`{{${old}}}`)) continue;
        value = value.split(`{{${old}}}`).join(`{{${name}}}`);
        references.set(old, (references.get(old) ?? 0) + 1);
      }
      if (value !== node.value) ctx.editor.setScalar(node, value);
    },
  });
  for (const [old, name] of renames) {
    const pair = ctx.editor.pair(variables, old);
    if (!pair || !isScalar(pair.key)) continue;
    ctx.editor.setScalar(pair.key, name);
    ctx.note(['variables', old], 'rename',
      `variable "${old}" renamed to "${name}"${referencesText(references.get(old) ?? 0)} (GitLab keeps the "gl-" and "gl_" prefixes for its own variables)`);
  }
}

function referencesText(n: number): string {
  return n === 0 ? '' : `, here and in the ${n === 1 ? 'place' : `${n} places`} that name${n === 1 ? 's' : ''} it`;
}

// ---- the editor component ----

/**
 * Exactly one container has `gl/inject-editor: true`: the one named by the option, else the one already
 * marked, else the first container that runs as a container (not only as a preStart init container).
 */
export const markEditor: ConvertStep = (ctx) => {
  const all = components(ctx);
  const containers = all.filter((c) => c.kind === 'container');
  const marked = all.filter((c) => isTruthy(asObject(c.raw.attributes)[INJECT_EDITOR_ATTRIBUTE]));
  const initOnly = new Set<string>();
  const byId = commandById(ctx);
  for (const id of eventIds(ctx, 'preStart')) {
    for (const leaf of leafCommands(id, byId)) {
      const component = leaf.kind === 'apply' ? asString(asObject(leaf.raw.apply).component) : undefined;
      if (component !== undefined) initOnly.add(component);
    }
  }
  const named = ctx.options.editorComponent !== undefined ? containers.find((c) => c.name === ctx.options.editorComponent) : undefined;
  const editor = named ?? marked.find((c) => c.kind === 'container') ?? containers.find((c) => c.name !== undefined && !initOnly.has(c.name));
  if (!editor) return; // loading the devfile reports why (no container, or --editor-component names none)
  for (const c of marked) {
    if (c === editor) continue;
    ctx.removeKey(['components', c.index, 'attributes', INJECT_EDITOR_ATTRIBUTE]);
    ctx.note(['components', c.index, 'attributes', INJECT_EDITOR_ATTRIBUTE], 'editor',
      `${INJECT_EDITOR_ATTRIBUTE} removed from component "${c.name}": the editor goes into component "${editor.name}" (exactly one component may have it)`);
  }
  const value = asObject(editor.raw.attributes)[INJECT_EDITOR_ATTRIBUTE];
  if (value === true) return;
  const why = named ? ' (--editor-component)' : marked.includes(editor) ? '' : ' (the first container that runs as a container of the workspace)';
  setAttribute(ctx, editor, INJECT_EDITOR_ATTRIBUTE, true);
  ctx.note(has(asObject(editor.raw.attributes), INJECT_EDITOR_ATTRIBUTE) ? ['components', editor.index, 'attributes', INJECT_EDITOR_ATTRIBUTE] : ['components', editor.index, 'name'],
    'editor', `component "${editor.name}" marked ${INJECT_EDITOR_ATTRIBUTE}: true, so GitLab injects the editor into it${why}`);
};

/** Sets attribute `key` of a component, adding `attributes` (after `name`) when the component has none. */
function setAttribute(ctx: StepContext, c: ComponentRef, key: string, value: unknown): void {
  const attributes = ctx.editor.node(['components', c.index, 'attributes']);
  const component = ctx.editor.map(['components', c.index]);
  if (isMap(attributes)) ctx.editor.setKey(attributes, key, value);
  else if (component) ctx.editor.setKey(component, 'attributes', { [key]: value }, 'name');
}

// ---- containers ----

/** `container-overrides` that set only cpu and memory resources become the container's own fields. */
export const foldContainerOverrides: ConvertStep = (ctx) => {
  for (const c of components(ctx)) {
    const attributesRaw = asObject(c.raw.attributes);
    const overrides = attributesRaw['container-overrides'];
    if (!isTruthy(overrides) || !isObject(c.raw.container)) continue;
    const container = ctx.editor.map(['components', c.index, 'container']);
    const attributes = ctx.editor.map(['components', c.index, 'attributes']);
    if (!container || !attributes) continue;
    const resources = asObject(asObject(overrides).resources);
    const folded: string[] = [];
    for (const r of FOLDED_RESOURCES) {
      const v = asObject(resources[r.section])[r.resource];
      if (typeof v !== 'string' && typeof v !== 'number') continue;
      ctx.editor.setKey(container, r.field, String(v));
      folded.push(`${r.field}: ${String(v)}`);
    }
    ctx.removeKey(['components', c.index, 'attributes', 'container-overrides']);
    ctx.note(['components', c.index, 'attributes', 'container-overrides'], 'container-overrides',
      folded.length
        ? `the container-overrides resources of component "${c.name}" moved into its container (${folded.join(', ')}); GitLab does not apply container-overrides`
        : `the empty container-overrides attribute of component "${c.name}" removed; GitLab refuses container-overrides`);
  }
};

/**
 * Container fields GitLab 18.9 refuses or reads its own way: `mountSources` and `sourceMapping` (GitLab
 * mounts the project at /projects in every container), and `overrideCommand` (a container with its own
 * command or args keeps them only with `overrideCommand: false`, and the editor container's command is
 * replaced unless it says so).
 */
export const adjustContainers: ConvertStep = (ctx) => {
  for (const c of components(ctx)) {
    const raw = c.raw.container;
    if (!isObject(raw)) continue;
    const container = ctx.editor.map(['components', c.index, 'container']);
    if (!container) continue;
    if (has(raw, 'mountSources')) {
      ctx.removeKey(['components', c.index, 'container', 'mountSources']);
      ctx.note(['components', c.index, 'container', 'mountSources'], 'mount-sources',
        `mountSources removed from component "${c.name}": GitLab refuses it and mounts the project at /projects in every container` +
          (raw.mountSources === false ? ' (this container now sees the project too)' : ''));
    }
    if (has(raw, 'sourceMapping')) {
      ctx.removeKey(['components', c.index, 'container', 'sourceMapping']);
      ctx.note(['components', c.index, 'container', 'sourceMapping'], 'source-mapping',
        `sourceMapping removed from component "${c.name}": GitLab refuses it and mounts the project at /projects` +
          (raw.sourceMapping !== '/projects' ? ` (not ${JSON.stringify(raw.sourceMapping)}; PROJECTS_ROOT and PROJECT_SOURCE say /projects)` : ''));
    }
    adjustOverrideCommand(ctx, c, raw);
  }
};

/**
 * GitLab 18.9 takes `overrideCommand` only as a boolean, and refuses `true` together with the container's
 * own command or args. Devfile tools ignore the attribute and run the container's command, so convert
 * keeps that: `overrideCommand: false` on every container with a command or args; a value GitLab cannot
 * read goes (the container then runs as GitLab runs it by default, as before).
 */
function adjustOverrideCommand(ctx: StepContext, c: ComponentRef, container: RawObject): void {
  const path = ['components', c.index, 'attributes', OVERRIDE_COMMAND];
  const written = asObject(c.raw.attributes)[OVERRIDE_COMMAND];
  const value = overrideCommandValue(written);
  const ownCommand = has(container, 'command') || has(container, 'args');
  if (value === undefined) {
    if (!ownCommand) return;
    setAttribute(ctx, c, OVERRIDE_COMMAND, false);
    ctx.note(['components', c.index, 'container', has(container, 'command') ? 'command' : 'args'], 'override-command',
      `component "${c.name}" marked ${OVERRIDE_COMMAND}: false, so GitLab keeps its own command and args (GitLab 18.9 accepts command and args only then, and replaces the editor container's command otherwise)`);
    return;
  }
  const wanted = ownCommand ? false : value === 'invalid' ? undefined : value;
  if (wanted === written) return;
  const was = JSON.stringify(written);
  if (wanted === undefined) {
    ctx.removeKey(path);
    ctx.note(path, 'override-command', `${OVERRIDE_COMMAND}: ${was} removed from component "${c.name}": GitLab takes only true or false (without it, GitLab runs the container as it does by default)`);
  } else {
    setScalarAt(ctx, path, wanted);
    ctx.note(path, 'override-command', value === true && ownCommand
      ? `${OVERRIDE_COMMAND} of component "${c.name}" changed from true to false: GitLab refuses true together with command or args, and false keeps the container's own command, as devfile tools run it`
      : `${OVERRIDE_COMMAND} of component "${c.name}" changed from ${was} to ${String(wanted)}; GitLab takes only the booleans true and false`);
  }
}

// ---- commands and events ----

/** Exec commands keep only what GitLab runs: `group` and `hotReloadCapable: true` go, `env` moves into the command line. */
export const adjustExecCommands: ConvertStep = (ctx) => {
  for (const c of commands(ctx)) {
    if (c.kind !== 'exec') continue;
    const raw = asObject(c.raw.exec);
    const exec = ctx.editor.map(['commands', c.index, 'exec']);
    if (!exec) continue;
    const at = (key: string) => ['commands', c.index, 'exec', key];
    if (has(raw, 'group')) {
      ctx.removeKey(at('group'));
      ctx.note(at('group'), 'exec', `group removed from command "${c.id}": GitLab has no command groups (it runs commands from events only)`);
    }
    if (raw.hotReloadCapable === true) {
      ctx.removeKey(at('hotReloadCapable'));
      ctx.note(at('hotReloadCapable'), 'exec', `hotReloadCapable: true removed from command "${c.id}": GitLab accepts only false`);
    }
    if (has(raw, 'env')) {
      const env = asArray(raw.env).filter(isObject).filter((e) => typeof e.name === 'string');
      ctx.removeKey(at('env'));
      if (env.length > 0 && typeof raw.commandLine === 'string') {
        setScalarAt(ctx, at('commandLine'), `${env.map((e) => exportLine(String(e.name), String(e.value ?? ''))).join('\n')}\n${raw.commandLine}`);
      }
      ctx.note(at('env'), 'exec',
        `env of command "${c.id}" moved into its command line as export lines (${env.map((e) => String(e.name)).join(', ')}); GitLab refuses env on exec commands`);
    }
  }
};

/**
 * `export NAME="value"` with the value inside double quotes, so `$VARIABLES` in it still expand when
 * the command runs (as devfile tools export a command's env) and quotes cannot break out.
 */
function exportLine(name: string, value: string): string {
  return `export ${name}="${value.replace(/[\\"`]/g, (ch) => `\\${ch}`)}"`;
}

/** Composite commands named by preStart and postStart become the commands they run; preStop and postStop go. */
export const expandEvents: ConvertStep = (ctx) => {
  const byId = commandById(ctx);
  for (const event of RUN_EVENTS) {
    const list = ctx.editor.seq(['events', event]);
    if (!list) continue;
    asArray(asObject(ctx.devfile.events)[event]).forEach((entry, j) => {
      const c = typeof entry === 'string' ? byId.get(entry) : undefined;
      if (c?.kind !== 'composite') return;
      const leaves = leafCommands(entry as string, byId).map((l) => l.id).filter((id): id is string => id !== undefined);
      replaceEventEntry(ctx, list, j, leaves);
      const parallel = asObject(c.raw.composite).parallel === true ? '; GitLab runs them one after another, not in parallel' : '';
      ctx.note(['events', event, j], 'composite',
        `composite command "${entry as string}" in ${event} replaced by the commands it runs (${leaves.join(', ') || 'none'})${parallel}`);
    });
  }
  for (const event of ['preStop', 'postStop']) {
    const entries = asObject(ctx.devfile.events)[event];
    if (entries === undefined || entries === null || (Array.isArray(entries) && entries.length === 0)) continue;
    ctx.removeKey(['events', event]);
    ctx.note(['events', event], 'events', `the ${event} event removed: GitLab workspaces run only preStart and postStart commands`);
  }
};

function replaceEventEntry(ctx: StepContext, list: YAMLSeq, index: number, ids: readonly string[]): void {
  if (ids.length > 0 || list.items.length > 1) {
    ctx.editor.replaceItem(list, index, ids);
    return;
  }
  // The only entry expands to nothing: an empty list reads as null in block style, so write [].
  const node = list.items[index];
  if (list.flow || !isScalar(node)) ctx.editor.replaceItem(list, index, []);
  else {
    const events = ctx.editor.map(['events']);
    const pair = events?.items.find((p) => p.value === list);
    if (pair && isScalar(pair.key)) ctx.removeKey(['events', String(pair.key.value)]);
  }
}

/**
 * Commands GitLab refuses that no event runs go: composite commands (their members stay, expanded into
 * the events that used them) and exec or apply commands that name no container component.
 */
export const removeUnrunCommands: ConvertStep = (ctx) => {
  const all = commands(ctx);
  const list = ctx.editor.seq(['commands']);
  if (!list) return;
  const byName = new Map(components(ctx).map((c) => [c.name, c]));
  const run = new Set<string>();
  const byId = commandById(ctx);
  for (const event of RUN_EVENTS) for (const id of eventIds(ctx, event)) for (const leaf of leafCommands(id, byId)) if (leaf.id) run.add(leaf.id);
  const removed: Array<{ c: CommandRef; why: string }> = [];
  for (const c of all) {
    if (c.kind === 'composite') {
      removed.push({ c, why: 'GitLab runs no composite commands' + (compositeMembers(c).length ? ` (its commands ${compositeMembers(c).join(', ')} stay)` : '') });
    } else if ((c.kind === 'exec' || c.kind === 'apply') && !(c.id !== undefined && run.has(c.id))) {
      const target = asString(asObject(c.raw[c.kind]).component);
      const component = target !== undefined ? byName.get(target) : undefined;
      if (target !== undefined && component?.kind !== 'container') {
        removed.push({ c, why: component ? `it names "${target}", which is not a container component, and no event runs it` : `it names the component "${target}", which does not exist, and no event runs it` });
      }
    }
  }
  if (removed.length === 0) return;
  if (removed.length === all.length) {
    ctx.removeKey(['commands']);
  } else {
    for (const { c } of removed) ctx.editor.deleteItem(list, c.index);
  }
  for (const { c, why } of removed) ctx.note(['commands', c.index], 'commands', `command "${c.id}" removed: ${why}`);
};

/** What GitLab runs differently and convert cannot change. */
export const warnDifferences: ConvertStep = (ctx) => {
  for (const c of components(ctx)) {
    asArray(asObject(c.raw.container).endpoints).forEach((e, j) => {
      if (asObject(e).protocol === 'udp') {
        ctx.warn(['components', c.index, 'container', 'endpoints', j, 'protocol'], 'udp',
          `endpoint "${String(asObject(e).name)}" of component "${c.name}" uses udp, but GitLab opens every workspace port as TCP`);
      }
    });
  }
};

/** The edit steps, in the order they run. */
export const STEPS: readonly ConvertStep[] = [
  setSchemaVersion,
  removeProjects,
  renameReserved,
  markEditor,
  foldContainerOverrides,
  adjustContainers,
  adjustExecCommands,
  expandEvents,
  removeUnrunCommands,
  warnDifferences,
];
