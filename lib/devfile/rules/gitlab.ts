/**
 * GitLab's own devfile restrictions (reference section 3), enforced in `gitlab` mode exactly as GitLab
 * enforces them before it creates a workspace.
 */
import { isAlias } from 'yaml';
import { GITLAB_CHANGES, GitLabBehaviour } from '../../common/gitlab-version';
import { asArray, asObject, has, isObject, isSupportedComponentKind, isTruthy, withArticle } from '../raw';
import { aliasNodes } from '../../common/yaml-nodes';
import { DevfileMode } from '../model';
import { commandLabel, componentLabel, Rule, RuleContext } from './context';
import { eventEntries } from './events';

const GITLAB = ['gitlab'] as const;

export const GITLAB_SCHEMA_VERSION = '2.2.0';
/** The keys an exec command may set in GitLab (`workingDir` since GitLab 18.4). */
export const GITLAB_EXEC_KEYS = ['commandLine', 'component', 'label', 'hotReloadCapable', 'workingDir'] as const;

/** The GitLab version that introduced a behaviour (for messages that say which version a devfile needs). */
function sinceVersion(key: keyof Omit<GitLabBehaviour, 'version'>): string {
  return GITLAB_CHANGES.find((c) => key in c.set)!.since;
}

export const schemaVersionRule: Rule = {
  id: 'gitlab/schema-version',
  modes: GITLAB,
  summary: `schemaVersion is exactly ${GITLAB_SCHEMA_VERSION}`,
  check(ctx) {
    const v = ctx.devfile.schemaVersion;
    if (typeof v === 'string' && v !== GITLAB_SCHEMA_VERSION) {
      ctx.report(this.id, ['schemaVersion'],
        `schemaVersion is "${v}", but GitLab workspaces accept only ${GITLAB_SCHEMA_VERSION}; set schemaVersion: ${GITLAB_SCHEMA_VERSION}`);
    }
  },
};

const UNSUPPORTED_KEYS: Record<string, string> = {
  parent: 'a devfile cannot inherit from a parent devfile; copy what you need from the parent into this file',
  projects: 'GitLab clones the workspace\'s own project',
  starterProjects: 'GitLab clones the workspace\'s own project',
};

export const unsupportedKeysRule: Rule = {
  id: 'gitlab/unsupported-key',
  modes: GITLAB,
  summary: 'no parent, projects or starterProjects',
  check(ctx) {
    for (const [key, why] of Object.entries(UNSUPPORTED_KEYS)) {
      if (has(ctx.devfile, key)) {
        ctx.report(this.id, [key], `"${key}" is not supported by GitLab workspaces (${why}); remove it`, { preferKey: true });
      }
    }
  },
};

/**
 * Reports a truthy `pod-overrides` attribute on the devfile and each of `componentKeys` on a component,
 * in the wording of a mode (`wording.component`: "which GitLab workspaces do not support" or "which is
 * not supported"). Shared by both modes' overrides rules.
 */
export function reportUnsupportedOverrides(
  ctx: RuleContext,
  rule: string,
  componentKeys: readonly string[],
  wording: { readonly root: string; readonly component: string },
): void {
  if (isTruthy(asObject(ctx.devfile.attributes)['pod-overrides'])) {
    ctx.report(rule, ['attributes', 'pod-overrides'], `the devfile attribute "pod-overrides" ${wording.root}; remove it`, { preferKey: true });
  }
  for (const c of ctx.components) {
    const attributes = asObject(c.raw.attributes);
    for (const key of componentKeys) {
      if (isTruthy(attributes[key])) {
        ctx.report(rule, [...c.path, 'attributes', key], `${componentLabel(c)} uses the attribute "${key}", ${wording.component}; remove it`, { preferKey: true });
      }
    }
  }
}

export const overridesRule: Rule = {
  id: 'gitlab/overrides',
  modes: GITLAB,
  summary: 'no pod-overrides attribute (devfile or component) and no container-overrides attribute',
  check(ctx) {
    reportUnsupportedOverrides(ctx, this.id, ['pod-overrides', 'container-overrides'],
      { root: 'is not supported by GitLab workspaces', component: 'which GitLab workspaces do not support' });
  },
};

export const dedicatedPodRule: Rule = {
  id: 'gitlab/dedicated-pod',
  modes: ['gitlab', 'devfile'],
  summary: 'no container with dedicatedPod: true (all containers of a workspace run in one pod)',
  check(ctx) {
    for (const c of ctx.components) {
      const container = c.raw.container;
      if (isObject(container) && isTruthy(container.dedicatedPod)) {
        ctx.report(this.id, [...c.path, 'container', 'dedicatedPod'],
          `${componentLabel(c)} sets dedicatedPod, which GitLab workspaces do not support (all containers of a workspace run in one pod); remove it`,
          { preferKey: true });
      }
    }
  },
};

/**
 * The component-type rule of a mode (GitLab's and devfile mode's differ only in id and wording): kubernetes,
 * openshift and image components are refused, once each, at their kind key.
 */
export function componentKindRuleFor(
  mode: DevfileMode,
  id: string,
  summary: string,
  /** `component`: `component "web"`; `kind`: with its article, `an image`. */
  message: (component: string, kind: string) => string,
): Rule {
  return {
    id,
    modes: [mode],
    summary,
    check(ctx) {
      for (const c of ctx.components) {
        if (c.kind !== undefined && !isSupportedComponentKind(c.kind)) {
          ctx.report(this.id, [...c.path, c.kind], message(componentLabel(c), withArticle(c.kind)), { preferKey: true });
        }
      }
    },
  };
}

export const componentKindRule = componentKindRuleFor('gitlab', 'gitlab/component-type', 'only container and volume components',
  (component, kind) => `${component} is ${kind} component; GitLab workspaces support only container and volume components`);

export const hasComponentsRule: Rule = {
  id: 'gitlab/no-components',
  modes: ['gitlab', 'devfile'],
  summary: 'at least one component',
  check(ctx) {
    if (ctx.components.length > 0) return;
    // `components` that is not a list at all is the schema's to report.
    if (has(ctx.devfile, 'components') && !Array.isArray(ctx.devfile.components)) return;
    const present = Array.isArray(ctx.devfile.components);
    ctx.report(this.id, present ? ['components'] : [],
      present
        ? 'the devfile has an empty components list; a workspace needs at least one container component'
        : 'the devfile has no components; a workspace needs at least one container component (add a "components" list)',
      { preferKey: present });
  },
};

export const commandKindRule: Rule = {
  id: 'gitlab/command-type',
  modes: GITLAB,
  summary: 'only exec and apply commands',
  check(ctx) {
    for (const c of ctx.commands) {
      if (c.kind === 'composite') {
        ctx.report(this.id, [...c.path, 'composite'],
          `${c.id !== undefined ? `command "${c.id}"` : commandLabel(c)} is a composite command (it runs other commands); GitLab workspaces support only exec and apply commands`, { preferKey: true });
      }
    }
  },
};

export const execOptionsRule: Rule = {
  id: 'gitlab/exec-options',
  modes: GITLAB,
  summary: `exec commands set only ${GITLAB_EXEC_KEYS.join(', ')} (workingDir from GitLab 18.4)`,
  check(ctx) {
    const allowed = GITLAB_EXEC_KEYS.filter((k) => k !== 'workingDir' || ctx.gitlab.execWorkingDir);
    for (const c of ctx.commands) {
      if (c.kind !== 'exec') continue;
      for (const key of Object.keys(asObject(c.raw.exec))) {
        if ((allowed as readonly string[]).includes(key)) continue;
        const message = key === 'workingDir'
          ? `${commandLabel(c)} sets "workingDir", which GitLab reads from ${sinceVersion('execWorkingDir')}; GitLab ${ctx.gitlab.version} refuses it: remove it (the command then runs in the container's working directory)`
          : `${commandLabel(c)} sets "${key}", which GitLab workspaces do not support; an exec command may set only ${allowed.join(', ')}`;
        ctx.report(this.id, [...c.path, 'exec', key], message, { preferKey: true });
      }
    }
  },
};

/**
 * GitLab 18.4+: the `overrideCommand` attribute of a component is true or false. When true, which it is
 * unless the devfile says false (GitLab's check reads an absent attribute as true for every component),
 * GitLab replaces the container's command with its keep-alive, so a devfile `command` or `args` is refused.
 */
export const overrideCommandRule: Rule = {
  id: 'gitlab/override-command',
  modes: GITLAB,
  summary: 'overrideCommand is a boolean; command and args only with overrideCommand: false (GitLab 18.4+)',
  check(ctx) {
    if (!ctx.gitlab.overrideCommandAttribute) return;
    for (const c of ctx.components) {
      const attributes = c.raw.attributes;
      if (attributes !== undefined && !isObject(attributes)) continue; // the schema reports it
      const value = asObject(attributes).overrideCommand;
      if (value !== undefined && typeof value !== 'boolean') {
        ctx.report(this.id, [...c.path, 'attributes', 'overrideCommand'],
          `the attribute overrideCommand of ${componentLabel(c)} must be true or false (a boolean, not ${withArticle(value === null ? 'null' : typeof value)}${typeof value === 'string' ? ` "${value}"` : ''})`);
        continue;
      }
      if (value === false) continue;
      const container = asObject(c.raw.container);
      const set = (['command', 'args'] as const).filter((k) => asArray(container[k]).length > 0);
      if (set.length === 0) continue;
      ctx.report(this.id, [...c.path, 'container', set[0]],
        `${componentLabel(c)} sets ${set.map((k) => `"${k}"`).join(' and ')}, which GitLab accepts only with the attribute overrideCommand: false ` +
          `(${value === true ? 'it is true' : 'without it, GitLab replaces the command with its keep-alive'}); add overrideCommand: false under its attributes to run this command, or remove ${set.join(' and ')}`,
        { preferKey: true });
    }
  },
};

/** GitLab 18.8+: a devfile may not set `mountSources` (GitLab mounts /projects everywhere) or `sourceMapping`. */
export const mountSourcesRule: Rule = {
  id: 'gitlab/mount-sources',
  modes: GITLAB,
  summary: 'no container mountSources or sourceMapping (GitLab 18.8+)',
  check(ctx) {
    if (!ctx.gitlab.mountSourcesRefused) return;
    for (const c of ctx.components) {
      const container = c.raw.container;
      if (!isObject(container)) continue;
      if (isTruthy(container.mountSources)) {
        ctx.report(this.id, [...c.path, 'container', 'mountSources'],
          `${componentLabel(c)} sets mountSources, which GitLab workspaces do not support (GitLab mounts the workspace data at /projects in every container); remove it`,
          { preferKey: true });
      }
      if (isTruthy(container.sourceMapping)) {
        ctx.report(this.id, [...c.path, 'container', 'sourceMapping'],
          `${componentLabel(c)} sets sourceMapping, which GitLab workspaces do not support (projects are always under /projects); remove it`,
          { preferKey: true });
      }
    }
  },
};

/** GitLab's limit on volume component names (the PVC is named `<workspace>-<volume>`). */
export const VOLUME_NAME_MAX = 27;

export const volumeNameRule: Rule = {
  id: 'gitlab/volume-name',
  modes: GITLAB,
  summary: `volume component names are at most ${VOLUME_NAME_MAX} characters`,
  check(ctx) {
    for (const c of ctx.components) {
      if (c.kind !== 'volume' || c.name === undefined || c.name.length <= VOLUME_NAME_MAX) continue;
      ctx.report(this.id, [...c.path, 'name'],
        `volume name "${c.name}" is ${c.name.length} characters; GitLab allows at most ${VOLUME_NAME_MAX} for a volume component (its claim is named <workspace>-<volume name>)`);
    }
  },
};

export const hotReloadRule: Rule = {
  id: 'gitlab/hot-reload',
  modes: GITLAB,
  summary: 'exec hotReloadCapable is false when present',
  check(ctx) {
    for (const c of ctx.commands) {
      if (c.kind === 'exec' && asObject(c.raw.exec).hotReloadCapable === true) {
        ctx.report(this.id, [...c.path, 'exec', 'hotReloadCapable'],
          `${commandLabel(c)} sets hotReloadCapable: true; GitLab workspaces require it to be false or left out`);
      }
    }
  },
};

export const eventKindRule: Rule = {
  id: 'gitlab/event-type',
  modes: GITLAB,
  summary: 'only preStart and postStart events (an empty preStop or postStop list is allowed, as in GitLab)',
  check(ctx) {
    for (const [event, entries] of Object.entries(asObject(ctx.devfile.events))) {
      if ((event === 'preStop' || event === 'postStop') && hasEntries(entries)) {
        ctx.report(this.id, ['events', event],
          `the event "${event}" is not supported by GitLab workspaces; only preStart and postStart are`, { preferKey: true });
      }
    }
  },
};

/** A non-empty event list (GitLab accepts `preStop: []`). */
export function hasEntries(v: unknown): boolean {
  return v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0);
}

/** preStart runs apply commands (as init containers), postStart runs exec commands. */
export const EVENT_COMMAND_KIND: Record<string, 'apply' | 'exec'> = { preStart: 'apply', postStart: 'exec' };

export function eventKindMessage(event: string, id: string, actual: string, via: readonly string[]): string {
  const expected = EVENT_COMMAND_KIND[event];
  const why = expected === 'apply' ? 'apply commands (GitLab runs their components as init containers)' : 'exec commands';
  const through = via.length ? ` (through composite ${via.map((v) => `"${v}"`).join(' -> ')})` : '';
  return `${event} runs only ${why}, but "${id}"${through} is ${withArticle(actual)} command`;
}

export const eventCommandKindRule: Rule = {
  id: 'gitlab/event-command-kind',
  modes: GITLAB,
  summary: 'preStart names apply commands, postStart names exec commands',
  check(ctx) {
    for (const [event, expected] of Object.entries(EVENT_COMMAND_KIND)) {
      for (const e of eventEntries(ctx.devfile, event)) {
        const c = ctx.commandById.get(e.id);
        if (c?.kind && c.kind !== expected) ctx.report(this.id, ['events', event, e.index], eventKindMessage(event, e.id, c.kind, []));
      }
    }
  },
};

/**
 * GitLab's Ruby side reads a devfile with `YAML.safe_load`, which by default refuses aliases (`*name`,
 * including merge keys `<<: *name`). The issue's rules do not list this and GitLab's behaviour may vary
 * by version, so it is a warning: the devfile passes, and its author learns the risk. Anchors alone are
 * harmless; alias bombs are errors anyway (the YAML layer's expansion cap).
 */
export const yamlAliasRule: Rule = {
  id: 'gitlab/yaml-alias',
  modes: GITLAB,
  summary: 'warns on YAML aliases (GitLab\'s YAML loader may refuse them)',
  check(ctx) {
    for (const a of aliasNodes(ctx.source.doc?.contents)) {
      const name = isAlias(a.node) ? `*${a.node.source}` : 'this alias';
      ctx.report(this.id, a.path,
        `the YAML alias ${name} may be refused by GitLab, which loads devfiles without alias support; write the value out in full here to be safe`,
        { severity: 'warning', ...(a.node.range ? { position: ctx.source.linePos(a.node.range[0]) } : {}) });
    }
  },
};

export const GITLAB_RULES: readonly Rule[] = [
  yamlAliasRule,
  schemaVersionRule,
  unsupportedKeysRule,
  overridesRule,
  componentKindRule,
  commandKindRule,
  execOptionsRule,
  overrideCommandRule,
  mountSourcesRule,
  volumeNameRule,
  hotReloadRule,
  eventKindRule,
  eventCommandKindRule,
];
