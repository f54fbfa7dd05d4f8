/**
 * An infra repo that imports cdktf-gitlab-workspaces, as a platform team's own cdktf project does. One app,
 * two uses of the library, both under the team's own S3 state:
 *
 * 1. `WorkspacesOnOurCluster`: the constructs composed on an EKS cluster the team already runs (read with
 *    data sources), with the team's own providers: the default StorageClass, the GitLab agent (its config
 *    with the library's hardening) and the workspaces proxy with its load balancer, certificate and records.
 * 2. The ready stacks (`buildApp`) for a new cluster, from `workspaces.config.yaml`, added to the same app
 *    with the team's backend: the platform stack reads the cluster stack's outputs through it.
 *
 * test/main.test.ts checks the properties the team cares about and snapshots both: the pattern to copy for
 * snapshot-testing infrastructure merge requests.
 */
import { App, S3Backend, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { DataAwsEksCluster } from '@cdktf/provider-aws/lib/data-aws-eks-cluster';
import { DataAwsEksNodeGroup } from '@cdktf/provider-aws/lib/data-aws-eks-node-group';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { TlsProvider } from '@cdktf/provider-tls/lib/provider';
import { join } from 'path';
import {
  buildApp,
  defaultKasAddress,
  DefaultStorageClass,
  DiagnosticsError,
  GitLabAgent,
  loadConfigFile,
  resolveAgentConfig,
  serializeAgentConfig,
  SYSTEM_SCHEDULING,
  WorkspacesApp,
  WorkspacesEntryPoint,
  WorkspacesHostedZone,
  WorkspacesProxy,
  withSecureAgentDefaults,
} from 'cdktf-gitlab-workspaces';

const REGION = 'eu-west-1';
const STATE_BUCKET = 'acme-terraform-state';
const GITLAB = 'https://gitlab.acme.dev';

/** The team's backend for every stack of the app: one S3 object per stack, encrypted with its own key. */
function acmeBackend(stack: TerraformStack, stackId: string): S3Backend {
  return new S3Backend(stack, {
    bucket: STATE_BUCKET,
    key: `platform/${stackId}.tfstate`,
    region: REGION,
    encrypt: true,
    kmsKeyId: 'alias/terraform-state',
  });
}

export interface WorkspacesOnOurClusterProps {
  /** The EKS cluster the team runs. */
  readonly clusterName: string;
  /** Its node group for system pods (labelled and tainted as SYSTEM_SCHEDULING says). */
  readonly systemNodeGroup: string;
  /** Public subnets for the load balancer. */
  readonly publicSubnetIds: string[];
  /** The workspace domain, under a Route 53 zone the team has. */
  readonly dnsZone: string;
  readonly parentZoneName: string;
}

export class WorkspacesOnOurCluster extends TerraformStack {
  constructor(scope: Construct, id: string, props: WorkspacesOnOurClusterProps) {
    super(scope, id);
    acmeBackend(this, id);

    // The team's own providers. kubernetes and helm authenticate with `aws eks get-token` at plan time.
    new AwsProvider(this, 'aws', { region: REGION });
    const cluster = new DataAwsEksCluster(this, 'cluster', { name: props.clusterName });
    const connection = {
      host: cluster.endpoint,
      clusterCaCertificate: `\${base64decode(${cluster.certificateAuthority.get(0).data})}`,
    };
    const exec = { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'aws', args: ['eks', 'get-token', '--cluster-name', props.clusterName, '--region', REGION] };
    const kubernetesProvider = new KubernetesProvider(this, 'kubernetes', { ...connection, exec: [exec] });
    const helmProvider = new HelmProvider(this, 'helm', { kubernetes: { ...connection, exec } });
    // The proxy's signing key (random) and SSH host key (tls) are generated: no secret is a literal.
    new RandomProvider(this, 'random');
    new TlsProvider(this, 'tls');
    const secret = (name: string, description: string) =>
      new TerraformVariable(this, name, { type: 'string', sensitive: true, nullable: false, description }).stringValue;

    new DefaultStorageClass(this, 'storage', { kubernetesProvider });

    // The agent, with the config the ready app would write (the library's hardening over GitLab's defaults).
    const settings = resolveAgentConfig({ remote_development: withSecureAgentDefaults({ enabled: true, dns_zone: props.dnsZone }) });
    if (!settings.ok) throw new DiagnosticsError(settings.diagnostics);
    new GitLabAgent(this, 'agent', {
      kubernetesProvider,
      helmProvider,
      agentName: 'workspaces',
      token: secret('gitlab_agent_token', 'The GitLab agent token'),
      kasAddress: defaultKasAddress(GITLAB),
      scheduling: SYSTEM_SCHEDULING,
    });
    new TerraformOutput(this, 'agent_config', { value: serializeAgentConfig(settings.value), description: 'Commit at .gitlab/agents/workspaces/config.yaml' });

    // The workspaces proxy on NodePorts of the system nodes, behind one load balancer.
    const nodePorts = { http: 30080, ssh: 30022 };
    new WorkspacesProxy(this, 'proxy', {
      kubernetesProvider,
      helmProvider,
      gitlabUrl: GITLAB,
      dnsZone: props.dnsZone,
      oauthClientId: secret('gitlab_oauth_client_id', 'The OAuth application id'),
      oauthClientSecret: secret('gitlab_oauth_client_secret', 'The OAuth application secret'),
      nodePorts,
      scheduling: SYSTEM_SCHEDULING,
    });
    const system = new DataAwsEksNodeGroup(this, 'system-nodes', { clusterName: props.clusterName, nodeGroupName: props.systemNodeGroup });
    const zone = new WorkspacesHostedZone(this, 'zone', { dnsZone: props.dnsZone, zoneName: props.parentZoneName });
    new WorkspacesEntryPoint(this, 'entry-point', {
      name: `${props.clusterName}-workspaces`,
      dnsZone: props.dnsZone,
      hostedZoneId: zone.zoneId,
      vpcId: cluster.vpcConfig.get(0).vpcId,
      subnetIds: props.publicSubnetIds,
      targetAutoScalingGroupNames: [system.resources.get(0).autoscalingGroups.get(0).name],
      nodeSecurityGroupId: cluster.vpcConfig.get(0).clusterSecurityGroupId,
      httpNodePort: nodePorts.http,
      sshNodePort: nodePorts.ssh,
    });
  }
}

export interface AcmeInfra {
  readonly app: App;
  /** The constructs on the existing cluster. */
  readonly existing: WorkspacesOnOurCluster;
  /** The ready stacks for the new cluster. */
  readonly ready: WorkspacesApp;
}

/** The team's app: both uses of the library, each stack under the team's backend. */
export function buildAcmeInfra(outdir?: string): AcmeInfra {
  const app = new App({ outdir });
  const existing = new WorkspacesOnOurCluster(app, 'workspaces-platform-prod', {
    clusterName: 'platform-prod',
    systemNodeGroup: 'system',
    publicSubnetIds: ['subnet-0aa1111111111111a', 'subnet-0bb2222222222222b'],
    dnsZone: 'workspaces.acme.dev',
    parentZoneName: 'acme.dev',
  });
  const loaded = loadConfigFile(join(__dirname, 'workspaces.config.yaml'), 'workspaces.config.yaml');
  if (!loaded.ok) throw new DiagnosticsError(loaded.diagnostics);
  const ready = buildApp(loaded.value, { app, backend: acmeBackend });
  return { app, existing, ready };
}

if (require.main === module) {
  buildAcmeInfra().app.synth();
}
