/**
 * The ready AWS stack: a VPC, an EKS cluster with hardened, autoscaled node groups, the add-ons
 * GitLab workspaces depend on, and a default StorageClass. It reads like the checklist of what GitLab
 * asks of a workspaces cluster; each line is a construct from `lib/cluster`.
 */
import { LocalBackend, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import {
  ClusterAddon,
  ClusterAutoscaler,
  ClusterProviders,
  DefaultStorageClass,
  EbsCsiDriver,
  controlPlaneLogGroupName,
  EksCluster,
  flowLogGroupName,
  LogEncryptionKey,
  ManagedNodeGroup,
  NodeRole,
  POOL_LABEL,
  Scheduling,
  SYSTEM_POOL,
  SYSTEM_SCHEDULING,
  SYSTEM_TAINT,
  VolumeEncryptionKey,
  VpcFlowLogs,
  WORKSPACES_POOL,
  WorkspacesVpc,
} from '../lib/cluster';
import { WorkspacesConfig } from './config/types';

export class WorkspacesAwsStack extends TerraformStack {
  readonly network: WorkspacesVpc;
  readonly cluster: EksCluster;
  readonly systemNodes: ManagedNodeGroup;
  readonly workspaceNodes: ManagedNodeGroup[];
  readonly providers: ClusterProviders;
  readonly storageClass: DefaultStorageClass;
  readonly autoscaler: ClusterAutoscaler;
  /** Where later system components (GitLab agent, workspaces proxy) should run. */
  readonly systemScheduling: Scheduling = SYSTEM_SCHEDULING;

  constructor(scope: Construct, id: string, readonly config: WorkspacesConfig) {
    super(scope, id);
    const { aws, network, cluster: clusterConfig, nodes, addons, storage } = config;
    const name = clusterConfig.name;

    // State next to cdktf.json (Terraform runs in cdktf.out/stacks/<stack>/), as a path that does not
    // depend on where the repository is checked out. Use a remote backend (S3) for a shared cluster.
    new LocalBackend(this, { path: `../../../terraform.${id}.tfstate` });

    new AwsProvider(this, 'aws', { region: aws.region, defaultTags: [{ tags: { ...aws.defaultTags } }] });
    const partition = new DataAwsPartition(this, 'partition').partition;
    const caller = new DataAwsCallerIdentity(this, 'caller');
    const accountId = caller.accountId;

    // Network: private subnets for nodes, public ones for load balancers, in 2 or 3 zones.
    this.network = new WorkspacesVpc(this, 'network', {
      clusterName: name,
      cidr: network.vpcCidr,
      zoneCount: network.availabilityZoneCount,
      availabilityZones: network.availabilityZones,
      privateSubnetCidrs: network.privateSubnetCidrs,
      publicSubnetCidrs: network.publicSubnetCidrs,
      natGateways: network.natGateways,
    });

    // Every log group of the stack is encrypted with one key CloudWatch Logs may use for them only.
    const logKey = new LogEncryptionKey(this, 'log-key', {
      clusterName: name, accountId, region: aws.region, partition,
      logGroupNames: [controlPlaneLogGroupName(name), flowLogGroupName(name)],
      deletionWindowInDays: clusterConfig.kmsKeyDeletionWindowDays,
    });
    if (network.flowLogs.enabled) {
      new VpcFlowLogs(this, 'flow-logs', {
        vpcId: this.network.vpcId, name, retentionDays: network.flowLogs.retentionDays, kmsKeyArn: logKey.arn, accountId,
      });
    }

    // Control plane: access entries, KMS-encrypted secrets, all control-plane logs.
    this.cluster = new EksCluster(this, 'eks', {
      name,
      version: clusterConfig.kubernetesVersion,
      subnetIds: this.network.privateSubnetIds,
      endpointPublicAccess: clusterConfig.endpoint.publicAccess,
      publicAccessCidrs: [...clusterConfig.endpoint.publicAccessCidrs],
      privateAccessCidrs: clusterConfig.endpoint.privateAccessCidrs,
      adminPrincipalArns: clusterConfig.access.adminPrincipalArns,
      clusterCreatorAdmin: clusterConfig.access.clusterCreatorAdmin,
      callerArn: caller.arn,
      logTypes: clusterConfig.logs.types,
      logRetentionDays: clusterConfig.logs.retentionDays,
      logKmsKeyArn: logKey.arn,
      kmsKeyDeletionWindowDays: clusterConfig.kmsKeyDeletionWindowDays,
      partition,
    });
    const clusterName = this.cluster.name;
    const kubernetesVersion = this.cluster.version;

    // Add-ons a node needs to become Ready (pod networking with NetworkPolicy enforcement, service
    // routing, Pod Identity credentials): installed before the first node group.
    const vpcCni = new ClusterAddon(this, 'vpc-cni', {
      clusterName, kubernetesVersion, addonName: 'vpc-cni', version: addons.vpcCni.version,
      // Without this, GitLab's per-workspace NetworkPolicies are accepted and silently not enforced.
      configurationValues: { enableNetworkPolicy: 'true' },
    });
    const kubeProxy = new ClusterAddon(this, 'kube-proxy', {
      clusterName, kubernetesVersion, addonName: 'kube-proxy', version: addons.kubeProxy.version,
    });
    const podIdentityAgent = new ClusterAddon(this, 'pod-identity-agent', {
      clusterName, kubernetesVersion, addonName: 'eks-pod-identity-agent', version: addons.podIdentityAgent.version,
    });

    // Nodes: every one from a launch template with IMDSv2 required, hop limit 1, encrypted gp3 root.
    const volumeKey = new VolumeEncryptionKey(this, 'volume-key', {
      clusterName: name, accountId, partition, deletionWindowInDays: clusterConfig.kmsKeyDeletionWindowDays,
    });
    const nodeRole = new NodeRole(this, 'node-role', { namePrefix: `${name}-node-`, partition });
    // Nodes also need the NAT routes to pull images and register while they boot.
    const nodesNeed = [vpcCni.addon, kubeProxy.addon, podIdentityAgent.addon, ...nodeRole.attachments, ...this.network.egress];
    const common = { clusterName, nodeRoleArn: nodeRole.arn, amiType: nodes.amiType, volumeKmsKeyArn: volumeKey.arn, dependsOn: nodesNeed };

    this.systemNodes = new ManagedNodeGroup(this, 'system-nodes', {
      ...common,
      name: 'system',
      subnetIds: this.network.privateSubnetIds,
      instanceTypes: nodes.system.instanceTypes,
      capacityType: nodes.system.capacityType,
      minSize: nodes.system.minSize,
      desiredSize: nodes.system.desiredSize,
      maxSize: nodes.system.maxSize,
      diskSizeGiB: nodes.system.diskSizeGiB,
      labels: { [POOL_LABEL]: SYSTEM_POOL },
      taints: [SYSTEM_TAINT],
    });

    // Workspace capacity: one group per zone by default, so the autoscaler can always add a node in
    // the zone of a stopped workspace's EBS volume.
    const ws = nodes.workspaces;
    const groups = ws.perZone
      ? this.network.privateSubnets.map((s, i) => ({ id: `workspace-nodes-${i}`, name: `workspaces-${i}`, subnetIds: [s.id], zone: this.network.zoneNames[i] as string | undefined }))
      : [{ id: 'workspace-nodes', name: 'workspaces', subnetIds: this.network.privateSubnetIds, zone: undefined }];
    this.workspaceNodes = groups.map((g) => new ManagedNodeGroup(this, g.id, {
      ...common,
      name: g.name,
      subnetIds: g.subnetIds,
      zone: g.zone,
      instanceTypes: ws.instanceTypes,
      capacityType: ws.capacityType,
      minSize: ws.minSize,
      desiredSize: ws.desiredSize,
      maxSize: ws.maxSize,
      diskSizeGiB: ws.diskSizeGiB,
      labels: { [POOL_LABEL]: WORKSPACES_POOL },
    }));

    // Add-ons that run pods: after the system nodes exist.
    const systemNodesReady = [this.systemNodes.nodeGroup];
    const coredns = new ClusterAddon(this, 'coredns', {
      clusterName, kubernetesVersion, addonName: 'coredns', version: addons.coredns.version,
      // On the system nodes: a CoreDNS pod on a workspace node would keep the autoscaler from removing it.
      configurationValues: { nodeSelector: SYSTEM_SCHEDULING.nodeSelector },
      dependsOn: systemNodesReady,
    });
    // Pods that call AWS APIs need cluster DNS up first, or they crash-loop until it is.
    const systemReady = [...systemNodesReady, coredns.addon];
    const ebsCsi = new EbsCsiDriver(this, 'ebs-csi', {
      clusterName, kubernetesVersion, version: addons.ebsCsiDriver.version, partition,
      kmsKeyArns: [volumeKey.arn],
      configurationValues: {
        controller: {
          nodeSelector: SYSTEM_SCHEDULING.nodeSelector,
          tolerations: [
            { key: SYSTEM_TAINT.key, operator: 'Exists' },
            { operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
          ],
        },
      },
      dependsOn: systemReady,
    });

    // Kubernetes-side resources, through providers configured from the cluster.
    this.providers = new ClusterProviders(this, 'kubernetes-access', {
      clusterName,
      region: aws.region,
      auth: clusterConfig.kubernetesProviderAuth,
      endpoint: this.cluster.endpoint,
      certificateAuthorityData: this.cluster.certificateAuthorityData,
    });
    const canAdminister = this.cluster.accessResources;

    this.storageClass = new DefaultStorageClass(this, 'storage', {
      kubernetesProvider: this.providers.kubernetes,
      name: storage.defaultStorageClass.name,
      kmsKeyArn: volumeKey.arn,
      iops: storage.defaultStorageClass.iops,
      throughputMiBps: storage.defaultStorageClass.throughputMiBps,
      reclaimPolicy: storage.defaultStorageClass.reclaimPolicy,
      demoteGp2: storage.demoteGp2,
      dependsOn: [ebsCsi.addon.addon, ...canAdminister],
    });

    const ca = config.autoscaling.clusterAutoscaler;
    this.autoscaler = new ClusterAutoscaler(this, 'autoscaler', {
      clusterName,
      region: aws.region,
      kubernetesVersion: clusterConfig.kubernetesVersion,
      helmProvider: this.providers.helm,
      chartVersion: ca.chartVersion,
      imageTag: ca.imageTag,
      expander: ca.expander,
      scaleDownUnneededTime: ca.scaleDownUnneededTime,
      nodeSelector: SYSTEM_SCHEDULING.nodeSelector,
      tolerations: SYSTEM_SCHEDULING.tolerations,
      dependsOn: [...systemReady, podIdentityAgent.addon, ...canAdminister],
    });

    // Outputs, named for what the user does next.
    const out = (id: string, value: unknown, description: string) => new TerraformOutput(this, id, { value, description });
    out('cluster_name', clusterName, 'The EKS cluster name');
    out('region', aws.region, 'The AWS region');
    out('kubeconfig_command', `aws eks update-kubeconfig --region ${aws.region} --name ${clusterName}`, 'Run this to point kubectl at the cluster');
    out('cluster_endpoint', this.cluster.endpoint, 'The Kubernetes API server URL');
    out('kubernetes_version', kubernetesVersion, 'The Kubernetes version of the control plane');
    out('vpc_id', this.network.vpcId, 'The VPC id');
    out('private_subnet_ids', this.network.privateSubnetIds, 'Node subnets (one per zone)');
    out('public_subnet_ids', this.network.publicSubnetIds, 'Load balancer subnets (one per zone)');
    out('cluster_security_group_id', this.cluster.clusterSecurityGroupId, 'The security group EKS manages for the control plane and nodes');
    out('node_role_arn', nodeRole.arn, 'The IAM role of the nodes');
    out('workspace_node_groups', this.workspaceNodes.map((g) => g.name), 'The autoscaled workspace node groups');
    out('default_storage_class', this.storageClass.name, 'The default StorageClass workspace volumes get');
    out('secrets_kms_key_arn', this.cluster.secretsKey.arn, 'KMS key encrypting Kubernetes Secrets');
    out('volumes_kms_key_arn', volumeKey.arn, 'KMS key encrypting node and workspace volumes');
  }
}
