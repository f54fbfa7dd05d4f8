/**
 * `devfile` mode: devfiles written for other tools (the public registry, Che, odo). Broader than GitLab's
 * rules where the renderer can honour the devfile, and explicit refusals where it cannot.
 */
import { asObject, has, isObject, isTruthy } from '../raw';
import { commandLabel, componentLabel, Rule } from './context';
import { compositeMembers, eventEntries, expandCommand, runCommandIds } from './events';
import { componentKindRuleFor, EVENT_COMMAND_KIND, eventKindMessage, hasEntries, reportUnsupportedOverrides } from './gitlab';

const DEVFILE = ['devfile'] as const;

/** 2.0.0 to 2.3.x, with the pre-release and build suffixes the devfile schema's pattern allows. */
export const SUPPORTED_SCHEMA_VERSIONS = /^2\.[0-3]\.[0-9]+(-[0-9a-z-]+(\.[0-9a-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

export const schemaVersionRangeRule: Rule = {
  id: 'devfile/schema-version',
  modes: DEVFILE,
  summary: 'schemaVersion is 2.0.0 to 2.3.x',
  check(ctx) {
    const v = ctx.devfile.schemaVersion;
    if (typeof v === 'string' && !SUPPORTED_SCHEMA_VERSIONS.test(v)) {
      ctx.report(this.id, ['schemaVersion'], `schemaVersion "${v}" is not supported; devfile mode accepts 2.0.0 to 2.3.x`);
    }
  },
};

export const parentRule: Rule = {
  id: 'devfile/parent',
  modes: DEVFILE,
  summary: 'no parent (parents are not fetched)',
  check(ctx) {
    if (has(ctx.devfile, 'parent')) {
      ctx.report(this.id, ['parent'],
        '"parent" is not supported: parent devfiles are not fetched or merged; copy what you need from the parent into this file and remove "parent"',
        { preferKey: true });
    }
  },
};

export const ignoredProjectsRule: Rule = {
  id: 'devfile/ignored-projects',
  modes: DEVFILE,
  summary: 'projects, starterProjects and dependentProjects are ignored (warning)',
  check(ctx) {
    for (const key of ['projects', 'starterProjects', 'dependentProjects']) {
      if (has(ctx.devfile, key)) {
        ctx.report(this.id, [key], `"${key}" is ignored: a GitLab workspace clones its own project`, { severity: 'warning', preferKey: true });
      }
    }
  },
};

export const componentKindDevfileRule = componentKindRuleFor('devfile', 'devfile/component-type', 'kubernetes, openshift and image components are refused',
  (component, kind) => `${component} is ${kind} component, which a GitLab workspace cannot run; only container and volume components are supported`);

const RESOURCE_KEYS = ['requests', 'limits'];

export const overridesDevfileRule: Rule = {
  id: 'devfile/overrides',
  modes: DEVFILE,
  summary: 'no pod-overrides; container-overrides may set only resources (requests, limits)',
  check(ctx) {
    reportUnsupportedOverrides(ctx, this.id, ['pod-overrides'], { root: 'is not supported', component: 'which is not supported' });
    for (const c of ctx.components) {
      const overrides = asObject(c.raw.attributes)['container-overrides'];
      if (!isTruthy(overrides)) continue;
      const at = [...c.path, 'attributes', 'container-overrides'];
      if (!isObject(overrides)) {
        ctx.report(this.id, at, `the container-overrides attribute of ${componentLabel(c)} must be a mapping that sets "resources"`);
        continue;
      }
      for (const key of Object.keys(overrides)) {
        if (key !== 'resources') {
          ctx.report(this.id, [...at, key],
            `the container-overrides attribute of ${componentLabel(c)} sets "${key}"; only "resources" is supported there`, { preferKey: true });
        }
      }
      if (!has(overrides, 'resources')) continue;
      const resources = overrides.resources;
      if (!isObject(resources)) {
        ctx.report(this.id, [...at, 'resources'], `"resources" of ${componentLabel(c)} must be a mapping with "requests" and/or "limits"`);
        continue;
      }
      for (const [key, value] of Object.entries(resources)) {
        const p = [...at, 'resources', key];
        if (!RESOURCE_KEYS.includes(key)) {
          ctx.report(this.id, p, `the container-overrides resources of ${componentLabel(c)} set "${key}"; only "requests" and "limits" are supported`, { preferKey: true });
        } else if (!isObject(value)) {
          ctx.report(this.id, p, `resources.${key} of ${componentLabel(c)} must be a mapping of resource names to quantities (e.g. cpu: 500m)`);
        } else {
          for (const [resource, quantity] of Object.entries(value)) {
            if (typeof quantity !== 'string' && typeof quantity !== 'number') {
              ctx.report(this.id, [...p, resource], `resources.${key}.${resource} of ${componentLabel(c)} must be a quantity such as 500m or 2Gi`);
            }
          }
        }
      }
    }
  },
};

export const ignoredEventsRule: Rule = {
  id: 'devfile/ignored-event',
  modes: DEVFILE,
  summary: 'preStop and postStop are ignored (warning)',
  check(ctx) {
    for (const event of ['preStop', 'postStop']) {
      if (hasEntries(asObject(ctx.devfile.events)[event])) {
        ctx.report(this.id, ['events', event], `the event "${event}" is ignored: GitLab workspaces run only preStart and postStart`,
          { severity: 'warning', preferKey: true });
      }
    }
  },
};

/** Like GitLab's rule, with composite commands expanded to the exec/apply commands they run. */
export const eventCommandKindDevfileRule: Rule = {
  id: 'devfile/event-command-kind',
  modes: DEVFILE,
  summary: 'preStart runs apply commands and postStart exec commands (composites expanded)',
  check(ctx) {
    for (const [event, expected] of Object.entries(EVENT_COMMAND_KIND)) {
      for (const e of eventEntries(ctx.devfile, event)) {
        for (const { command, via } of expandCommand(e.id, ctx.commandById)) {
          if (command.kind && command.kind !== expected) {
            ctx.report(this.id, ['events', event, e.index], eventKindMessage(event, command.id ?? e.id, command.kind, via));
          }
        }
      }
    }
  },
};

export const compositeCycleRule: Rule = {
  id: 'devfile/composite-cycle',
  modes: DEVFILE,
  summary: 'composite commands an event runs do not include themselves',
  check(ctx) {
    const run = runCommandIds(ctx.devfile, ctx.commandById);
    for (const c of ctx.commands) {
      if (c.kind !== 'composite' || c.id === undefined || !run.has(c.id) || ctx.commandById.get(c.id) !== c) continue;
      const cycle = findCycle(c.id, c.id, ctx.commandById, []);
      // One report per cycle: at the member that comes first in the file.
      if (cycle && cycle.every((id) => (ctx.commandById.get(id)?.index ?? Infinity) >= c.index)) {
        ctx.report(this.id, [...c.path, 'composite', 'commands'],
          `${commandLabel(c)} includes itself (${[c.id, ...cycle].join(' -> ')}); composite commands must not form a cycle`);
      }
    }
  },
};

function findCycle(
  start: string,
  id: string,
  byId: ReadonlyMap<string, import('./context').IndexedCommand>,
  seen: string[],
): string[] | undefined {
  const c = byId.get(id);
  if (!c) return undefined;
  for (const m of compositeMembers(c)) {
    if (m === start) return [...seen, m];
    if (seen.includes(m)) continue;
    const found = findCycle(start, m, byId, [...seen, m]);
    if (found) return found;
  }
  return undefined;
}

export const DEVFILE_MODE_RULES: readonly Rule[] = [
  schemaVersionRangeRule,
  parentRule,
  ignoredProjectsRule,
  componentKindDevfileRule,
  overridesDevfileRule,
  ignoredEventsRule,
  eventCommandKindDevfileRule,
  compositeCycleRule,
];
