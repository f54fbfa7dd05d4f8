/**
 * The JSON Schema editors use for GitLab devfiles (`schemas/gitlab-devfile.schema.json`): the official
 * devfile schema the loader checks (`@devfile/api`, definition `v2.3.0.Devfile`, ./schema.ts) narrowed by
 * GitLab's rules as far as JSON Schema (draft-07, what YAML language servers read) can say them. Built
 * from the same definitions and the rules' own constants, never copied by hand;
 * `scripts/build-gitlab-devfile-schema.js` writes it and a test checks the committed file is current.
 *
 * What it cannot say is left to `gitlab-workspaces validate`: references between elements (a command
 * naming a component, an event naming a command of the right kind), uniqueness of names, at most one
 * editor container, values after `{{variable}}` substitution, quantities. Pure.
 *
 * `errorMessage`, `patternErrorMessage` and `doNotSuggest` are the YAML and JSON language servers'
 * annotations: the underline says GitLab's rule instead of a bare "not allowed".
 */
import { WORKSPACE_DATA_VOLUME_PATH } from '../common/gitlab-contract';
import { GITLAB_ENDPOINTS, GITLAB_MOUNT_PATHS } from './rules/common';
import { INJECT_EDITOR_ATTRIBUTE } from './rules/editor';
import { GITLAB_EXEC_KEYS, GITLAB_SCHEMA_VERSION } from './rules/gitlab';
import { devfileDefinitions, DEVFILE_SCHEMA_ROOT } from './schema';

type Schema = Record<string, unknown>;

const D = DEVFILE_SCHEMA_ROOT;
const NAME = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
/** Names devfiles allow, without GitLab's `gl-` prefix. */
const NAME_PATTERN = `^(?!gl-)${NAME}$`;
const NAME_MESSAGE = 'lowercase letters, digits and "-", starting and ending with a letter or digit; the prefix "gl-" is GitLab\'s';
const NOT_RESERVED = { pattern: '^(?![gG][lL]-)', patternErrorMessage: 'the prefix "gl-" (any case) is GitLab\'s' };
/** A falsy attribute: GitLab refuses any other value (Ruby truthiness). */
const falsy = (message: string): Schema => ({ enum: [null, false], errorMessage: message, description: message, doNotSuggest: true });
/**
 * A key GitLab refuses. `not: {}` would say it, but language servers then show a bare "not allowed";
 * a null-only type lets them show `errorMessage` (and a null value is what leaving the key out means).
 */
const forbidden = (message: string): Schema => ({ type: 'null', errorMessage: message, description: message, doNotSuggest: true });

/** The schema, as the object `schemas/gitlab-devfile.schema.json` holds. */
export function gitlabDevfileSchema(): Schema {
  // Patterns written for non-Unicode regular expressions (`\-` outside a class) made valid in both modes,
  // since editors compile them with the `u` flag.
  const defs = JSON.parse(JSON.stringify(devfileDefinitions()), (key, value: unknown) =>
    key === 'pattern' && typeof value === 'string' ? unicodeSafePattern(value) : value) as Record<string, Schema>;
  const def = (suffix: string): Schema => defs[`${D}${suffix}`];
  const props = (suffix: string): Record<string, Schema> => def(suffix).properties as Record<string, Schema>;

  // The root: GitLab's schemaVersion; no parent, projects or starterProjects; containers to run.
  const root = def('');
  const rootProps = props('');
  rootProps.schemaVersion = {
    type: 'string', const: GITLAB_SCHEMA_VERSION,
    description: `GitLab workspaces accept only schemaVersion ${GITLAB_SCHEMA_VERSION}.`,
    errorMessage: `GitLab workspaces accept only schemaVersion ${GITLAB_SCHEMA_VERSION}`,
  };
  rootProps.parent = forbidden('GitLab workspaces do not support a parent devfile; copy what you need into this file');
  rootProps.projects = forbidden('GitLab workspaces do not support projects: a workspace clones the project it is created from');
  rootProps.starterProjects = forbidden('GitLab workspaces do not support starterProjects: a workspace clones the project it is created from');
  rootProps.attributes = {
    ...rootProps.attributes,
    properties: { 'pod-overrides': falsy('GitLab workspaces do not support the pod-overrides attribute') },
  };
  rootProps.variables = {
    ...rootProps.variables,
    propertyNames: { pattern: '^(?![gG][lL][-_])', patternErrorMessage: 'variable names starting with "gl-" or "gl_" (any case) are GitLab\'s' },
  };
  const editorMessage = `mark exactly one container component with the attribute ${INJECT_EDITOR_ATTRIBUTE}: true; GitLab injects the editor into it`;
  rootProps.components = {
    ...rootProps.components,
    minItems: 1,
    contains: {
      required: ['container', 'attributes'],
      properties: { attributes: { required: [INJECT_EDITOR_ATTRIBUTE], properties: { [INJECT_EDITOR_ATTRIBUTE]: { not: { enum: [null, false] } } } } },
    },
    errorMessage: editorMessage,
  };
  root.required = ['schemaVersion', 'components'];

  // Components: containers and volumes only.
  const component = def('.components');
  component.oneOf = [{ required: ['container'] }, { required: ['volume'] }];
  const componentProps = props('.components');
  for (const kind of ['kubernetes', 'openshift', 'image']) {
    componentProps[kind] = forbidden(`GitLab workspaces run only container and volume components, not ${kind} components`);
  }
  componentProps.name = { ...componentProps.name, pattern: NAME_PATTERN, patternErrorMessage: NAME_MESSAGE };
  componentProps.attributes = {
    ...componentProps.attributes,
    properties: {
      [INJECT_EDITOR_ATTRIBUTE]: { description: `true on the one container GitLab injects the editor into (exactly one component has it)` },
      overrideCommand: {
        type: 'boolean',
        description: 'GitLab 18.9: true runs GitLab\'s keep-alive command instead of the image\'s (the default for the editor container); false keeps the container\'s own command and args',
      },
      'pod-overrides': falsy('GitLab workspaces do not support the pod-overrides attribute'),
      'container-overrides': falsy('GitLab workspaces do not support the container-overrides attribute; set cpuLimit, memoryLimit, cpuRequest and memoryRequest on the container'),
    },
  };
  component.allOf = [
    // Only a container can take the editor.
    { if: { required: ['volume'] }, then: { properties: { attributes: { properties: { [INJECT_EDITOR_ATTRIBUTE]: falsy('the editor can be injected only into a container component') } } } } },
    // GitLab 18.9 refuses overrideCommand: true together with the container's own command or args.
    {
      if: {
        required: ['container', 'attributes'],
        properties: {
          attributes: { required: ['overrideCommand'], properties: { overrideCommand: { const: true } } },
          container: { anyOf: [{ required: ['command'] }, { required: ['args'] }] },
        },
      },
      then: { properties: { attributes: { properties: { overrideCommand: { const: false, errorMessage: 'GitLab refuses overrideCommand: true together with command or args; set it to false to keep them' } } } } },
    },
  ];

  // Containers: one pod, GitLab's mounts, GitLab's ports.
  const containerProps = props('.components.items.container');
  containerProps.dedicatedPod = { type: 'boolean', const: false, errorMessage: 'GitLab runs all containers of a workspace in one pod; dedicatedPod must be false or left out' };
  containerProps.mountSources = forbidden(`GitLab 18.9 refuses mountSources: it mounts the project at ${WORKSPACE_DATA_VOLUME_PATH} in every container`);
  containerProps.sourceMapping = forbidden(`GitLab 18.9 refuses sourceMapping: it mounts the project at ${WORKSPACE_DATA_VOLUME_PATH} in every container`);
  const endpointProps = props('.components.items.container.endpoints');
  const gitlabNames = GITLAB_ENDPOINTS.map((g) => g.name).join('|');
  endpointProps.name = {
    ...endpointProps.name,
    pattern: `^(?!gl-)(?!(${gitlabNames})$)${NAME}$`,
    patternErrorMessage: `${NAME_MESSAGE}; ${GITLAB_ENDPOINTS.map((g) => `"${g.name}"`).join(' and ')} are the names of GitLab's own endpoints`,
  };
  const portMessage = `a port between 1 and 65535 other than ${GITLAB_ENDPOINTS.map((g) => `${g.port} (${g.what})`).join(' and ')}, which GitLab uses in the same pod`;
  endpointProps.targetPort = {
    ...endpointProps.targetPort,
    minimum: 1,
    maximum: 65535,
    errorMessage: portMessage,
    // GitLab's ports: a `const` no port equals, so language servers show the message (they do not for `not`).
    if: { enum: GITLAB_ENDPOINTS.map((g) => g.port) },
    then: { const: 0, errorMessage: portMessage },
  };
  const mountProps = props('.components.items.container.volumeMounts');
  mountProps.path = {
    ...mountProps.path,
    not: { enum: [...GITLAB_MOUNT_PATHS.keys()] },
    errorMessage: `GitLab mounts ${[...GITLAB_MOUNT_PATHS].map(([path, what]) => `${what} at ${path}`).join(', ')}; choose another path`,
  };

  // Commands: exec and apply only; exec with GitLab's fields only.
  const command = def('.commands');
  command.oneOf = [{ required: ['exec'] }, { required: ['apply'] }];
  const commandProps = props('.commands');
  commandProps.composite = forbidden('GitLab workspaces support only exec and apply commands; list the commands a composite would run in the event instead');
  commandProps.id = { ...commandProps.id, pattern: NAME_PATTERN, patternErrorMessage: NAME_MESSAGE };
  const exec = def('.commands.items.exec');
  exec.properties = Object.fromEntries(Object.entries(exec.properties as Record<string, Schema>).filter(([k]) => (GITLAB_EXEC_KEYS as readonly string[]).includes(k)));
  const execProps = exec.properties as Record<string, Schema>;
  execProps.hotReloadCapable = { ...execProps.hotReloadCapable, const: false, errorMessage: 'GitLab accepts hotReloadCapable only as false' };
  for (const kind of ['.commands.items.exec', '.commands.items.apply']) {
    const p = props(kind);
    p.component = { ...p.component, ...NOT_RESERVED };
    p.label = { ...p.label, ...NOT_RESERVED };
  }

  // Events: preStart and postStart only.
  const eventProps = props('.events');
  for (const event of ['preStart', 'postStart']) eventProps[event] = { ...eventProps[event], items: { type: 'string', ...NOT_RESERVED } };
  for (const event of ['preStop', 'postStop']) {
    eventProps[event] = { ...eventProps[event], maxItems: 0, errorMessage: `GitLab workspaces run only preStart and postStart commands; ${event} must be empty` };
  }

  // Definitions only the removed parts used (parent, projects, other kinds of component and command) go.
  const { [D]: rootDefinition, ...rest } = defs;
  const used = JSON.stringify(rootDefinition);
  const reachable = reachableDefinitions(rest, used);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    ...rootDefinition,
    title: 'GitLab workspaces devfile',
    description: `A devfile for GitLab remote development workspaces: the devfile ${GITLAB_SCHEMA_VERSION} schema narrowed by GitLab's rules. Generated by cdktf-gitlab-workspaces from @devfile/api (${D}); check with \`gitlab-workspaces validate\` for the rules JSON Schema cannot express.`,
    definitions: reachable,
  };
}

/** `pattern` with `\-` outside character classes written as `-` (the same outside a class; refused with the `u` flag). */
function unicodeSafePattern(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') {
      const next = pattern[i + 1] ?? '';
      out += !inClass && next === '-' ? '-' : ch + next;
      i++;
      continue;
    }
    if (ch === '[') inClass = true;
    else if (ch === ']') inClass = false;
    out += ch;
  }
  return out;
}

/** The definitions reachable from `text` (a schema's JSON) through `$ref`s, in their original order. */
function reachableDefinitions(defs: Record<string, Schema>, text: string): Record<string, Schema> {
  const found = new Set<string>();
  const queue = [text];
  while (queue.length > 0) {
    const t = queue.pop() as string;
    for (const m of t.matchAll(/"\$ref":"#\/definitions\/([^"]+)"/g)) {
      if (found.has(m[1]) || !defs[m[1]]) continue;
      found.add(m[1]);
      queue.push(JSON.stringify(defs[m[1]]));
    }
  }
  return Object.fromEntries(Object.entries(defs).filter(([name]) => found.has(name)));
}

/** The schema file's text: two-space JSON, newline-terminated. */
export function gitlabDevfileSchemaText(): string {
  return `${JSON.stringify(gitlabDevfileSchema(), null, 2)}\n`;
}
