import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { ClusterAgent } from '@cdktf/provider-gitlab/lib/cluster-agent';
import { ClusterAgentToken } from '@cdktf/provider-gitlab/lib/cluster-agent-token';
import { DataGitlabProject } from '@cdktf/provider-gitlab/lib/data-gitlab-project';
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
}

/**
 * The GitLab side of an agent: registers it in its project (`gitlab_cluster_agent`), creates its token
 * (`gitlab_cluster_agent_token`, a sensitive attribute: pass it to GitLabAgent) and commits its config
 * file (`gitlab_repository_file`). What it cannot do: allow the agent for workspaces in a group (GitLab
 * offers only a GraphQL mutation for that, see docs/deploy.md).
 */
export class GitLabAgentRegistration extends Construct {
  readonly agent: ClusterAgent;
  readonly agentToken: ClusterAgentToken;
  readonly configFile: RepositoryFile;

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
  }

  /** The agent token (sensitive). */
  get token(): string {
    return this.agentToken.token;
  }
}
