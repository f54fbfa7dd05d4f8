/**
 * Rules that hold in both modes: GitLab's reserved `gl-` prefix, and what the schema cannot check
 * (unique names, references that resolve, endpoint ports, resource quantities).
 */
import { parseQuantity, QUANTITY_EXAMPLES } from '../../common/quantity';
import { YamlPath } from '../../common/yaml-source';
import { INIT_CONTAINER_NAME_MAX_PREFIX, SCRIPTS_VOLUME_PATH, VARIABLES_VOLUME_PATH, WORKSPACE_DATA_VOLUME_PATH } from '../../common/gitlab-contract';
import { asArray, asObject, asString, isObject, isSupportedComponentKind, withArticle } from '../raw';
import { commandLabel, componentLabel, IndexedCommand, Rule, RuleContext } from './context';
import { ALL_EVENTS, compositeMembers, eventEntries, expandCommand, runCommandIds } from './events';

const BOTH = ['gitlab', 'devfile'] as const;

/** In devfile mode only the commands an event runs are checked beyond the schema. */
function checkedCommands(ctx: RuleContext): IndexedCommand[] {
  if (ctx.mode === 'gitlab') return [...ctx.commands];
  const run = runCommandIds(ctx.devfile, ctx.commandById);
  return ctx.commands.filter((c) => c.id !== undefined && run.has(c.id) && ctx.commandById.get(c.id) === c);
}

function reservedPrefix(value: string, alsoUnderscore = false): string | undefined {
  const p = value.slice(0, 3);
  const lower = p.toLowerCase();
  return lower === 'gl-' || (alsoUnderscore && lower === 'gl_') ? p : undefined;
}

export const reservedPrefixRule: Rule = {
  id: 'gitlab/reserved-prefix',
  modes: BOTH,
  summary: 'names starting with "gl-" (any case; variables also "gl_") are reserved for GitLab',
  check(ctx) {
    const flag = (path: (string | number)[], value: string | undefined, subject: string, fix: string, preferKey = false, underscore = false) => {
      if (value === undefined) return;
      const p = reservedPrefix(value, underscore);
      if (!p) return;
      const reserved = p.toLowerCase();
      const anyCase = p === reserved ? '' : ` (as "${reserved}", in any letter case)`;
      ctx.report(this.id, path, `${subject} uses the prefix "${p}", which GitLab reserves${anyCase} for its own ${fix}`, { preferKey });
    };
    for (const c of ctx.components) {
      flag([...c.path, 'name'], c.name, `component name "${c.name}"`, 'components; rename the component');
      asArray(asObject(c.raw.container).endpoints).forEach((e, j) => {
        const name = asString(asObject(e).name);
        flag([...c.path, 'container', 'endpoints', j, 'name'], name, `endpoint name "${name}"`, 'endpoints; rename the endpoint');
      });
    }
    for (const c of ctx.commands) {
      flag([...c.path, 'id'], c.id, `command id "${c.id}"`, 'commands; rename the command');
      if (c.kind) {
        const body = asObject(c.raw[c.kind]);
        const component = asString(body.component);
        const label = asString(body.label);
        if (c.kind !== 'composite') {
          flag([...c.path, c.kind, 'component'], component, `the component "${component}" named by ${commandLabel(c)}`,
            'components; rename the component and this reference');
        }
        flag([...c.path, c.kind, 'label'], label, `the label "${label}" of ${commandLabel(c)}`, 'commands; change the label');
      }
    }
    for (const event of ALL_EVENTS) {
      for (const e of eventEntries(ctx.devfile, event)) {
        flag(['events', event, e.index], e.id, `the ${event} entry "${e.id}"`, 'commands; rename the command and this entry');
      }
    }
    for (const name of Object.keys(asObject(ctx.devfile.variables))) {
      flag(['variables', name], name, `variable name "${name}"`, 'variables; rename the variable', true, true);
    }
  },
};

export const uniqueComponentNamesRule: Rule = {
  id: 'devfile/duplicate-component-name',
  modes: BOTH,
  summary: 'component names are unique',
  check(ctx) {
    for (const c of ctx.components) {
      const first = c.name !== undefined ? ctx.componentByName.get(c.name) : undefined;
      if (first && first !== c) {
        ctx.report(this.id, [...c.path, 'name'], `component name "${c.name}" is already used by components[${first.index}]; component names must be unique`);
      }
    }
  },
};

export const uniqueCommandIdsRule: Rule = {
  id: 'devfile/duplicate-command-id',
  modes: BOTH,
  summary: 'command ids are unique',
  check(ctx) {
    for (const c of ctx.commands) {
      const first = c.id !== undefined ? ctx.commandById.get(c.id) : undefined;
      if (first && first !== c) {
        ctx.report(this.id, [...c.path, 'id'], `command id "${c.id}" is already used by commands[${first.index}]; command ids must be unique`);
      }
    }
  },
};

export const commandComponentRule: Rule = {
  id: 'devfile/unknown-component',
  modes: BOTH,
  summary: 'exec and apply commands name an existing component',
  check(ctx) {
    for (const c of checkedCommands(ctx)) {
      if ((c.kind !== 'exec' && c.kind !== 'apply') || c.component === undefined) continue;
      if (!ctx.componentByName.has(c.component)) {
        const known = [...ctx.componentByName.keys()];
        ctx.report(this.id, [...c.path, c.kind, 'component'],
          `${commandLabel(c)} names the component "${c.component}", but the devfile has no component of that name` +
            (known.length ? ` (components: ${known.join(', ')})` : ''));
      }
    }
  },
};

export const commandComponentKindRule: Rule = {
  id: 'devfile/command-component-kind',
  modes: BOTH,
  summary: 'exec and apply commands name a container component (not a volume; other kinds are refused as components)',
  check(ctx) {
    for (const c of checkedCommands(ctx)) {
      if ((c.kind !== 'exec' && c.kind !== 'apply') || c.component === undefined) continue;
      const target = ctx.componentByName.get(c.component);
      // An image, kubernetes or openshift component is already refused by the component-type rule of
      // either mode; one cause, one error.
      if (!target?.kind || target.kind === 'container' || !isSupportedComponentKind(target.kind)) continue;
      const why = c.kind === 'exec' ? 'exec commands run in a container' : 'GitLab runs the component of an apply command as an init container';
      ctx.report(this.id, [...c.path, c.kind, 'component'],
        `${commandLabel(c)} names "${c.component}", which is ${withArticle(target.kind)} component; ${why}, so it must name a container component`);
    }
  },
};

export const eventCommandRule: Rule = {
  id: 'devfile/unknown-command',
  modes: BOTH,
  summary: 'events and composite commands name existing commands',
  check(ctx) {
    const known = () => {
      const ids = [...ctx.commandById.keys()];
      return ids.length ? ` (commands: ${ids.join(', ')})` : '';
    };
    for (const event of ALL_EVENTS) {
      for (const e of eventEntries(ctx.devfile, event)) {
        if (!ctx.commandById.has(e.id)) {
          ctx.report(this.id, ['events', event, e.index], `${event} names the command "${e.id}", but the devfile has no command with that id${known()}`);
        }
      }
    }
    for (const c of checkedCommands(ctx)) {
      compositeMembers(c).forEach((m) => {
        if (ctx.commandById.has(m)) return;
        const j = asArray(asObject(c.raw.composite).commands).indexOf(m);
        ctx.report(this.id, [...c.path, 'composite', 'commands', j], `${commandLabel(c)} names the command "${m}", but the devfile has no command with that id${known()}`);
      });
    }
  },
};

export const volumeMountRule: Rule = {
  id: 'devfile/unknown-volume',
  modes: BOTH,
  summary: 'volume mounts name an existing volume component',
  check(ctx) {
    for (const c of ctx.components) {
      asArray(asObject(c.raw.container).volumeMounts).forEach((m, j) => {
        const name = asString(asObject(m).name);
        if (name === undefined) return;
        const target = ctx.componentByName.get(name);
        if (!target) {
          ctx.report(this.id, [...c.path, 'container', 'volumeMounts', j, 'name'],
            `${componentLabel(c)} mounts the volume "${name}", but the devfile has no volume component of that name`);
        } else if (target.kind !== undefined && target.kind !== 'volume') {
          ctx.report(this.id, [...c.path, 'container', 'volumeMounts', j, 'name'],
            `${componentLabel(c)} mounts "${name}", which is ${withArticle(target.kind)} component; a volume mount must name a volume component`);
        }
      });
    }
  },
};

/** Paths GitLab mounts in workspace containers, and what it mounts there (reference section 2). */
export const GITLAB_MOUNT_PATHS: ReadonlyMap<string, string> = new Map([
  [WORKSPACE_DATA_VOLUME_PATH, 'the workspace data volume'],
  [VARIABLES_VOLUME_PATH, 'the workspace variables'],
  [SCRIPTS_VOLUME_PATH, 'the postStart scripts'],
]);

/**
 * Kubernetes refuses a pod with two volumes at one path: a container's volume mounts may not use a path
 * GitLab mounts (the data volume's `/projects` is free only for a devfile-mode container kept off it
 * with `mountSources: false`), nor one path twice. Checked here so a devfile that validates also renders.
 */
export const mountPathRule: Rule = {
  id: 'devfile/mount-path',
  modes: BOTH,
  summary: 'volume mounts use neither a path GitLab mounts nor one path twice',
  check(ctx) {
    for (const c of ctx.components) {
      const container = asObject(c.raw.container);
      const dataMounted = ctx.mode === 'gitlab' || container.mountSources !== false;
      const seen = new Map<string, string>();
      asArray(container.volumeMounts).forEach((m, j) => {
        const name = asString(asObject(m).name);
        if (name === undefined || ctx.componentByName.get(name)?.kind !== 'volume') return;
        const explicit = asString(asObject(m).path);
        const path = explicit || `/${name}`;
        const at = [...c.path, 'container', 'volumeMounts', j, ...(explicit ? ['path'] : [])];
        const gitlab = GITLAB_MOUNT_PATHS.get(path);
        if (gitlab && (path !== WORKSPACE_DATA_VOLUME_PATH || dataMounted)) {
          ctx.report(this.id, at, `${componentLabel(c)} mounts the volume "${name}" at ${path}, where GitLab mounts ${gitlab}; choose another path`);
        } else if (seen.has(path)) {
          ctx.report(this.id, at, `${componentLabel(c)} mounts the volume "${name}" at ${path}, where it already mounts the volume "${seen.get(path)}"; each path takes one volume`);
        }
        seen.set(path, name);
      });
    }
  },
};

/**
 * GitLab runs the component of each preStart apply command as an init container named
 * `<component>-<command id>` (cut to 55 characters) `-<position>`; containers and init containers share
 * one name space in a pod, so no container component may already have that name.
 */
export const initContainerNameRule: Rule = {
  id: 'devfile/init-container-name',
  modes: BOTH,
  summary: 'no container component has the name of an init container a preStart command creates',
  check(ctx) {
    const leaves = eventEntries(ctx.devfile, 'preStart').flatMap((e) => expandCommand(e.id, ctx.commandById).map((x) => x.command));
    const appliedComponent = (c: IndexedCommand) => (c.kind === 'apply' ? asString(asObject(c.raw.apply).component) : undefined);
    const applied = new Set(leaves.map(appliedComponent));
    leaves.forEach((c, i) => {
      const component = appliedComponent(c);
      if (component === undefined || c.id === undefined) return;
      const name = `${`${component}-${c.id}`.slice(0, INIT_CONTAINER_NAME_MAX_PREFIX)}-${i + 1}`;
      const clash = ctx.componentByName.get(name);
      if (clash?.kind !== 'container' || applied.has(name)) return;
      ctx.report(this.id, [...clash.path, 'name'],
        `component "${name}" has the name of the init container that preStart command "${c.id}" creates for component "${component}" ` +
          '(<component>-<command id>-<position>); containers and init containers share one pod, so rename the component or the command');
    });
  },
};

interface EndpointRef {
  readonly component: string;
  readonly componentIndex: number;
  readonly index: number;
  readonly name?: string;
}

export const endpointPortRule: Rule = {
  id: 'devfile/endpoint-port',
  modes: BOTH,
  summary: 'endpoint targetPort is between 1 and 65535',
  check(ctx) {
    for (const c of ctx.components) {
      asArray(asObject(c.raw.container).endpoints).forEach((e, j) => {
        const port = asObject(e).targetPort;
        if (typeof port === 'number' && Number.isInteger(port) && (port < 1 || port > 65535)) {
          const name = asString(asObject(e).name);
          ctx.report(this.id, [...c.path, 'container', 'endpoints', j, 'targetPort'],
            `endpoint ${name !== undefined ? `"${name}" ` : ''}of ${componentLabel(c)} has targetPort ${port}; a port number must be between 1 and 65535`);
        }
      });
    }
  },
};

/**
 * Two container components may not claim the same targetPort: all containers of a workspace run in one
 * pod, where a port can be bound once. One component may list a port twice (e.g. two endpoints with
 * different paths on one server): the devfile specification allows it, and the generated container and
 * Service ports are de-duplicated.
 */
export const endpointPortConflictRule: Rule = {
  id: 'devfile/endpoint-port-conflict',
  modes: BOTH,
  summary: 'no two container components claim the same endpoint targetPort',
  check(ctx) {
    const byPort = new Map<number, EndpointRef>();
    for (const c of ctx.components) {
      asArray(asObject(c.raw.container).endpoints).forEach((e, j) => {
        if (!isObject(e)) return;
        const port = e.targetPort;
        if (typeof port !== 'number' || !Number.isInteger(port)) return;
        const name = asString(e.name);
        const first = byPort.get(port);
        if (!first) {
          byPort.set(port, { component: componentLabel(c), componentIndex: c.index, index: j, name });
          return;
        }
        if (first.componentIndex === c.index) return;
        const firstName = first.name !== undefined ? `endpoint "${first.name}"` : `endpoints[${first.index}]`;
        ctx.report(this.id, [...c.path, 'container', 'endpoints', j, 'targetPort'],
          `endpoint ${name !== undefined ? `"${name}" ` : ''}of ${componentLabel(c)} uses targetPort ${port}, which ${firstName} of ${first.component} already claims; ` +
            'all containers of a workspace share one pod, so a port may belong to one component only');
      });
    }
  },
};

/** The endpoints GitLab adds to the editor component (reference section 2), by port and by name. */
export const GITLAB_ENDPOINTS: ReadonlyArray<{ readonly name: string; readonly port: number; readonly what: string }> = [
  { name: 'editor-server', port: 60001, what: 'the web editor' },
  { name: 'ssh-server', port: 60022, what: 'SSH access' },
];

/**
 * GitLab adds `editor-server` (60001) and `ssh-server` (60022) to the editor component; a devfile endpoint
 * with either port or name would collide with them in the pod and in the workspace Service.
 */
export const gitlabEndpointRule: Rule = {
  id: 'devfile/gitlab-endpoint',
  modes: BOTH,
  summary: 'no endpoint uses the port or name of the editor and SSH endpoints GitLab adds (60001, 60022)',
  check(ctx) {
    for (const c of ctx.components) {
      asArray(asObject(c.raw.container).endpoints).forEach((e, j) => {
        if (!isObject(e)) return;
        const name = asString(e.name);
        const byPort = GITLAB_ENDPOINTS.find((g) => g.port === e.targetPort);
        if (byPort) {
          ctx.report(this.id, [...c.path, 'container', 'endpoints', j, 'targetPort'],
            `endpoint ${name !== undefined ? `"${name}" ` : ''}of ${componentLabel(c)} uses targetPort ${byPort.port}, which GitLab keeps for ${byPort.what} (endpoint "${byPort.name}"); choose another port`);
        }
        const byName = GITLAB_ENDPOINTS.find((g) => g.name === name);
        if (byName) {
          ctx.report(this.id, [...c.path, 'container', 'endpoints', j, 'name'],
            `endpoint name "${byName.name}" of ${componentLabel(c)} is the name of the endpoint GitLab adds for ${byName.what}; choose another name`);
        }
      });
    }
  },
};

export const uniqueEndpointNamesRule: Rule = {
  id: 'devfile/duplicate-endpoint-name',
  modes: BOTH,
  summary: 'endpoint names are unique in the devfile',
  check(ctx) {
    const seen = new Map<string, string>();
    for (const c of ctx.components) {
      asArray(asObject(c.raw.container).endpoints).forEach((e, j) => {
        const name = asString(asObject(e).name);
        if (name === undefined) return;
        const first = seen.get(name);
        if (first === undefined) {
          seen.set(name, `components[${c.index}].container.endpoints[${j}]`);
          return;
        }
        ctx.report(this.id, [...c.path, 'container', 'endpoints', j, 'name'],
          `endpoint name "${name}" is already used by ${first}; endpoint names must be unique in the devfile (each becomes a port name of the workspace Service)`);
      });
    }
  },
};

const CONTAINER_QUANTITY_KEYS = ['memoryLimit', 'memoryRequest', 'cpuLimit', 'cpuRequest'] as const;

/** Why `value` is not a quantity a container or volume may take, or undefined when it is one. */
function quantityProblem(value: string): string | undefined {
  const q = parseQuantity(value);
  if (!q) return `which is not a Kubernetes quantity; write ${QUANTITY_EXAMPLES}`;
  if (q.nano < 0n) return 'which is negative; Kubernetes refuses negative resources and sizes';
  return undefined;
}

/**
 * Container resources, volume sizes and (devfile mode) `container-overrides` resources must be Kubernetes
 * quantities: GitLab's devfile parser reads them as `resource.Quantity` and fails on anything else, and
 * the renderer prints them in canonical form. An empty string means "not set", as in devfile/library.
 */
export const quantityRule: Rule = {
  id: 'devfile/quantity',
  modes: BOTH,
  summary: 'container memory/cpu limits and requests, volume sizes and container-overrides resources are Kubernetes quantities',
  check(ctx) {
    const flag = (path: YamlPath, value: unknown, subject: string) => {
      if (typeof value !== 'string' && typeof value !== 'number') return; // the schema (or devfile/overrides) reports other types
      const text = String(value);
      if (text === '') return;
      const problem = quantityProblem(text);
      if (problem) ctx.report(this.id, path, `${subject} is "${text}", ${problem}`);
    };
    for (const c of ctx.components) {
      if (c.kind === 'container') {
        const container = asObject(c.raw.container);
        for (const key of CONTAINER_QUANTITY_KEYS) {
          if (typeof container[key] === 'string') flag([...c.path, 'container', key], container[key], `${key} of ${componentLabel(c)}`);
        }
      } else if (c.kind === 'volume') {
        const size = asObject(c.raw.volume).size;
        if (typeof size === 'string') flag([...c.path, 'volume', 'size'], size, `the size of volume ${componentLabel(c)}`);
      }
      // GitLab mode refuses container-overrides altogether (gitlab/overrides).
      if (ctx.mode !== 'devfile') continue;
      const resources = asObject(asObject(asObject(c.raw.attributes)['container-overrides']).resources);
      for (const section of ['requests', 'limits']) {
        for (const [resource, value] of Object.entries(asObject(resources[section]))) {
          flag([...c.path, 'attributes', 'container-overrides', 'resources', section, resource], value,
            `container-overrides resources.${section}.${resource} of ${componentLabel(c)}`);
        }
      }
    }
  },
};

export const COMMON_RULES: readonly Rule[] = [
  reservedPrefixRule,
  uniqueComponentNamesRule,
  uniqueCommandIdsRule,
  uniqueEndpointNamesRule,
  commandComponentRule,
  commandComponentKindRule,
  eventCommandRule,
  volumeMountRule,
  mountPathRule,
  initContainerNameRule,
  endpointPortRule,
  endpointPortConflictRule,
  gitlabEndpointRule,
  quantityRule,
];
