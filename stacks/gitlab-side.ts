/**
 * The GitLab side of the platform stack, composed from lib/gitlab: the agent (registered in GitLab when
 * the config names its project), the workspaces proxy with its OAuth application, and how workspaces are
 * reached (certificate, load balancer, DNS). Every secret is a sensitive Terraform variable or generated
 * (random, tls) or created by the GitLab provider; none is a literal, none is in a non-sensitive output.
 */
import { Fn, ITerraformDependable, Op, TerraformOutput, TerraformVariable, Token } from 'cdktf';
import { Construct } from 'constructs';
import { GitlabProvider } from '@cdktf/provider-gitlab/lib/provider';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { TlsProvider } from '@cdktf/provider-tls/lib/provider';
import { DiagnosticsError } from '../lib/common/diagnostics';
import { agentImageTagFor, DEFAULT_GITLAB_VERSION } from '../lib/common/gitlab-version';
import { RemoteDevelopmentSettings, serializeAgentConfig } from '../lib/agent-config';
import { AdmissionPolicy, boundedName, ClusterProviders, SYSTEM_SCHEDULING } from '../lib/cluster';
import { TerraformData } from '../lib/cluster/terraform-data';
import {
  agentConfigPath,
  baselineNamespace,
  BUCKET_PREFIX_MAX,
  defaultKasAddress,
  gitlabApiUrl,
  GitLabAgent,
  GitLabAgentRegistration,
  isGitLabDotCom,
  LOAD_BALANCER_NAME_MAX,
  LoadBalancerLogBucket,
  oauthApplicationName,
  oauthRedirectUri,
  PROXY_OAUTH_SCOPES,
  RegistryPullSecret,
  sshCommand,
  workspaceUrlPattern,
  WorkspacesEntryPoint,
  WorkspacesOAuthApplication,
  WorkspaceIngressLockdown,
  workspacePodPolicy,
  workspacePodPolicyOptions,
  WorkspacesProxy,
} from '../lib/gitlab';
import type { ClusterStackOutputs } from './cluster-outputs';
import type { WorkspacesClusterStack } from './cluster-stack';
import { pullSecretNamespace, stackAgentSettings, stackGitLabVersion } from './config/agent-settings';
import { configRuntime } from './config/runtime';
import { GitLabConfig, hostedZoneParent, workspaceDomain, WorkspacesConfig } from './config/types';

/** The Terraform variables the GitLab side may declare (set them as `TF_VAR_<name>`). */
export const GITLAB_VARIABLES = {
  gitlabToken: 'gitlab_token',
  agentToken: 'gitlab_agent_token',
  oauthClientId: 'gitlab_oauth_client_id',
  oauthClientSecret: 'gitlab_oauth_client_secret',
  registryDockerConfigJson: 'registry_dockerconfigjson',
} as const;

export interface GitLabSideProps {
  /** The checked stack config, with its `gitlab` section. */
  readonly config: WorkspacesConfig;
  /** The cluster stack (its config; its values are read through `clusterOutputs`). */
  readonly clusterStack: WorkspacesClusterStack;
  /**
   * The cluster stack's outputs read from its state: network, cluster security group, hosted zone and the
   * load balancer's target groups (attached to the system node group in the cluster stack).
   */
  readonly clusterOutputs: ClusterStackOutputs;
  /** The platform stack's Kubernetes and Helm providers. */
  readonly providers: ClusterProviders;
  /**
   * What must outlive the agent (the workspace volume cleanup): the agent recreates workspaces, so on
   * destroy it goes first.
   * @default none
   */
  readonly agentDependsOn?: ITerraformDependable[];
  /**
   * What the agent and the proxy, system components, wait for: the node guard in force, so no node can
   * claim the system pool when they are first scheduled.
   * @default none
   */
  readonly systemDependsOn?: ITerraformDependable[];
}

/**
 * The GitLab side of the ready app's platform stack, from the config's `gitlab` section: a checklist of
 * lib/gitlab constructs, the variables they need (named for `TF_VAR_...`), and the outputs.
 */
export class GitLabSide extends Construct {
  /** The checked `remote_development` settings the agent config holds. */
  readonly settings: RemoteDevelopmentSettings;
  /** The agent config file's text. */
  readonly agentConfig: string;
  readonly agent: GitLabAgent;
  readonly registration?: GitLabAgentRegistration;
  readonly proxy?: WorkspacesProxy;
  readonly oauthApplication?: WorkspacesOAuthApplication;
  readonly entryPoint?: WorkspacesEntryPoint;
  /** The bucket of the load balancer's access logs, when the stack creates it (`entryPoint.accessLogs`). */
  readonly accessLogBucket?: LoadBalancerLogBucket;
  readonly pullSecret?: RegistryPullSecret;
  /** The namespace workspaces share (with `shared_namespace`). */
  readonly sharedNamespace?: NamespaceV1;
  /** What a workspace pod may be: exactly what GitLab renders for the runtime. */
  readonly workspacePodPolicy: AdmissionPolicy;
  /** With `proxy: disabled`: no ingress to workspace pods (GitLab's own policy is then Egress only). */
  readonly ingressLockdown?: WorkspaceIngressLockdown;
  private requiredVariables?: TerraformData;
  private readonly inputConditions: { condition: unknown; errorMessage: string }[] = [];

  /**
   * The plan-time check that the variables only creating needs are set (see variableToCreate); absent
   * when the config needs none of them.
   */
  get inputCheck(): TerraformData | undefined {
    return this.requiredVariables;
  }

  constructor(scope: Construct, id: string, props: GitLabSideProps) {
    super(scope, id);
    const { config, clusterOutputs: cluster, providers } = props;
    const gitlab = config.gitlab as GitLabConfig;
    const proxyEnabled = gitlab.proxy === 'enabled';

    // The agent config: the user's settings, the stack's defaults and the runtime's settings, checked
    // (the loader already reported any problem with its position).
    const settings = stackAgentSettings(config);
    if (!settings.ok) throw new DiagnosticsError(settings.diagnostics);
    this.settings = settings.value;
    this.agentConfig = serializeAgentConfig(this.settings, { gitlabVersion: stackGitLabVersion(gitlab) });

    // The GitLab API, only when the stack registers the agent or creates the OAuth application.
    const needsApi = gitlab.agent.project !== undefined || (proxyEnabled && gitlab.oauth === 'instance-application');
    const gitlabProvider = needsApi
      ? new GitlabProvider(this, 'gitlab-provider', {
        baseUrl: gitlabApiUrl(gitlab.url),
        token: this.variable('gitlabToken', `A GitLab token with the api scope${gitlab.oauth === 'instance-application' ? ' of an instance administrator' : ''}, for ${gitlab.url}`).stringValue,
      })
      : undefined;

    // The namespace workspaces share (shared_namespace): GitLab puts none in a workspace's objects, and a
    // least-privilege agent may not create namespaces.
    if (this.settings.sharedNamespace !== '') {
      this.sharedNamespace = baselineNamespace(this, 'shared-namespace', providers.kubernetes, this.settings.sharedNamespace);
    }

    // Registry Secret for private images, listed in the agent config's image_pull_secrets.
    if (gitlab.imagePullSecret) {
      const namespace = pullSecretNamespace(gitlab);
      const inShared = this.sharedNamespace !== undefined && namespace === this.settings.sharedNamespace;
      this.pullSecret = new RegistryPullSecret(this, 'registry-pull-secret', {
        kubernetesProvider: providers.kubernetes,
        name: gitlab.imagePullSecret.name,
        namespace,
        createNamespace: !inShared && namespace !== gitlab.agent.namespace && !(proxyEnabled && namespace === gitlab.workspacesProxy.namespace),
        dockerConfigJson: this.variableToCreate('registryDockerConfigJson', 'The .dockerconfigjson of the private registry workspace images come from'),
        dependsOn: [...(inShared ? [this.sharedNamespace!] : []), ...this.inputsChecked()],
      });
    }

    // Workspace pods: exactly what GitLab renders for the runtime, whoever creates them; in place before
    // the agent makes the first one.
    this.workspacePodPolicy = new AdmissionPolicy(this, 'workspace-pod-policy', {
      kubernetesProvider: providers.kubernetes,
      definition: workspacePodPolicy({
        ...workspacePodPolicyOptions(this.settings),
        // The RuntimeClass adds these tolerations to every workspace pod it schedules.
        tolerationKeys: [...new Set((configRuntime(config).runtimeClass?.tolerations ?? []).map((t) => t.key).filter((k): k is string => k !== undefined))],
      }),
    });
    // Without the proxy, GitLab's NetworkPolicy admits all ingress: nothing needs to come in (agentw dials
    // out), so close it, in the shared namespace or cluster-wide (EKS ClusterNetworkPolicy).
    if (!proxyEnabled) {
      this.ingressLockdown = new WorkspaceIngressLockdown(this, 'ingress-lockdown', {
        kubernetesProvider: providers.kubernetes,
        ...(this.sharedNamespace && { sharedNamespace: this.settings.sharedNamespace, dependsOn: [this.sharedNamespace] }),
      });
    }

    // The agent: registered by the stack (token from GitLab) or by hand (token as a variable).
    if (gitlab.agent.project !== undefined && gitlabProvider) {
      this.registration = new GitLabAgentRegistration(this, 'agent-registration', {
        gitlabProvider,
        project: gitlab.agent.project,
        agentName: gitlab.agent.name,
        agentConfig: this.agentConfig,
        branch: gitlab.agent.branch,
        codeOwners: gitlab.agent.codeOwners,
        protectBranch: gitlab.agent.protectBranch,
        shareWithGroups: gitlab.agent.shareWithGroups,
      });
    }
    const agentToken = this.registration?.token
      ?? this.variableToCreate('agentToken', `The token of the GitLab agent ${gitlab.agent.name} (registered by hand in its project)`);
    const kasAddress = gitlab.kasAddress ?? defaultKasAddress(gitlab.url);
    this.agent = new GitLabAgent(this, 'agent', {
      kubernetesProvider: providers.kubernetes,
      helmProvider: providers.helm,
      agentName: gitlab.agent.name,
      token: agentToken,
      kasAddress,
      namespace: gitlab.agent.namespace,
      chartVersion: gitlab.agent.chartVersion,
      // The agent follows the instance (same minor or one behind), not the chart; GitLab.com runs the newest.
      imageTag: agentImageTag(gitlab),
      replicas: gitlab.agent.replicas,
      rbac: gitlab.agent.rbac,
      ...(this.settings.sharedNamespace !== '' && { sharedNamespace: this.settings.sharedNamespace }),
      scheduling: SYSTEM_SCHEDULING,
      dependsOn: [
        this.workspacePodPolicy.binding,
        ...(this.ingressLockdown?.networkPolicy ? [this.ingressLockdown.networkPolicy] : []),
        ...(this.ingressLockdown?.clusterPolicy ? [this.ingressLockdown.clusterPolicy] : []),
        ...(this.sharedNamespace ? [this.sharedNamespace] : []),
        ...(this.pullSecret ? [this.pullSecret.secret] : []),
        ...(props.agentDependsOn ?? []),
        ...(props.systemDependsOn ?? []),
        ...this.inputsChecked(),
      ],
    });

    if (proxyEnabled) {
      // The proxy: OAuth client from variables or an instance-wide application; keys generated.
      let clientId: string;
      let clientSecret: string;
      if (gitlab.oauth === 'instance-application' && gitlabProvider) {
        this.oauthApplication = new WorkspacesOAuthApplication(this, 'oauth-application', { gitlabProvider, dnsZone: workspaceDomain(gitlab) });
        clientId = this.oauthApplication.clientId;
        clientSecret = this.oauthApplication.clientSecret;
      } else {
        clientId = this.variableToCreate('oauthClientId', `The application id of the GitLab OAuth application (redirect URI ${oauthRedirectUri(workspaceDomain(gitlab))})`);
        clientSecret = this.variableToCreate('oauthClientSecret', 'The secret of the GitLab OAuth application');
      }
      const entry = gitlab.entryPoint;
      // The proxy's signing key and SSH host key are generated (random, tls): no literal, no hand-made file.
      new RandomProvider(this, 'random');
      new TlsProvider(this, 'tls');
      this.proxy = new WorkspacesProxy(this, 'proxy', {
        kubernetesProvider: providers.kubernetes,
        helmProvider: providers.helm,
        gitlabUrl: gitlab.url,
        dnsZone: workspaceDomain(gitlab),
        oauthClientId: clientId,
        oauthClientSecret: clientSecret,
        namespace: gitlab.workspacesProxy.namespace,
        chartVersion: gitlab.workspacesProxy.chartVersion,
        replicas: gitlab.workspacesProxy.replicas,
        sshHostKeyAlgorithm: gitlab.workspacesProxy.sshHostKeyAlgorithm,
        nodePorts: { http: entry.httpNodePort, ssh: entry.sshNodePort },
        scheduling: SYSTEM_SCHEDULING,
        dependsOn: [...(props.systemDependsOn ?? []), ...this.inputsChecked()],
      });

      // The way in: certificate, load balancer in front of the system nodes' NodePorts, DNS records; the
      // load balancer's access logs in the user's bucket or one created here (entryPoint.accessLogs).
      const logs = entry.accessLogs;
      if (logs.enabled && logs.bucket === undefined) {
        this.accessLogBucket = new LoadBalancerLogBucket(this, 'access-logs', {
          bucketPrefix: boundedName(config.cluster.name.toLowerCase(), '-lb-logs-', BUCKET_PREFIX_MAX),
          logPrefix: logs.prefix,
          retentionDays: logs.retentionDays,
          region: config.aws.region,
        });
      }
      const logBucket = this.accessLogBucket?.bucketName ?? logs.bucket;
      this.entryPoint = new WorkspacesEntryPoint(this, 'entry-point', {
        name: boundedName(config.cluster.name, '-workspaces', LOAD_BALANCER_NAME_MAX),
        dnsZone: workspaceDomain(gitlab),
        hostedZoneId: cluster.hostedZoneId,
        sshHostName: entry.sshHostName,
        sshPort: entry.sshPort,
        vpcId: cluster.vpcId,
        subnetIds: entry.scheme === 'internal' ? cluster.privateSubnetIds : cluster.publicSubnetIds,
        scheme: entry.scheme,
        // Made and attached to the system node group in the cluster stack (WorkspacesTargetGroups), so
        // the attachment follows the group when it is replaced, in the same apply.
        targetGroupArns: { http: cluster.httpTargetGroupArn, ssh: cluster.sshTargetGroupArn },
        nodeSecurityGroupId: cluster.clusterSecurityGroupId,
        httpNodePort: entry.httpNodePort,
        sshNodePort: entry.sshNodePort,
        allowedCidrs: entry.allowedCidrs,
        sshIdleTimeoutSeconds: entry.sshIdleTimeoutSeconds,
        certificateValidationTimeout: entry.certificateValidationTimeout,
        accessLogs: logs.enabled && logBucket !== undefined ? { bucket: logBucket, prefix: logs.prefix } : undefined,
      });
    }

    this.addOutputs(gitlab, kasAddress);
  }

  /**
   * A sensitive string variable that only creating and updating need (the agent token, the OAuth client,
   * the registry credentials: values this stack hands to Kubernetes, never to an API it must call to
   * delete), so `destroy` works without it. Terraform asks for every root variable without a default on
   * any plan, destroy included; so the variable defaults to null, and a precondition of one
   * `terraform_data` (which the resources using the value depend on) requires it. Preconditions are
   * checked on every normal plan, no-op or not, and stop it with their message; a destroy plan does not
   * check them (resources planned for deletion are not), and the normal plan `terraform destroy` runs
   * first to refresh reports them as warnings only (hashicorp/terraform#32208). What the resources get in
   * that refresh is the empty string, never null (a null in a Secret's data or a Helm value is an
   * error of its own): a plan that would use it has already stopped at the precondition.
   * The GitLab API token (`gitlab_token`) stays required: the GitLab provider needs it to delete what the
   * stack registered.
   */
  private variableToCreate(key: 'agentToken' | 'oauthClientId' | 'oauthClientSecret' | 'registryDockerConfigJson', description: string): string {
    const name = GITLAB_VARIABLES[key];
    const v = new TerraformVariable(this, name, {
      type: 'string', sensitive: true, nullable: true,
      description: `${description}; needed to create or update the stack, not to destroy it`,
    });
    v.overrideLogicalId(name);
    // `default = null` (cdktf drops a null default in the config, so it is set as an override).
    v.addOverride('default', null);
    this.inputConditions.push({
      condition: Op.neq(v.value, Token.nullValue()),
      errorMessage: `Set TF_VAR_${name}: ${description}. It may be left unset only to destroy the stack.`,
    });
    this.requiredVariables ??= new TerraformData(this, 'required-variables', { lifecycle: { precondition: this.inputConditions } });
    return Fn.conditional(Op.eq(v.value, Token.nullValue()), '', v.stringValue) as string;
  }

  /** The check of the variables only creating needs, for the resources that use them to depend on. */
  private inputsChecked(): ITerraformDependable[] {
    return this.requiredVariables ? [this.requiredVariables] : [];
  }

  /** A sensitive string variable, named as in GITLAB_VARIABLES (no prefix or hash: users set `TF_VAR_<name>`). */
  private variable(key: keyof typeof GITLAB_VARIABLES, description: string): TerraformVariable {
    const v = new TerraformVariable(this, GITLAB_VARIABLES[key], { type: 'string', sensitive: true, nullable: false, description });
    v.overrideLogicalId(GITLAB_VARIABLES[key]);
    return v;
  }

  /** Outputs named for the next action; none holds a secret. */
  private addOutputs(gitlab: GitLabConfig, kasAddress: string): void {
    const out = (name: string, value: unknown, description: string) => {
      new TerraformOutput(this, name, { value, description }).overrideLogicalId(name);
    };
    const path = agentConfigPath(gitlab.agent.name);
    out('agent_config', this.agentConfig, this.registration
      ? `The agent config file, committed by the stack at ${path} in ${gitlab.agent.project}`
      : `The agent config file: commit it at ${path} in the agent's project`);
    out('agent_config_path', path, 'Where GitLab reads the agent config in the agent\'s project');
    out('kas_address', kasAddress, 'The agent server address the agent connects to');
    if (this.proxy && this.entryPoint) {
      out('workspace_url_pattern', workspaceUrlPattern(workspaceDomain(gitlab)), 'How each workspace port is reached (GitLab links to it)');
      out('ssh_command', sshCommand(this.entryPoint.sshHostName, gitlab.entryPoint.sshPort), 'SSH into a workspace (password: a personal access token with read_api)');
      out('ssh_host_key_fingerprint', this.proxy.sshHostKey.publicKeyFingerprintSha256, 'The proxy\'s SSH host key fingerprint, to check on first connection');
      out('oauth_redirect_uri', oauthRedirectUri(workspaceDomain(gitlab)), 'The redirect URI of the proxy\'s OAuth application');
      out('load_balancer_dns_name', this.entryPoint.loadBalancer.dnsName, 'The load balancer the workspace records point at');
    }
    out('manual_steps', manualSteps(gitlab), 'What is left to do by hand (no Terraform resource does it)');
  }
}

/**
 * The agentk image tag the stack runs: `gitlab.agent.imageTag`, else `gitlab.version`'s (see
 * agentImageTagFor); undefined on GitLab.com (the chart's own agent, the newest, as GitLab.com runs).
 */
export function agentImageTag(gitlab: GitLabConfig): string | undefined {
  if (gitlab.agent.imageTag !== undefined) return gitlab.agent.imageTag;
  if (isGitLabDotCom(gitlab.url)) return undefined;
  return agentImageTagFor(gitlab.version ?? DEFAULT_GITLAB_VERSION);
}

/** The steps Terraform cannot do, for this config. */
export function manualSteps(gitlab: GitLabConfig): string[] {
  const steps: string[] = [];
  const agent = gitlab.agent.name;
  const project = gitlab.agent.project;
  // A zone created with a parent zone in Route 53 is delegated by the cluster stack (hostedZone.parentZoneId/Name).
  if (gitlab.proxy === 'enabled' && gitlab.hostedZone.create && hostedZoneParent(gitlab) === undefined) {
    steps.push(`Delegate ${workspaceDomain(gitlab)} to the name servers in the cluster stack's hosted_zone_name_servers output (NS records in the parent domain); the certificate validation in the platform stack waits for it. (With the parent domain's zone in Route 53 in the same account, set gitlab.hostedZone.parentZoneName or parentZoneId and the stack does it.)`);
  }
  if (gitlab.proxy === 'enabled' && gitlab.oauth !== 'instance-application') {
    steps.push(`Create the OAuth application in GitLab (on GitLab.com: group or user Settings > Applications): redirect URI ${oauthRedirectUri(workspaceDomain(gitlab))}, confidential, scopes ${PROXY_OAUTH_SCOPES.join(' ')}; pass its id and secret as TF_VAR_gitlab_oauth_client_id and TF_VAR_gitlab_oauth_client_secret.`);
  }
  if (gitlab.proxy === 'enabled' && gitlab.oauth === 'instance-application') {
    // gitlab_application (provider 18.6) has no `trusted` argument; the Admin area has the check box.
    steps.push(`Mark the stack's OAuth application "${oauthApplicationName(workspaceDomain(gitlab))}" Trusted (Admin area > Applications > Edit > Trusted): the GitLab provider cannot set it, and until it is set every user is asked to authorize the application when first opening a workspace.`);
  }
  if (project === undefined) {
    steps.push(`Register the agent ${agent} in its project (Operate > Kubernetes clusters > Connect a cluster), commit the agent_config output at ${agentConfigPath(agent)} on the default branch, and pass the agent token as TF_VAR_gitlab_agent_token.`);
    steps.push(`Give the users who create workspaces the Developer role (or higher) in the agent's project: GitLab requires it to create a workspace with the agent ${agent}.`);
  } else if (gitlab.agent.shareWithGroups !== undefined) {
    const groups = gitlab.agent.shareWithGroups.map((g) => `${g.group} (${g.accessLevel})`).join(', ');
    steps.push(`Users who create workspaces need the Developer role (or higher) in the agent's project ${project}: the stack shares it with ${groups}; add anyone else who creates workspaces, or their group to gitlab.agent.shareWithGroups.`);
  } else {
    steps.push(`Give the users who create workspaces the Developer role (or higher) in the agent's project ${project} (GitLab requires it to create a workspace with the agent ${agent}): add them, or set gitlab.agent.shareWithGroups to have the stack share the project with their group.`);
  }
  steps.push(`Allow the agent ${agent} for workspaces in each group whose projects use it, as an Owner of the group: ${allowAgentCommand(gitlab)} (GITLAB_TOKEN: a token with the api scope; see docs/cli.md), or the group's Settings > Workspaces.`);
  if (gitlab.proxy === 'disabled') {
    steps.push('Make sure the GitLab instance serves workspaces through its agent server (GitLab 18.4 or later with workspaces configured on the instance); the stack installs no workspaces proxy.');
  }
  return steps;
}

/** The `gitlab-workspaces gitlab allow-agent` command line for this config (the group left to fill in). */
export function allowAgentCommand(gitlab: GitLabConfig): string {
  return `gitlab-workspaces gitlab allow-agent --group <group path> --gitlab-url ${gitlab.url} --agent-project ${gitlab.agent.project ?? '<agent project path>'} --agent ${gitlab.agent.name}`;
}
