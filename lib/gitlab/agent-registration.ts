import { TerraformProvider, Token } from 'cdktf';
import { Construct } from 'constructs';
import { ClusterAgent } from '@cdktf/provider-gitlab/lib/cluster-agent';
import { BranchProtection } from '@cdktf/provider-gitlab/lib/branch-protection';
import { ClusterAgentToken } from '@cdktf/provider-gitlab/lib/cluster-agent-token';
import { DataGitlabGroup } from '@cdktf/provider-gitlab/lib/data-gitlab-group';
import { DataGitlabProject } from '@cdktf/provider-gitlab/lib/data-gitlab-project';
import { ProjectShareGroup } from '@cdktf/provider-gitlab/lib/project-share-group';
import { RepositoryFile } from '@cdktf/provider-gitlab/lib/repository-file';
import { agentConfigPath } from '../common/gitlab-urls';

export interface GitLabAgentRegistrationProps {
  /** The GitLab provider, with a token that may maintain the project (register agents, push to the branch). */
  readonly gitlabProvider: TerraformProvider;
  /** The full path of the project that holds the agent, such as `platform/workspaces-agent`. */
  readonly project: string;
  /** The agent's name (a DNS label). */
  readonly agentName: string;
  /** The agent config file's text (see `serializeAgentConfig`), committed at `.gitlab/agents/<agent>/config.yaml`. */
  readonly agentConfig: string;
  /**
   * The branch to commit the config file to.
   * @default the project's default branch (read with the `gitlab_project` data source): the one GitLab reads agent configs from
   */
  readonly branch?: string;
  /**
   * GitLab users or groups (`@name`, `@group/subgroup`) who own the agent's config files: the stack commits
   * `.gitlab/CODEOWNERS` with `/.gitlab/agents/` (and that file itself) owned by them. Create only: the
   * apply fails if the project already has `.gitlab/CODEOWNERS`; GitLab reads only the first of
   * `CODEOWNERS`, `docs/CODEOWNERS`, `.gitlab/CODEOWNERS`, so a project with one of the first two must add
   * the entry there instead.
   * @default none: no CODEOWNERS entry
   */
  readonly codeOwners?: readonly string[];
  /**
   * Protect the branch the config is committed to (`gitlab_branch_protection`): push and merge for
   * maintainers only, no force push, and code owner approval with `codeOwners` (GitLab Premium). GitLab
   * protects a new project's default branch by itself, and the provider cannot create a protection that
   * exists: import it first (`terraform import` of `gitlab_branch_protection`, id `<project>:<branch>`),
   * or remove it in GitLab.
   * @default false
   */
  readonly protectBranch?: boolean;
  /**
   * Groups to share the agent's project with (`gitlab_project_share_group`, the group's id read by its full
   * path with the `gitlab_group` data source). Creating a workspace with an agent needs the Developer role
   * in the agent's project: sharing the project with the developers' group gives it to them.
   * @default none: give workspace users the Developer role in the project yourself
   */
  readonly shareWithGroups?: readonly AgentProjectGroupShare[];
}

/** A group the agent's project is shared with. */
export interface AgentProjectGroupShare {
  /** The group's full path, such as `acme/developers`. */
  readonly group: string;
  /**
   * The role its members get in the agent's project.
   * @default 'developer' (what creating a workspace needs)
   */
  readonly accessLevel?: 'developer' | 'maintainer';
}

/** The CODEOWNERS file the stack commits (GitLab's sections syntax). */
export const AGENT_CODEOWNERS_PATH = '.gitlab/CODEOWNERS';

/** The text of the CODEOWNERS file that gives the agent's config files (and itself) to `owners`. */
export function agentCodeOwnersFile(owners: readonly string[]): string {
  const who = owners.join(' ');
  return [
    '# Managed by cdktf (cdktf-gitlab-workspaces). The GitLab agent\'s config file is a cluster control plane:',
    '# whoever changes it decides what the agent does in the cluster (ci_access, user_access, workspaces).',
    '[GitLab agent configuration]',
    `/.gitlab/agents/ ${who}`,
    `/${AGENT_CODEOWNERS_PATH} ${who}`,
    '',
  ].join('\n');
}

/**
 * The GitLab side of an agent: registers it in its project (`gitlab_cluster_agent`), creates its token
 * (`gitlab_cluster_agent_token`, a sensitive attribute: pass it to GitLabAgent) and commits its config
 * file (`gitlab_repository_file`); optionally shares the project with groups (`gitlab_project_share_group`)
 * so their members have the Developer role workspaces need there. What it cannot do: allow the agent for
 * workspaces in a group (GitLab offers only a GraphQL mutation for that: `gitlab-workspaces gitlab
 * allow-agent`, see docs/cli.md).
 */
export class GitLabAgentRegistration extends Construct {
  readonly agent: ClusterAgent;
  readonly agentToken: ClusterAgentToken;
  readonly configFile: RepositoryFile;
  /** With `codeOwners`: the CODEOWNERS file. */
  readonly codeOwnersFile?: RepositoryFile;
  /** With `protectBranch`: the branch's protection. */
  readonly branchProtection?: BranchProtection;
  /** With `shareWithGroups`: the project's shares, in the order given. */
  readonly groupShares: ProjectShareGroup[] = [];

  constructor(scope: Construct, id: string, props: GitLabAgentRegistrationProps) {
    super(scope, id);
    const provider = props.gitlabProvider;
    const branch = props.branch ?? new DataGitlabProject(this, 'project', { provider, pathWithNamespace: props.project }).defaultBranch;
    this.agent = new ClusterAgent(this, 'agent', { provider, project: props.project, name: props.agentName });
    this.agentToken = new ClusterAgentToken(this, 'token', {
      provider,
      project: props.project,
      agentId: this.agent.agentId,
      name: `${props.agentName}-cdktf`,
      description: 'The in-cluster agent\'s token, managed by cdktf (rotate by replacing this resource)',
    });
    this.configFile = new RepositoryFile(this, 'config', {
      provider,
      project: props.project,
      branch,
      filePath: agentConfigPath(props.agentName),
      content: props.agentConfig,
      encoding: 'text',
      commitMessage: `Agent ${props.agentName}: remote_development settings (managed by cdktf)`,
      overwriteOnCreate: true,
    });
    if (props.codeOwners && props.codeOwners.length > 0) {
      this.codeOwnersFile = new RepositoryFile(this, 'codeowners', {
        provider,
        project: props.project,
        branch,
        filePath: AGENT_CODEOWNERS_PATH,
        content: agentCodeOwnersFile(props.codeOwners),
        encoding: 'text',
        commitMessage: `Agent ${props.agentName}: owners of the agent config files (managed by cdktf)`,
        // Never replace a CODEOWNERS file the project keeps: the apply fails and says it exists.
        overwriteOnCreate: false,
      });
    }
    if (props.protectBranch) {
      this.branchProtection = new BranchProtection(this, 'branch-protection', {
        provider,
        project: props.project,
        branch,
        pushAccessLevel: 'maintainer',
        mergeAccessLevel: 'maintainer',
        unprotectAccessLevel: 'maintainer',
        allowForcePush: false,
        codeOwnerApprovalRequired: this.codeOwnersFile !== undefined,
        // The stack's own commits land first.
        dependsOn: [this.configFile, ...(this.codeOwnersFile ? [this.codeOwnersFile] : [])],
      });
    }
    // Named by group (not position), so reordering the list replaces nothing.
    for (const share of props.shareWithGroups ?? []) {
      const group = new DataGitlabGroup(this, `group:${share.group}`, { provider, fullPath: share.group });
      this.groupShares.push(new ProjectShareGroup(this, `share:${share.group}`, {
        provider,
        project: props.project,
        groupId: Token.asNumber(group.groupId),
        accessLevel: share.accessLevel ?? 'developer',
      }));
    }
  }

  /** The agent token (sensitive). */
  get token(): string {
    return this.agentToken.token;
  }
}
