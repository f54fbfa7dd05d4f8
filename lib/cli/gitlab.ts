/**
 * `gitlab-workspaces gitlab allow-agent --group PATH [--remove]`: allows the stack's agent for workspaces
 * in a GitLab group (or stops allowing it), the step no Terraform resource does. GitLab's GraphQL API
 * (18.x) has the mutations `namespaceCreateRemoteDevelopmentClusterAgentMapping` and
 * `namespaceDeleteRemoteDevelopmentClusterAgentMapping` (input `{namespaceId, clusterAgentId}`, global IDs;
 * ee/app/graphql/mutations/remote_development/namespace_cluster_agent_mapping_operations/) and the query
 * `namespace(fullPath) { workspacesClusterAgents(filter: DIRECTLY_MAPPED) }` (which replaced
 * `remoteDevelopmentClusterAgents`, deprecated for removal in 18.0; an instance that lacks the new field is
 * asked with the old one), which GitLab's own group settings page uses.
 * Changing a mapping needs the Owner role in the group (`admin_namespace`, ee/app/policies/
 * remote_development/group_policy.rb) and the right to administer the agent; reading mappings needs
 * Maintainer.
 *
 * Idempotent: it reads the group's directly mapped agents first and changes nothing when the mapping is
 * already as asked (exit 0). The GitLab URL, the agent's project and name come from flags or the stack
 * config (--config or $WORKSPACES_CONFIG, read with the stack's own loader, which loads no cdktf); the
 * token from $GITLAB_TOKEN. Loads only Node built-ins, the config loader and ./gitlab-graphql.
 */
import { CONFIG_ENV_VAR } from '../../stacks/config/config-file';
import type { WorkspacesConfig } from '../../stacks/config/types';
import { choiceOption, CliIo, EXIT_INVALID, EXIT_OK, EXIT_USAGE, guard, parseCliArgs, printDiagnostics, processIo, usageError } from './io';
import { GitLabApiError, GitLabGraphQL, gitlabUrlProblem, GraphQLError, graphqlFailure, serverText } from './gitlab-graphql';

/** The environment variable the token is read from. */
export const GITLAB_TOKEN_ENV = 'GITLAB_TOKEN';
/** The environment variable that names the stack config (as for `cdktf synth`). */

export const GITLAB_USAGE = `Usage: gitlab-workspaces gitlab <command> [options]

Commands:
  allow-agent --group PATH   Allow the agent for workspaces in a group (--remove: stop allowing it)

Run 'gitlab-workspaces gitlab <command> --help' for a command's options.
`;

export const ALLOW_AGENT_USAGE = `Usage: gitlab-workspaces gitlab allow-agent --group PATH [options]

Allows the GitLab agent for workspaces in a group (what the group's Settings > Workspaces does), so
the group's projects can create workspaces with it. Idempotent: an agent already allowed is left as
it is. Calls GitLab's GraphQL API with the token in GITLAB_TOKEN (scope api; its user needs the
Owner role in the group and may administer the agent).

Options:
  --group PATH            the group's full path, such as acme/developers (required)
  --remove                stop allowing the agent in the group instead
  --config FILE           the stack config to take the GitLab URL and the agent from
                          (default: $WORKSPACES_CONFIG when set)
  --gitlab-url URL        the GitLab instance (default: the config's gitlab.url)
  --agent-project PATH    the project that holds the agent (default: gitlab.agent.project)
  --agent NAME            the agent's name (default: gitlab.agent.name, else workspaces)
  --format FORMAT         text (default): one line on stdout, problems on stderr with the fix.
                          json: on stdout, {group, agent: {project, name}, action, result, allowed,
                          error?: {kind, message, fix}}
  -h, --help              show this help

Exit status: 0 the agent is allowed in the group (with --remove: not allowed), whether this run
changed it or it already was, 1 GitLab refused or could not be reached (each problem with its fix), 2 usage error.
`;

const FORMATS = ['text', 'json'] as const;

/** `gitlab-workspaces gitlab <command>`. */
export async function runGitlab(argv: string[], io: CliIo = processIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    (command === undefined ? io.stderr : io.stdout)(GITLAB_USAGE);
    return command === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (command !== 'allow-agent') return usageError(io, 'gitlab', `unknown command '${command}'; expected: allow-agent`, GITLAB_USAGE);
  return guard(io, 'gitlab allow-agent', () => allowAgentCommand(rest, io, process.env));
}

/** What the command acts on: the instance, the agent, the group. */
export interface AllowAgentTarget {
  readonly gitlabUrl: string;
  readonly agentProject: string;
  readonly agentName: string;
}

/** The result of one run, as `--format json` prints it. */
export interface AllowAgentReport {
  readonly group: string;
  readonly agent: { readonly project?: string; readonly name?: string };
  readonly action: 'allow' | 'remove';
  /** created / removed: this run changed the mapping; unchanged: it already was as asked. */
  readonly result: 'created' | 'removed' | 'unchanged' | 'error';
  /** Whether the agent is allowed in the group after the run (null: unknown, after an error). */
  readonly allowed: boolean | null;
  readonly error?: { readonly kind: string; readonly message: string; readonly fix: string };
}

const USAGE_CMD = 'gitlab allow-agent';

async function allowAgentCommand(argv: string[], io: CliIo, env: NodeJS.ProcessEnv): Promise<number> {
  const parsed = parseCliArgs({
    args: argv,
    allowPositionals: false,
    options: {
      group: { type: 'string' },
      remove: { type: 'boolean' },
      config: { type: 'string' },
      'gitlab-url': { type: 'string' },
      'agent-project': { type: 'string' },
      agent: { type: 'string' },
      format: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (!parsed.ok) return usageError(io, USAGE_CMD, parsed.message, ALLOW_AGENT_USAGE);
  const { values } = parsed.args;
  if (values.help) {
    io.stdout(ALLOW_AGENT_USAGE);
    return EXIT_OK;
  }
  const format = choiceOption('format', values.format, FORMATS, 'text');
  if (!format.ok) return usageError(io, USAGE_CMD, format.message, ALLOW_AGENT_USAGE);
  const group = values.group?.trim().replace(/^\/+|\/+$/g, '');
  if (!group) return usageError(io, USAGE_CMD, '--group PATH is required: the full path of the group, such as acme/developers', ALLOW_AGENT_USAGE);
  if (!FULL_PATH.test(group)) return usageError(io, USAGE_CMD, `--group "${values.group}" is not a group path such as acme/developers`, ALLOW_AGENT_USAGE);

  const target = resolveTarget({
    config: values.config ?? (env[CONFIG_ENV_VAR]?.trim() || undefined),
    gitlabUrl: values['gitlab-url'],
    agentProject: values['agent-project'],
    agent: values.agent,
  }, io);
  if (!target.ok) {
    if (target.message) io.stderr(`gitlab-workspaces ${USAGE_CMD}: ${target.message}\n`);
    return EXIT_USAGE;
  }
  const token = env[GITLAB_TOKEN_ENV]?.trim();
  if (!token) {
    io.stderr(`gitlab-workspaces ${USAGE_CMD}: no token: set ${GITLAB_TOKEN_ENV} to a GitLab access token with the api scope, of a user with the Owner role in ${group}\n`);
    return EXIT_USAGE;
  }

  const action = values.remove ? 'remove' : 'allow';
  const report = await allowAgent(new GitLabGraphQL({ gitlabUrl: target.value.gitlabUrl, token }), group, target.value, action);
  const agentName = `${target.value.agentProject}/${target.value.agentName}`;
  if (format.value === 'json') {
    io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  } else if (report.error) {
    io.stderr(`gitlab-workspaces ${USAGE_CMD}: ${report.error.message}: ${report.error.fix}\n`);
  } else {
    io.stdout(`${resultLine(report, agentName)}\n`);
  }
  return report.error ? EXIT_INVALID : EXIT_OK;
}

function resultLine(report: AllowAgentReport, agent: string): string {
  switch (report.result) {
    case 'created': return `Allowed the agent ${agent} for workspaces in ${report.group}.`;
    case 'removed': return `The agent ${agent} is no longer allowed for workspaces in ${report.group}.`;
    default: return report.allowed
      ? `The agent ${agent} is already allowed for workspaces in ${report.group}: nothing to do.`
      : `The agent ${agent} is not allowed for workspaces in ${report.group}: nothing to remove.`;
  }
}

/** A GitLab group or project full path (the config schema's pattern, one segment or more). */
const FULL_PATH = /^[A-Za-z0-9_.][A-Za-z0-9_.-]*(\/[A-Za-z0-9_.][A-Za-z0-9_.-]*)*$/;
/** An agent name (the config schema's pattern). */
const AGENT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** The agent name GitLab's docs and the stack config use by default. */
const DEFAULT_AGENT_NAME = 'workspaces';

/**
 * The instance and the agent, from the flags, else the stack config (read only when a flag is missing
 * and a config is named). A problem is a usage error: its message, or diagnostics already printed.
 */
export function resolveTarget(
  given: { config?: string; gitlabUrl?: string; agentProject?: string; agent?: string },
  io: CliIo,
): { ok: true; value: AllowAgentTarget } | { ok: false; message?: string } {
  let config: WorkspacesConfig | undefined;
  const needConfig = given.gitlabUrl === undefined || given.agentProject === undefined || given.agent === undefined;
  if (needConfig && given.config !== undefined) {
    // The stack's own loader (schema, defaults, rules): what the deploy read. Loaded only here.
    const { loadConfigFile } = require('../../stacks/config/load') as typeof import('../../stacks/config/load'); // eslint-disable-line @typescript-eslint/no-require-imports
    const loaded = loadConfigFile(given.config, given.config);
    if (!loaded.ok) {
      printDiagnostics(loaded.diagnostics.filter((d) => d.severity === 'error'), io.stderr);
      return { ok: false, message: `the stack config ${given.config} has errors (above); fix them, or give --gitlab-url, --agent-project and --agent instead` };
    }
    config = loaded.value;
    if (config.gitlab === undefined) {
      return { ok: false, message: `the stack config ${given.config} has no gitlab section: give --gitlab-url, --agent-project and --agent` };
    }
  }
  const gitlabUrl = given.gitlabUrl ?? config?.gitlab?.url;
  if (gitlabUrl === undefined) {
    return { ok: false, message: `no GitLab URL: give --gitlab-url, or the stack config with --config (or ${CONFIG_ENV_VAR})` };
  }
  const urlProblem = gitlabUrlProblem(gitlabUrl);
  if (urlProblem) return { ok: false, message: `${given.gitlabUrl !== undefined ? '--gitlab-url' : 'gitlab.url'}: ${urlProblem}` };
  const agentProject = (given.agentProject ?? config?.gitlab?.agent.project)?.replace(/^\/+|\/+$/g, '');
  if (agentProject === undefined) {
    return {
      ok: false,
      message: config
        ? `the stack config registers the agent in no project (gitlab.agent.project): give --agent-project, the full path of the project that holds the agent`
        : `no agent project: give --agent-project (the full path of the project that holds the agent), or the stack config with --config (or ${CONFIG_ENV_VAR})`,
    };
  }
  if (!FULL_PATH.test(agentProject) || !agentProject.includes('/')) {
    return { ok: false, message: `agent project "${agentProject}" is not a project path such as platform/workspaces-agent` };
  }
  const agentName = given.agent ?? config?.gitlab?.agent.name ?? DEFAULT_AGENT_NAME;
  if (!AGENT_NAME.test(agentName)) return { ok: false, message: `agent name "${agentName}" is not an agent name (lowercase letters, digits and hyphens)` };
  return { ok: true, value: { gitlabUrl, agentProject, agentName } };
}

const LOOKUP = `query allowAgentLookup($group: ID!, $project: ID!, $agent: String!) {
  group(fullPath: $group) { id fullPath }
  project(fullPath: $project) { id fullPath clusterAgent(name: $agent) { id name } }
}`;

/** The query of the agents mapped to the group, by the name of the Namespace field it reads. */
const mappedQuery = (field: MappedField) => `query allowAgentMapped($group: ID!, $after: String) {
  namespace(fullPath: $group) {
    ${field}(filter: DIRECTLY_MAPPED, first: 100, after: $after) {
      nodes { id }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

/**
 * `workspacesClusterAgents` (GitLab 18), else `remoteDevelopmentClusterAgents`, its name before 18.0, for an
 * instance whose schema lacks the new one.
 */
type MappedField = 'workspacesClusterAgents' | 'remoteDevelopmentClusterAgents';

const CREATE = `mutation allowAgentCreate($input: NamespaceCreateRemoteDevelopmentClusterAgentMappingInput!) {
  namespaceCreateRemoteDevelopmentClusterAgentMapping(input: $input) { errors }
}`;

const DELETE = `mutation allowAgentDelete($input: NamespaceDeleteRemoteDevelopmentClusterAgentMappingInput!) {
  namespaceDeleteRemoteDevelopmentClusterAgentMapping(input: $input) { errors }
}`;

/** Pages of mapped agents read at most (100 each): a bound on a misbehaving server. */
const MAX_PAGES = 50;

interface LookupData {
  group: { id: string; fullPath: string } | null;
  project: { id: string; fullPath: string; clusterAgent: { id: string; name: string } | null } | null;
}

interface MappedConnection {
  nodes: Array<{ id: string } | null>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

interface MappedData {
  namespace: Partial<Record<MappedField, MappedConnection | null>> | null;
}

type MutationData = Record<string, { errors: string[] } | null>;

/**
 * Allows the agent in the group, or with `remove` stops allowing it; changes nothing when it already is
 * as asked. Never throws: every failure is in the report's `error`, with its fix.
 */
export async function allowAgent(api: GitLabGraphQL, group: string, target: AllowAgentTarget, action: 'allow' | 'remove'): Promise<AllowAgentReport> {
  const base = { group, agent: { project: target.agentProject, name: target.agentName }, action } as const;
  const agentText = `${target.agentProject}/${target.agentName}`;
  try {
    // 1. The group's and the agent's global IDs.
    const lookup = await api.request<LookupData>('allowAgentLookup', LOOKUP, { group, project: target.agentProject, agent: target.agentName });
    if (lookup.errors.length > 0 && !lookup.data) {
      throw graphqlFailure(lookup.errors, {
        message: `GitLab would not show the group ${group} or the project ${target.agentProject}`,
        fix: 'check the paths, and that the token\'s user is a member of both',
      });
    }
    const groupNode = lookup.data?.group;
    if (!groupNode) {
      throw new GitLabApiError(`no group ${group} that the token's user can see${errorsAt(lookup.errors, 'group')}`,
        'give the group\'s full path as in its URL (such as acme/developers) with --group; a user namespace cannot allow agents', 'failed');
    }
    const project = lookup.data?.project;
    if (!project) {
      throw new GitLabApiError(`no project ${target.agentProject} that the token's user can see${errorsAt(lookup.errors, 'project')}`,
        'give the full path of the project that holds the agent (--agent-project or gitlab.agent.project), and make the token\'s user a member of it', 'failed');
    }
    const agent = project.clusterAgent;
    if (!agent) {
      throw new GitLabApiError(`the project ${target.agentProject} has no agent named ${target.agentName}${errorsAt(lookup.errors, 'project')}`,
        'register it first (the platform stack does with gitlab.agent.project) or give its name with --agent; seeing an agent needs the Developer role (or higher) in its project', 'failed');
    }

    // 2. Whether the agent is already allowed in the group (directly, not through a parent group).
    const allowed = await isDirectlyMapped(api, group, agent.id, target.agentProject);
    if ((action === 'allow') === allowed) return { ...base, result: 'unchanged', allowed };

    // 3. The change.
    const field = action === 'allow' ? 'namespaceCreateRemoteDevelopmentClusterAgentMapping' : 'namespaceDeleteRemoteDevelopmentClusterAgentMapping';
    const result = await api.request<MutationData>(
      action === 'allow' ? 'allowAgentCreate' : 'allowAgentDelete',
      action === 'allow' ? CREATE : DELETE,
      { input: { namespaceId: groupNode.id, clusterAgentId: agent.id } },
    );
    if (result.errors.length > 0) {
      throw graphqlFailure(result.errors, {
        message: `GitLab did not let the token's user ${action === 'allow' ? 'allow' : 'remove'} the agent ${agentText} in ${group}`,
        fix: `changing the agents allowed for workspaces needs the Owner role in ${group} and the Maintainer role (or higher) in ${target.agentProject}, and a token with the api scope (read_api cannot change anything): use such a user's token, or ask an Owner to run this command`,
      });
    }
    const payload = result.data?.[field];
    if (!payload) {
      throw new GitLabApiError(`GitLab returned no result for ${field}`, 'run the command again; if it persists, use the group\'s Settings > Workspaces', 'failed');
    }
    const errors = (Array.isArray(payload.errors) ? payload.errors : []).map((e) => serverText(String(e)));
    // Someone else made the same change since step 2: the mapping is as asked.
    if (errors.length > 0 && errors.every((e) => (action === 'allow' ? /already exists/i : /not found/i).test(e))) {
      return { ...base, result: 'unchanged', allowed: action === 'allow' };
    }
    if (errors.length > 0) {
      throw new GitLabApiError(`GitLab refused to ${action === 'allow' ? 'allow' : 'remove'} the agent ${agentText} in ${group}: ${errors.join('; ')}`,
        action === 'allow'
          ? `an agent can be allowed only in the group that holds its project (${target.agentProject}) or a parent group of it, and its config must enable remote_development`
          : 'see the message; the group\'s Settings > Workspaces does the same by hand', 'failed');
    }
    return { ...base, result: action === 'allow' ? 'created' : 'removed', allowed: action === 'allow' };
  } catch (err) {
    if (!(err instanceof GitLabApiError)) throw err;
    return { ...base, result: 'error', allowed: null, error: { kind: err.kind, message: err.message, fix: err.fix } };
  }
}

/** Whether the group's directly mapped agents include `agentId` (every page). */
async function isDirectlyMapped(api: GitLabGraphQL, group: string, agentId: string, agentProject: string): Promise<boolean> {
  let after: string | null = null;
  let field: MappedField = 'workspacesClusterAgents';
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer: { data?: MappedData; errors: GraphQLError[] } = await api.request<MappedData>('allowAgentMapped', mappedQuery(field), { group, after });
    const { data, errors } = answer;
    if (field === 'workspacesClusterAgents' && page === 0 && errors.some((e) => /Field 'workspacesClusterAgents' doesn't exist/.test(e.message))) {
      field = 'remoteDevelopmentClusterAgents';
      page--;
      continue;
    }
    const connection: MappedConnection | null | undefined = data?.namespace?.[field];
    if (errors.length > 0 || !connection) {
      throw graphqlFailure(errors, {
        message: `GitLab would not list the agents allowed for workspaces in ${group}`,
        fix: `reading them needs the Maintainer role in ${group}, changing them the Owner role (and the Maintainer role in ${agentProject}): use such a user's token`,
      });
    }
    if (connection.nodes.some((n) => n?.id === agentId)) return true;
    if (!connection.pageInfo.hasNextPage || !connection.pageInfo.endCursor) return false;
    after = connection.pageInfo.endCursor;
  }
  throw new GitLabApiError(`GitLab listed more than ${MAX_PAGES * 100} agents for ${group}`, 'use the group\'s Settings > Workspaces', 'failed');
}

/** `: <messages>` of the errors at a top-level field, or nothing. */
function errorsAt(errors: readonly GraphQLError[], field: string): string {
  const at = errors.filter((e) => e.path?.[0] === field).map((e) => e.message);
  return at.length > 0 ? ` (${at.join('; ')})` : '';
}
