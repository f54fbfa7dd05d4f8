/**
 * The constructs in one stack, for a user who wants that (a throwaway dev cluster, a demo): VPC, EKS,
 * nodes, the autoscaler and the default StorageClass in a single Terraform run. The ready app splits
 * these into a cluster stack and a platform stack because HashiCorp's kubernetes and helm providers do
 * not support being configured from a cluster created in the same run: a plan after the cluster is
 * replaced or half destroyed fails, and a private API cannot be reached by the machine that creates it.
 * Here the Kubernetes-side resources wait for the cluster's access entries and nodes with `dependsOn`.
 *
 *   npx tsc -p tsconfig.build.json && node dist/examples/single-stack/main.js
 */
import { App, Aspects, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { DataAwsSsmParameter } from '@cdktf/provider-aws/lib/data-aws-ssm-parameter';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import {
  amiReleaseVersionParameter,
  ClusterAddon,
  ClusterAutoscaler,
  ClusterAutoscalerIdentity,
  ClusterProviders,
  DefaultStorageClass,
  EbsCsiDriver,
  EksCluster,
  iamRoleNamePrefix,
  ManagedNodeGroup,
  NodeRole,
  POOL_LABEL,
  SYSTEM_POOL,
  SYSTEM_SCHEDULING,
  SYSTEM_TAINT,
  testedAddonVersion,
  WORKSPACE_NODE_AUTOSCALING_OPTIONS,
  WORKSPACES_POOL,
  WorkspacesVpc,
  TerraformSettings,
} from 'cdktf-gitlab-workspaces';

const NAME = 'dev-workspaces';
const REGION = 'eu-west-1';
const VERSION = '1.35';

export class SingleStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, 'aws', { region: REGION });
    // required_version >= 1.10 and fully qualified provider sources, as in the ready stacks.
    Aspects.of(this).add(new TerraformSettings());

    const network = new WorkspacesVpc(this, 'network', { clusterName: NAME, region: REGION, zoneCount: 2, natGateways: 'single' });
    const cluster = new EksCluster(this, 'eks', {
      name: NAME,
      version: VERSION,
      subnetIds: network.privateSubnetIds,
      publicAccessCidrs: ['198.51.100.0/24'], // replace with your own address
      clusterCreatorAdmin: true,
    });
    const addon = (addonName: string) => new ClusterAddon(this, addonName, {
      clusterName: cluster.name, kubernetesVersion: cluster.version, addonName, version: testedAddonVersion(addonName, VERSION),
      configurationValues: addonName === 'vpc-cni' ? { enableNetworkPolicy: 'true' } : undefined,
    });
    const networking = ['vpc-cni', 'kube-proxy', 'eks-pod-identity-agent'].map((a) => addon(a).addon);

    const nodeRole = new NodeRole(this, 'node-role', { namePrefix: iamRoleNamePrefix(NAME, 'node') });
    const releaseVersion = new DataAwsSsmParameter(this, 'ami-release', { name: amiReleaseVersionParameter('AL2023_x86_64_STANDARD', VERSION) }).insecureValue;
    const common = {
      clusterName: cluster.name, nodeRoleArn: nodeRole.arn, kubernetesVersion: cluster.version, releaseVersion,
      dependsOn: [...networking, ...nodeRole.attachments, ...network.egress],
    };
    const system = new ManagedNodeGroup(this, 'system', {
      ...common, name: 'system', subnetIds: network.privateSubnetIds, instanceTypes: ['m6i.large'], minSize: 1, desiredSize: 1, maxSize: 2,
      labels: { [POOL_LABEL]: SYSTEM_POOL }, taints: [SYSTEM_TAINT],
    });
    new ManagedNodeGroup(this, 'workspaces', {
      ...common, name: 'workspaces', subnetIds: network.privateSubnetIds, instanceTypes: ['m6i.2xlarge'], minSize: 0, desiredSize: 0, maxSize: 3,
      labels: { [POOL_LABEL]: WORKSPACES_POOL }, keepNodesOnTemplateChange: true, autoscalingOptions: WORKSPACE_NODE_AUTOSCALING_OPTIONS,
    });
    const coredns = new ClusterAddon(this, 'coredns', {
      clusterName: cluster.name, kubernetesVersion: cluster.version, addonName: 'coredns', version: testedAddonVersion('coredns', VERSION),
      configurationValues: { nodeSelector: SYSTEM_SCHEDULING.nodeSelector }, dependsOn: [system.nodeGroup],
    });
    const ebsCsi = new EbsCsiDriver(this, 'ebs-csi', {
      clusterName: cluster.name, kubernetesVersion: cluster.version, roleNamePrefix: iamRoleNamePrefix(NAME, 'ebs-csi'),
      version: testedAddonVersion('aws-ebs-csi-driver', VERSION), dependsOn: [system.nodeGroup, coredns.addon],
    });
    const identity = new ClusterAutoscalerIdentity(this, 'autoscaler-identity', { clusterName: cluster.name, roleNamePrefix: iamRoleNamePrefix(NAME, 'autoscaler') });

    // In one stack, the Kubernetes side must wait for the cluster's access entries and nodes explicitly.
    const providers = new ClusterProviders(this, 'kubernetes-access', {
      clusterName: cluster.name, region: REGION, endpoint: cluster.endpoint, certificateAuthorityData: cluster.certificateAuthorityData,
    });
    const ready = [...cluster.accessResources, system.nodeGroup, coredns.addon];
    new DefaultStorageClass(this, 'storage', { kubernetesProvider: providers.kubernetes, dependsOn: [ebsCsi.addon.addon, ...ready] });
    new ClusterAutoscaler(this, 'autoscaler', {
      clusterName: NAME, region: REGION, kubernetesVersion: VERSION, helmProvider: providers.helm,
      nodeSelector: SYSTEM_SCHEDULING.nodeSelector, tolerations: SYSTEM_SCHEDULING.tolerations,
      dependsOn: [...identity.dependables, ...ready],
    });
  }
}

export function buildSingleStackApp(outdir?: string): { app: App; stack: SingleStack } {
  const app = new App({ outdir });
  return { app, stack: new SingleStack(app, NAME) };
}

if (require.main === module) {
  buildSingleStackApp().app.synth();
}
