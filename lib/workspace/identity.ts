/**
 * The workspace identity file (`gitlab-workspaces render --workspace F`): the facts about one workspace
 * that GitLab keeps in its database and the devfile does not say (names, ids, desired state, project,
 * user, variables). Every field has a default, so `render devfile.yaml` works with no file, and a
 * partial file fills the rest from `DEFAULT_WORKSPACE_IDENTITY`. Pure.
 *
 * ```yaml
 * name: workspace-7-42-abc123        # Kubernetes object base name
 * namespace: gl-rd-ns-7-42-abc123    # ignored when the agent config sets shared_namespace
 * id: 1234                           # GitLab workspace id
 * agentId: 7
 * desiredState: Running              # Running | RestartRequested | Stopped | Terminated
 * project: {url: https://gitlab.example.com/group/app.git, path: app, ref: main}
 * user: {name: Ada Lovelace, email: ada@example.com}
 * variables:
 *   - {key: FEATURE_FLAG, value: "on", type: env}     # Secret <name>-env-var
 *   - {key: settings.json, value: "{}", type: file}   # Secret <name>-file
 * ```
 */
import { Result } from '../common/diagnostics';
import { CheckedFile, describeValue, isMapping, parseChecked, Reporter } from '../common/reporter';
import { YamlPath, YamlSource } from '../common/yaml-source';
import {
  dns1035LabelProblem,
  dns1123LabelProblem,
  envVarNameProblem,
  LABEL_VALUE_MAX,
  secretKeyProblem,
} from '../agent-config/kubernetes-rules';
import {
  ENV_SECRET_SUFFIX,
  FILE_SECRET_SUFFIX,
  SCRIPTS_CONFIGMAP_SUFFIX,
  SECRETS_INVENTORY_SUFFIX,
  WORKSPACE_DATA_VOLUME_NAME,
  WORKSPACE_INVENTORY_SUFFIX,
} from '../common/gitlab-contract';

/**
 * GitLab's desired states (reference section 1). The Deployment runs one replica only for `Running`;
 * `RestartRequested` and `Stopped` scale it to 0 (GitLab flips a restart back to Running once the
 * workspace has stopped); for `Terminated` GitLab sends only the two inventory ConfigMaps, so agentk
 * prunes every other object.
 */
export type WorkspaceDesiredState = 'Running' | 'RestartRequested' | 'Stopped' | 'Terminated';
export const WORKSPACE_DESIRED_STATES: readonly WorkspaceDesiredState[] = ['Running', 'RestartRequested', 'Stopped', 'Terminated'];

export interface WorkspaceProject {
  /** The clone URL (http or https). */
  readonly url: string;
  /** The directory under `/projects` the project is cloned into (GitLab: the project's path). */
  readonly path: string;
  /** The branch or tag to clone. */
  readonly ref: string;
}

export interface WorkspaceUser {
  readonly name: string;
  readonly email: string;
}

/** `env`: a key of Secret `<name>-env-var` (an environment variable); `file`: a key of Secret `<name>-file` (a file). */
export type WorkspaceVariableType = 'env' | 'file';

export interface WorkspaceVariable {
  readonly key: string;
  readonly value: string;
  readonly type: WorkspaceVariableType;
}

export interface WorkspaceIdentity {
  /** Base name of every object (`<name>`, `<name>-workspace-inventory`, ...). */
  readonly name: string;
  /** The workspace's own namespace; ignored when the agent config sets `shared_namespace`. */
  readonly namespace: string;
  /** GitLab's workspace id (annotation and, in a shared namespace, label `workspaces.gitlab.com/id`). */
  readonly id: number;
  /** The agent's id (label `agent.gitlab.com/id`). */
  readonly agentId: number;
  readonly desiredState: WorkspaceDesiredState;
  /** The project to clone in the postStart step; absent: no clone step. */
  readonly project?: WorkspaceProject;
  /** The user the workspace belongs to (git author name and email); absent: none configured. */
  readonly user?: WorkspaceUser;
  /** User-provided workspace variables, in file order. */
  readonly variables: readonly WorkspaceVariable[];
}

/**
 * The identity used when no file is given, and for every field a file leaves out. No project: a
 * preview without a clone step unless the file names one. A user, Ada Lovelace <ada@example.com>, so a
 * preview shows what GitLab writes for one: git `user.name` and `user.email` (as `GIT_CONFIG_KEY_n` /
 * `GIT_CONFIG_VALUE_n`) in the env Secret `<name>-env-var`. A file with `user: null` renders none.
 */
export const DEFAULT_WORKSPACE_IDENTITY: WorkspaceIdentity = Object.freeze({
  name: 'workspace-7-42-abc123',
  namespace: 'gl-rd-ns-7-42-abc123',
  id: 1234,
  agentId: 7,
  desiredState: 'Running',
  user: Object.freeze({ name: 'Ada Lovelace', email: 'ada@example.com' }),
  variables: Object.freeze([]),
});

/** Replicas of the workspace Deployment for a desired state: 1 only for Running. */
export function desiredReplicas(state: WorkspaceDesiredState): 0 | 1 {
  return state === 'Running' ? 1 : 0;
}

/** The names of every object GitLab derives from a workspace name (reference section 2); the renderer's. */
export function workspaceObjectNames(name: string) {
  return {
    deployment: name,
    service: name,
    serviceAccount: name,
    networkPolicy: name,
    resourceQuota: name,
    workspaceInventory: `${name}${WORKSPACE_INVENTORY_SUFFIX}`,
    secretsInventory: `${name}${SECRETS_INVENTORY_SUFFIX}`,
    scriptsConfigMap: `${name}${SCRIPTS_CONFIGMAP_SUFFIX}`,
    dataVolumeClaim: workspaceVolumeClaimName(name, WORKSPACE_DATA_VOLUME_NAME),
    envSecret: `${name}${ENV_SECRET_SUFFIX}`,
    fileSecret: `${name}${FILE_SECRET_SUFFIX}`,
  } as const;
}

export type WorkspaceObjectNames = ReturnType<typeof workspaceObjectNames>;

/** The PersistentVolumeClaim of a devfile volume component: `<workspace>-<volume name>`. */
export function workspaceVolumeClaimName(name: string, volumeName: string): string {
  return `${name}-${volumeName}`;
}

/**
 * The namespace GitLab gives a workspace: `workspace-<agent>-<user>-<random>` lives in
 * `gl-rd-ns-<agent>-<user>-<random>`. Other names get `gl-rd-ns-<name>`.
 */
export function defaultNamespaceFor(name: string): string {
  return `gl-rd-ns-${name.startsWith('workspace-') ? name.slice('workspace-'.length) : name}`;
}

/**
 * Identity files larger than this are refused before parsing: 3 MB, as for devfiles. The fields are
 * small, but the variables may fill the two Secrets (up to 1 MiB of data each), plus YAML quoting.
 */
export const WORKSPACE_IDENTITY_MAX_BYTES = 3 * 1024 * 1024;

const TOP_KEYS = ['name', 'namespace', 'id', 'agentId', 'desiredState', 'project', 'user', 'variables'] as const;
const RULE = 'workspace';
/** GitLab's WorkspaceVariable limits. */
const MAX_ENV_VALUE_LENGTH = 10_000;
const MAX_FILE_VALUE_LENGTH = 50_000;
/** Kubernetes' limit on the data of one Secret. */
const SECRET_MAX_BYTES = 1024 * 1024;
/** GitLab's project path rule: letters, digits, '_', '-', '.', not starting with '-' or '.', not ending in .git or .atom. */
const PROJECT_PATH = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
/** GitLab's workspace names: `workspace-<agent id>-<user id>-<6 random lowercase letters or digits>`. */
const GITLAB_NAME = /^workspace-([1-9][0-9]*)-[0-9]+-[a-z0-9]+$/;

/**
 * Object names derived from the workspace name, and the Kubernetes limit each must respect, binding
 * ones first. The inventory ConfigMaps carry their own name as the value of label
 * `cli-utils.sigs.k8s.io/inventory-id`, and label values are limited to 63 characters: that makes
 * `<name>-workspace-inventory` the tightest constraint (name at most 43 characters). The Service is
 * named `<name>` and must be a DNS-1035 label (hence: start with a letter). Host names are
 * `<port>-<name>.<dns_zone>`, whose first label must fit in 63 characters.
 */
const NAME_LIMITS: ReadonlyArray<{ readonly suffix: string; readonly max: number; readonly what: string }> = [
  { suffix: WORKSPACE_INVENTORY_SUFFIX, max: LABEL_VALUE_MAX, what: 'ConfigMap `%s`, whose name is also its label `cli-utils.sigs.k8s.io/inventory-id` (label values: at most 63 characters)' },
  { suffix: SECRETS_INVENTORY_SUFFIX, max: LABEL_VALUE_MAX, what: 'ConfigMap `%s`, whose name is also its label `cli-utils.sigs.k8s.io/inventory-id` (label values: at most 63 characters)' },
  { suffix: '-', max: 63 - 5, what: 'the host name label `<port>-%s` of endpoints (DNS labels: at most 63 characters; ports have up to 5 digits)' },
  { suffix: '', max: 63, what: 'Service `%s` (Service names: DNS-1035 labels of at most 63 characters)' },
];

/** The longest workspace name every derived object name accepts. */
export const WORKSPACE_NAME_MAX = Math.min(...NAME_LIMITS.map((l) => l.max - l.suffix.length));

/**
 * A problem of a workspace name (`rule` without the `workspace/` prefix, and the message), or undefined:
 * it must be a DNS-1035 label (it is the Service name), and every name derived from it must fit its
 * Kubernetes limit (NAME_LIMITS). The identity checker and the renderer both use it.
 */
export function workspaceNameProblem(name: string): { readonly rule: string; readonly message: string } | undefined {
  const problem = dns1035LabelProblem(name);
  if (problem) return { rule: 'name', message: `\`name\` "${name}" must be ${problem} (it is also the Service name)` };
  for (const limit of NAME_LIMITS) {
    const derived = `${name}${limit.suffix}`;
    if (derived.length > limit.max) {
      return {
        rule: 'name-too-long',
        message: `\`name\` "${name}" is ${name.length} characters: too long for ${limit.what.replace('%s', derived)}; use at most ${WORKSPACE_NAME_MAX} characters`,
      };
    }
  }
  return undefined;
}

/** A problem of a workspace namespace (a DNS-1123 label), as `workspaceNameProblem`, or undefined. */
export function workspaceNamespaceProblem(namespace: string): { readonly rule: string; readonly message: string } | undefined {
  const problem = dns1123LabelProblem(namespace);
  return problem ? { rule: 'namespace', message: `\`namespace\` "${namespace}" must be a namespace name: ${problem}` } : undefined;
}

/**
 * Parses and checks a workspace identity file; missing fields take `DEFAULT_WORKSPACE_IDENTITY`'s values.
 * The result carries the parsed `source`, so the renderer can locate its diagnostics in the file.
 */
export function parseWorkspaceIdentity(text: string, file: string): CheckedFile<WorkspaceIdentity> {
  return parseChecked(
    text,
    { file, maxBytes: WORKSPACE_IDENTITY_MAX_BYTES, rulePrefix: RULE, documentName: 'a workspace file' },
    // An empty file is an identity with every default.
    (value, source) => resolveWorkspaceIdentity(value === null ? {} : value, source),
  );
}

/** Checks an identity value (a mapping with the keys above); missing fields take the defaults. */
export function resolveWorkspaceIdentity(input: unknown, source?: YamlSource): Result<WorkspaceIdentity> {
  const r = new Reporter(source?.file ?? '<workspace>', source, RULE);
  if (!isMapping(input)) {
    r.error([], 'root', `a workspace identity file must be a mapping with keys ${TOP_KEYS.join(', ')}; found ${describeValue(input)}`);
    return { ok: false, diagnostics: r.diagnostics };
  }
  r.unknownKeys(input, TOP_KEYS, [], 'the workspace identity');
  const d = DEFAULT_WORKSPACE_IDENTITY;

  const name = readName(input, r);
  const namespace = readNamespace(input, name ?? d.name, r);
  const id = readPositiveInt(input, 'id', d.id, 'the GitLab workspace id', r);
  // GitLab names workspaces `workspace-<agent id>-<user id>-<random>`; without `agentId`, take it from such a name.
  const shaped = name !== undefined ? GITLAB_NAME.exec(name) : null;
  const agentId = readPositiveInt(input, 'agentId', shaped ? Number(shaped[1]) : d.agentId, 'the GitLab agent id', r);
  const desiredState = readDesiredState(input, r);
  const project = readProject(input.project, r);
  const user = readUser(input.user, r);
  const variables = readVariables(input.variables, r);

  // GitLab 18.4+ names workspaces like `date-butterfly-darkturquoise`: no agent id to read from the name.
  if (name !== undefined && input.name !== undefined && input.name !== null && !shaped && (input.agentId === undefined || input.agentId === null)) {
    r.warning(['name'], 'agent-id-default',
      `\`agentId\` is not given and \`name\` "${name}" carries no agent id (GitLab 18.4+ names workspaces like date-butterfly-darkturquoise), so the label agent.gitlab.com/id is the default ${d.agentId}; set \`agentId\` to your agent's id`);
  }
  // A name that says another agent than `agentId` is likely a copy-paste slip.
  if (shaped && agentId !== undefined && Number(shaped[1]) !== agentId) {
    r.warning(['agentId'], 'agent-id-mismatch',
      `\`name\` "${name}" says agent ${shaped[1]}, but \`agentId\` is ${agentId}; GitLab names workspaces workspace-<agentId>-<userId>-<random>`);
  }

  if (r.hasErrors) return { ok: false, diagnostics: r.diagnostics };
  const value: WorkspaceIdentity = {
    name: name!,
    namespace: namespace!,
    id: id!,
    agentId: agentId!,
    desiredState: desiredState!,
    ...(project ? { project } : {}),
    ...(user ? { user } : {}),
    variables: variables!,
  };
  return { ok: true, value, diagnostics: r.diagnostics };
}

function readString(m: Record<string, unknown>, key: string, path: YamlPath, what: string, r: Reporter): string | undefined | null {
  const v = m[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') {
    r.wrongType(path, key, what, v);
    return undefined;
  }
  return v;
}

function readName(input: Record<string, unknown>, r: Reporter): string | undefined {
  const v = readString(input, 'name', ['name'], 'a workspace name such as "workspace-7-42-abc123"', r);
  if (v === undefined) return undefined;
  if (v === null) return DEFAULT_WORKSPACE_IDENTITY.name;
  const problem = workspaceNameProblem(v);
  if (problem) {
    r.error(['name'], problem.rule, problem.message);
    return undefined;
  }
  return v;
}

function readNamespace(input: Record<string, unknown>, name: string, r: Reporter): string | undefined {
  const v = readString(input, 'namespace', ['namespace'], 'a namespace name such as "gl-rd-ns-7-42-abc123"', r);
  if (v === undefined) return undefined;
  if (v === null) return defaultNamespaceFor(name);
  const problem = workspaceNamespaceProblem(v);
  if (problem) {
    r.error(['namespace'], problem.rule, problem.message);
    return undefined;
  }
  return v;
}

function readPositiveInt(input: Record<string, unknown>, key: 'id' | 'agentId', dflt: number, what: string, r: Reporter): number | undefined {
  const v = input[key];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) {
    r.error([key], typeof v === 'number' ? 'range' : 'type', `\`${key}\` must be ${what}: a whole number of at least 1; found ${describeValue(v)}`);
    return undefined;
  }
  return v;
}

function readDesiredState(input: Record<string, unknown>, r: Reporter): WorkspaceDesiredState | undefined {
  const v = input.desiredState;
  if (v === undefined || v === null) return DEFAULT_WORKSPACE_IDENTITY.desiredState;
  if (typeof v === 'string' && (WORKSPACE_DESIRED_STATES as readonly string[]).includes(v)) return v as WorkspaceDesiredState;
  const guess = typeof v === 'string' ? WORKSPACE_DESIRED_STATES.find((s) => s.toLowerCase() === v.toLowerCase()) : undefined;
  r.error(['desiredState'], 'desired-state',
    `\`desiredState\` must be one of ${WORKSPACE_DESIRED_STATES.join(', ')}; found ${describeValue(v)}${guess ? ` (did you mean ${guess}?)` : ''}`);
  return undefined;
}

function readProject(v: unknown, r: Reporter): WorkspaceProject | undefined {
  if (v === undefined || v === null) return undefined;
  const path = ['project'];
  if (!isMapping(v)) {
    r.wrongType(path, 'project', 'a mapping with `url` and optional `path` and `ref`', v);
    return undefined;
  }
  r.unknownKeys(v, ['url', 'path', 'ref'], path, '`project`');
  const url = readString(v, 'url', [...path, 'url'], 'an http(s) clone URL', r);
  let ok = url !== undefined;
  let cleanUrl: string | undefined;
  if (url === null) {
    r.error([...path, 'url'], 'required', '`url` is required in `project`: the http(s) clone URL, e.g. https://gitlab.example.com/group/app.git');
    ok = false;
  } else if (url !== undefined) {
    const problem = urlProblem(url);
    if (problem) {
      r.error([...path, 'url'], 'project-url', `\`url\` "${url}" ${problem}`);
      ok = false;
    } else {
      cleanUrl = url;
    }
  }
  const pathValue = readString(v, 'path', [...path, 'path'], 'a directory name such as "app"', r);
  let dir: string | undefined;
  if (pathValue === undefined) ok = false;
  else if (pathValue === null) {
    if (cleanUrl !== undefined) {
      dir = lastPathSegment(cleanUrl);
      if (!dir || projectPathProblem(dir)) {
        r.error([...path, 'path'], 'required', `\`path\` is required in \`project\`: the clone URL "${cleanUrl}" does not end in a usable project path`);
        ok = false;
      }
    }
  } else {
    const problem = projectPathProblem(pathValue);
    if (problem) {
      r.error([...path, 'path'], 'project-path', `\`path\` "${pathValue}" must be ${problem}`);
      ok = false;
    } else dir = pathValue;
  }
  const ref = readString(v, 'ref', [...path, 'ref'], 'a branch or tag name such as "main"', r);
  let refValue: string | undefined;
  if (ref === undefined) ok = false;
  else if (ref === null) refValue = 'main';
  else {
    const problem = gitRefProblem(ref);
    if (problem) {
      r.error([...path, 'ref'], 'project-ref', `\`ref\` "${ref}" must be a git branch or tag name: ${problem}`);
      ok = false;
    } else refValue = ref;
  }
  return ok && cleanUrl !== undefined && dir !== undefined && refValue !== undefined ? { url: cleanUrl, path: dir, ref: refValue } : undefined;
}

function urlProblem(url: string): string | undefined {
  let parsed: URL;
  if (/[\s"'`\\]/.test(url)) return 'must be an http or https URL without spaces, quotes or backslashes';
  try {
    parsed = new URL(url);
  } catch {
    return 'must be an http or https URL, e.g. https://gitlab.example.com/group/app.git';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `must use http or https (found ${parsed.protocol.replace(/:$/, '')})`;
  if (parsed.username || parsed.password) return 'must not contain credentials: GitLab authenticates the clone with its own git credential helper';
  if (!parsed.hostname) return 'must name a host';
  return undefined;
}

function lastPathSegment(url: string): string {
  const segments = new URL(url).pathname.split('/').filter(Boolean);
  return (segments[segments.length - 1] ?? '').replace(/\.git$/, '');
}

function projectPathProblem(p: string): string | undefined {
  if (p.length > 255 || !PROJECT_PATH.test(p) || p.endsWith('.git') || p.endsWith('.atom')) {
    return "a GitLab project path: letters, digits, '_', '-' and '.', not starting with '-' or '.', not ending in .git or .atom, at most 255 characters";
  }
  return undefined;
}

/** The rules of `git check-ref-format` that a branch or tag name must follow. */
function gitRefProblem(ref: string): string | undefined {
  if (ref === '' || ref === '@') return 'it must not be empty or "@"';
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(ref)) return 'no spaces, control characters or any of ~ ^ : ? * [ \\';
  if (ref.startsWith('-')) return 'it must not start with "-"';
  if (ref.includes('..') || ref.includes('@{') || ref.includes('//')) return 'no "..", "@{" or "//"';
  if (ref.startsWith('/') || ref.endsWith('/') || ref.endsWith('.')) return 'it must not start or end with "/" or end with "."';
  if (ref.split('/').some((part) => part.startsWith('.') || part.endsWith('.lock'))) return 'no part may start with "." or end with ".lock"';
  return undefined;
}

function readUser(v: unknown, r: Reporter): WorkspaceUser | undefined {
  // Absent: the default user. An explicit `user: null` means no user (no git identity is configured).
  if (v === undefined) return DEFAULT_WORKSPACE_IDENTITY.user;
  if (v === null) return undefined;
  const path = ['user'];
  if (!isMapping(v)) {
    r.wrongType(path, 'user', 'a mapping with `name` and `email`', v);
    return undefined;
  }
  r.unknownKeys(v, ['name', 'email'], path, '`user`');
  const name = readString(v, 'name', [...path, 'name'], 'the user\'s full name', r);
  const email = readString(v, 'email', [...path, 'email'], 'an email address', r);
  let ok = name !== undefined && email !== undefined;
  if (name === null || email === null) {
    for (const [k, val] of [['name', name], ['email', email]] as const) {
      if (val === null) r.error([...path, k], 'required', `\`${k}\` is required in \`user\` (the git author ${k === 'name' ? 'name' : 'email'})`);
    }
    ok = false;
  }
  if (typeof name === 'string' && (name.trim() === '' || /[\x00-\x1f\x7f]/.test(name) || name.length > 255)) {
    r.error([...path, 'name'], 'user-name', '`name` must be a non-empty single line of at most 255 characters');
    ok = false;
  }
  if (typeof email === 'string' && !/^[^\s@<>"]+@[^\s@<>"]+$/.test(email)) {
    r.error([...path, 'email'], 'user-email', `\`email\` "${email}" must be an email address such as ada@example.com`);
    ok = false;
  }
  return ok ? { name: name as string, email: email as string } : undefined;
}

function readVariables(v: unknown, r: Reporter): readonly WorkspaceVariable[] | undefined {
  if (v === undefined || v === null) return DEFAULT_WORKSPACE_IDENTITY.variables;
  const path = ['variables'];
  if (!Array.isArray(v)) {
    r.wrongType(path, 'variables', 'a list of `{key, value, type}` mappings', v);
    return undefined;
  }
  const out: WorkspaceVariable[] = [];
  const seen = new Map<string, number>();
  const bytes: Record<WorkspaceVariableType, number> = { env: 0, file: 0 };
  let ok = true;
  v.forEach((item, i) => {
    const p = [...path, i];
    if (!isMapping(item)) {
      r.wrongType(p, `variables[${i}]`, 'a mapping with `key`, `value` and `type` (env or file)', item);
      ok = false;
      return;
    }
    r.unknownKeys(item, ['key', 'value', 'type'], p, `\`variables[${i}]\``);
    const type = item.type === undefined || item.type === null ? 'env' : item.type;
    if (type !== 'env' && type !== 'file') {
      r.error([...p, 'type'], 'variable-type', `\`type\` must be env (an environment variable, Secret <name>-env-var) or file (a file under /.workspace-data/variables/file, Secret <name>-file); found ${describeValue(type)}`);
      ok = false;
      return;
    }
    const key = readString(item, 'key', [...p, 'key'], type === 'env' ? 'an environment variable name' : 'a file name', r);
    const value = readString(item, 'value', [...p, 'value'], `a string (quote it${typeof item.value === 'number' || typeof item.value === 'boolean' ? `: "${String(item.value)}"` : ''})`, r);
    if (key === null) r.error([...p, 'key'], 'required', '`key` is required in each variable');
    if (value === null) r.error([...p, 'value'], 'required', '`value` is required in each variable ("" for an empty value)');
    if (typeof key !== 'string' || typeof value !== 'string') {
      ok = false;
      return;
    }
    const keyProblem = secretKeyProblem(key) ?? (type === 'env' ? envVarNameProblem(key) : undefined);
    if (keyProblem) {
      r.error([...p, 'key'], 'variable-key', `\`key\` "${key}" of ${type === 'env' ? 'an env' : 'a file'} variable must be ${keyProblem}`);
      ok = false;
      return;
    }
    const max = type === 'env' ? MAX_ENV_VALUE_LENGTH : MAX_FILE_VALUE_LENGTH;
    if (value.length > max) {
      r.error([...p, 'value'], 'variable-value', `\`value\` of ${type} variable "${key}" is ${value.length} characters; GitLab allows at most ${max}`);
      ok = false;
      return;
    }
    const first = seen.get(`${type}\u0000${key}`);
    if (first !== undefined) {
      r.error([...p, 'key'], 'duplicate-variable', `${type} variable \`key\` "${key}" is already defined in variables[${first}]; each key may appear once per type`);
      ok = false;
      return;
    }
    seen.set(`${type}\u0000${key}`, i);
    bytes[type] += Buffer.byteLength(key, 'utf8') + Buffer.byteLength(value, 'utf8');
    out.push({ key, value, type });
  });
  for (const type of ['env', 'file'] as const) {
    if (bytes[type] > SECRET_MAX_BYTES) {
      r.error(path, 'secret-size', `the ${type} variables total ${bytes[type]} bytes; Kubernetes allows at most ${SECRET_MAX_BYTES} bytes in one Secret`);
      ok = false;
    }
  }
  return ok ? out : undefined;
}
