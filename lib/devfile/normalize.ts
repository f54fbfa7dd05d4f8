/**
 * The last step: a devfile that passed the schema and its mode's rules becomes the typed model of
 * ./model.ts (lists present, only the kinds the renderer supports). Runs only on valid devfiles.
 */
import {
  Command, Component, Container, Devfile, DevfileMode, Endpoint, EnvVar, Events, ResourceRequirements, VolumeMount,
} from './model';
import { asArray, asObject, asString, isObject, RawObject } from './raw';
import { RuleContext, runCommandIds } from './rules';

export function normalizeDevfile(ctx: RuleContext, mainComponentName: string): Devfile {
  const d = ctx.devfile;
  const mode: DevfileMode = ctx.mode;
  const components: Component[] = [];
  for (const c of ctx.components) {
    const attributes = asObject(c.raw.attributes);
    if (c.kind === 'container') {
      const overrides = mode === 'devfile' ? resourceOverrides(attributes['container-overrides']) : undefined;
      components.push({
        kind: 'container', name: c.name as string, attributes, container: container(asObject(c.raw.container)),
        ...(overrides ? { resourceOverrides: overrides } : {}),
      });
    } else if (c.kind === 'volume') {
      const v = asObject(c.raw.volume);
      components.push({
        kind: 'volume', name: c.name as string, attributes,
        volume: { ...optional('size', asString(v.size)), ...optional('ephemeral', typeof v.ephemeral === 'boolean' ? v.ephemeral : undefined) },
      });
    }
  }
  // Devfile mode keeps the commands an event runs (with the members of those composites); GitLab mode all.
  const run = mode === 'devfile' ? runCommandIds(d, ctx.commandById) : undefined;
  const commands: Command[] = [];
  for (const c of ctx.commands) {
    if (c.id === undefined || (run && !run.has(c.id))) continue;
    const attributes = asObject(c.raw.attributes);
    if (c.kind === 'exec') {
      const e = asObject(c.raw.exec);
      const env = envList(e.env);
      commands.push({
        kind: 'exec', id: c.id, attributes,
        exec: {
          commandLine: String(e.commandLine), component: String(e.component),
          ...optional('label', asString(e.label)), ...optional('workingDir', asString(e.workingDir)),
          ...optional('hotReloadCapable', typeof e.hotReloadCapable === 'boolean' ? e.hotReloadCapable : undefined),
          ...(mode === 'devfile' && env.length ? { env } : {}),
        },
      });
    } else if (c.kind === 'apply') {
      const a = asObject(c.raw.apply);
      commands.push({ kind: 'apply', id: c.id, attributes, apply: { component: String(a.component), ...optional('label', asString(a.label)) } });
    } else if (c.kind === 'composite') {
      const k = asObject(c.raw.composite);
      commands.push({
        kind: 'composite', id: c.id, attributes,
        composite: {
          commands: asArray(k.commands).filter((v): v is string => typeof v === 'string'),
          ...optional('parallel', typeof k.parallel === 'boolean' ? k.parallel : undefined),
          ...optional('label', asString(k.label)),
        },
      });
    }
  }
  const ev = asObject(d.events);
  const list = (k: string) => asArray(ev[k]).filter((v): v is string => typeof v === 'string');
  const events: Events = mode === 'devfile'
    ? { preStart: list('preStart'), postStart: list('postStart'), preStop: [], postStop: [] }
    : { preStart: list('preStart'), postStart: list('postStart'), preStop: list('preStop'), postStop: list('postStop') };
  const variables: Record<string, string> = {};
  for (const [k, v] of Object.entries(asObject(d.variables))) if (typeof v === 'string') variables[k] = v;
  return {
    mode,
    schemaVersion: String(d.schemaVersion),
    metadata: asObject(d.metadata),
    attributes: asObject(d.attributes),
    variables,
    components,
    commands,
    events,
    mainComponentName,
  };
}

function container(c: RawObject): Container {
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : undefined);
  const endpoints: Endpoint[] = asArray(c.endpoints).filter(isObject).map((e) => ({
    name: String(e.name),
    targetPort: Number(e.targetPort),
    ...optional('exposure', asString(e.exposure) as Endpoint['exposure']),
    ...optional('protocol', asString(e.protocol) as Endpoint['protocol']),
    ...optional('secure', typeof e.secure === 'boolean' ? e.secure : undefined),
    ...optional('path', asString(e.path)),
    ...(isObject(e.attributes) ? { attributes: e.attributes } : {}),
  }));
  const volumeMounts: VolumeMount[] = asArray(c.volumeMounts).filter(isObject).map((m) => ({
    name: String(m.name), ...optional('path', asString(m.path)),
  }));
  return {
    image: String(c.image),
    ...optional('command', strings(c.command)),
    ...optional('args', strings(c.args)),
    env: envList(c.env),
    endpoints,
    volumeMounts,
    ...optional('memoryLimit', asString(c.memoryLimit)),
    ...optional('memoryRequest', asString(c.memoryRequest)),
    ...optional('cpuLimit', asString(c.cpuLimit)),
    ...optional('cpuRequest', asString(c.cpuRequest)),
    ...optional('mountSources', typeof c.mountSources === 'boolean' ? c.mountSources : undefined),
    ...optional('sourceMapping', asString(c.sourceMapping)),
  };
}

function envList(v: unknown): EnvVar[] {
  return asArray(v).filter(isObject).map((e) => ({ name: String(e.name), value: String(e.value ?? '') }));
}

function resourceOverrides(v: unknown): ResourceRequirements | undefined {
  const resources = asObject(asObject(v).resources);
  const quantities = (q: unknown) => {
    if (!isObject(q)) return undefined;
    const out: Record<string, string> = {};
    for (const [k, val] of Object.entries(q)) if (typeof val === 'string' || typeof val === 'number') out[k] = String(val);
    return out;
  };
  const requests = quantities(resources.requests);
  const limits = quantities(resources.limits);
  if (!requests && !limits) return undefined;
  return { ...optional('requests', requests), ...optional('limits', limits) };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
