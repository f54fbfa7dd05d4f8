/**
 * The GitLab-side constructs on their own, in a platform team's app for an EKS cluster it already runs
 * (made elsewhere): the agent, the workspaces proxy, and their way in (certificate, load balancer, DNS).
 * The cluster, its system node group and its network are read with data sources; secrets are sensitive
 * variables (`TF_VAR_gitlab_agent_token`, `TF_VAR_oauth_client_id`, `TF_VAR_oauth_client_secret`).
 *
 *   npx tsc -p tsconfig.build.json && node dist/examples/gitlab-on-existing-cluster/main.js
 */
import { App, Aspects, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { DataAwsEksCluster } from '@cdktf/provider-aws/lib/data-aws-eks-cluster';
import { DataAwsEksNodeGroup } from '@cdktf/provider-aws/lib/data-aws-eks-node-group';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { TlsProvider } from '@cdktf/provider-tls/lib/provider';
import {
  AdmissionPolicy,
  ClusterProviders,
  defaultKasAddress,
  DiagnosticsError,
  GitLabAgent,
  NodeGuard,
  resolveAgentConfig,
  serializeAgentConfig,
  SYSTEM_SCHEDULING,
  TerraformSettings,
  WorkspacesEntryPoint,
  WorkspacesHostedZone,
  WorkspacesProxy,
  withSecureAgentDefaults,
  workspacePodPolicy,
  workspacePodPolicyOptions,
} from 'cdktf-gitlab-workspaces';

const CLUSTER = 'platform-prod';
const REGION = 'eu-west-1';
/** The node group whose nodes run the agent and the proxy and take the load balancer's traffic. */
const SYSTEM_NODE_GROUP = 'system';
const DNS_ZONE = 'workspaces.acme.dev';
const GITLAB = 'https://gitlab.com';
/** Public subnets of the cluster's VPC, for the load balancer. */
const PUBLIC_SUBNETS = ['subnet-0aa1111111111111a', 'subnet-0bb2222222222222b'];

export class GitLabOnExistingCluster extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, 'aws', { region: REGION });
    // required_version >= 1.10 and fully qualified provider sources, as in the ready stacks.
    Aspects.of(this).add(new TerraformSettings());
    new RandomProvider(this, 'random');
    new TlsProvider(this, 'tls');
    const secret = (name: string) => new TerraformVariable(this, name, { type: 'string', sensitive: true, nullable: false }).stringValue;

    const cluster = new DataAwsEksCluster(this, 'cluster', { name: CLUSTER });
    const system = new DataAwsEksNodeGroup(this, 'system-nodes', { clusterName: CLUSTER, nodeGroupName: SYSTEM_NODE_GROUP });
    const providers = new ClusterProviders(this, 'kubernetes-access', {
      clusterName: CLUSTER, region: REGION, endpoint: cluster.endpoint, certificateAuthorityData: cluster.certificateAuthority.get(0).data,
    });

    // Its config, with the hardening the ready app gives it (instance metadata out of workspace egress,
    // requests and limits for every container), checked by GitLab's rules before anything is written.
    const settings = resolveAgentConfig({ remote_development: withSecureAgentDefaults({ enabled: true, dns_zone: DNS_ZONE }) });
    if (!settings.ok) throw new DiagnosticsError(settings.diagnostics);
    new TerraformOutput(this, 'agent_config', { value: serializeAgentConfig(settings.value) });

    // Workspace pods held to what GitLab renders with these settings (no privileged containers, host
    // namespaces or hostPath, the runtime GitLab asks for), and nodes that cannot relabel or untaint
    // themselves (a node escaped from a workspace cannot pull system pods onto it): the ready stack's policies.
    const workspacePods = new AdmissionPolicy(this, 'workspace-pods', {
      kubernetesProvider: providers.kubernetes,
      definition: workspacePodPolicy(workspacePodPolicyOptions(settings.value)),
    });
    const nodeGuard = new NodeGuard(this, 'node-guard', { kubernetesProvider: providers.kubernetes });

    // The agent: registered by hand in GitLab; its config file is the output above.
    new GitLabAgent(this, 'agent', {
      kubernetesProvider: providers.kubernetes,
      helmProvider: providers.helm,
      agentName: 'workspaces',
      token: secret('gitlab_agent_token'),
      kasAddress: defaultKasAddress(GITLAB),
      scheduling: SYSTEM_SCHEDULING,
      // Not before the policies that hold its workspaces are enforced.
      dependsOn: [workspacePods.binding, nodeGuard.binding],
    });

    // The proxy, exposed on NodePorts, and the load balancer, certificate and records in front of them.
    const nodePorts = { http: 32080, ssh: 32022 };
    new WorkspacesProxy(this, 'proxy', {
      kubernetesProvider: providers.kubernetes,
      helmProvider: providers.helm,
      gitlabUrl: GITLAB,
      dnsZone: DNS_ZONE,
      oauthClientId: secret('oauth_client_id'),
      oauthClientSecret: secret('oauth_client_secret'),
      nodePorts,
      scheduling: SYSTEM_SCHEDULING,
    });
    const zone = new WorkspacesHostedZone(this, 'zone', { dnsZone: DNS_ZONE, zoneName: 'acme.dev' });
    const entry = new WorkspacesEntryPoint(this, 'entry-point', {
      name: `${CLUSTER}-workspaces`,
      dnsZone: DNS_ZONE,
      hostedZoneId: zone.zoneId,
      vpcId: cluster.vpcConfig.get(0).vpcId,
      subnetIds: PUBLIC_SUBNETS,
      targetAutoScalingGroupNames: [system.resources.get(0).autoscalingGroups.get(0).name],
      nodeSecurityGroupId: cluster.vpcConfig.get(0).clusterSecurityGroupId,
      httpNodePort: nodePorts.http,
      sshNodePort: nodePorts.ssh,
    });
    new TerraformOutput(this, 'load_balancer_dns_name', { value: entry.loadBalancer.dnsName });
  }
}

export function buildGitLabOnExistingClusterApp(outdir?: string): { app: App; stack: GitLabOnExistingCluster } {
  const app = new App({ outdir });
  return { app, stack: new GitLabOnExistingCluster(app, 'gitlab-workspaces') };
}

if (require.main === module) {
  buildGitLabOnExistingClusterApp().app.synth();
}
