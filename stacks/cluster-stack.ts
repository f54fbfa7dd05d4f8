/**
 * The cluster stack: everything on the AWS side, and nothing that talks to the Kubernetes API. A VPC (or
 * an existing one), the EKS control plane, hardened and autoscaled node groups, the add-ons GitLab
 * workspaces depend on, IAM identities and KMS keys. It can be planned and applied from anywhere with AWS
 * credentials, even for a cluster whose API is private. The platform stack builds on its outputs.
 */
import { Fn, TerraformBackend, TerraformOutput, TerraformStack, Token } from 'cdktf';
import { Construct } from 'constructs';
import { DataAwsAmi } from '@cdktf/provider-aws/lib/data-aws-ami';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsSsmParameter } from '@cdktf/provider-aws/lib/data-aws-ssm-parameter';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import {
  addAmiAgeCheck,
  addImageAgeCheck,
  bottlerocketImageIdParameter,
  bottlerocketLookup,
  customAmiLookup,
  recommendedImage as recommendedAmi,
  ubuntuEksAmiParameter,
  amiReleaseVersionParameter,
  attributeAddress,
  ClusterAddon,
  ClusterAutoscalerIdentity,
  ClusterNetwork,
  controlPlaneLogGroupName,
  EbsCsiDriver,
  EksCluster,
  ExistingNetwork,
  flowLogGroupName,
  iamRoleNamePrefix,
  LogEncryptionKey,
  al2023UserData,
  bottlerocketSettings,
  isBottlerocket,
  imageVolumeDevices,
  kubernetesMinor,
  ManagedNodeGroup,
  ManagedNodeGroupProps,
  moveFromFormerId,
  NODE_GROUP_NAME_PREFIX_MAX,
  ecrRepositoryArn,
  NodeRole,
  NodeTaint,
  POOL_LABEL,
  Scheduling,
  SYSTEM_POOL,
  SYSTEM_SCHEDULING,
  SYSTEM_TAINT,
  VolumeEncryptionKey,
  VolumeKeyGuard,
  VpcCniIdentity,
  VpcFlowLogs,
  WORKSPACE_GENERATION_LABEL,
  WORKSPACE_NODE_AUTOSCALING_OPTIONS,
  WORKSPACES_POOL,
  RETIRING_TAINT,
  ubuntuEksBootstrapScript,
  UbuntuEksImage,
  WorkspacesVpc,
  WorkspaceVolumeBackups,
} from '../lib/cluster';
import { WorkspacesTargetGroups } from '../lib/gitlab/entry-point';
import { WorkspacesHostedZone } from '../lib/gitlab/hosted-zone';
import { sudoRuntime } from '../lib/runtimes/sudo-runtime';
import { RUNTIME_NODE_LABEL, RuntimeNodes } from '../lib/runtimes/types';
import { nodeGroupMaxPods } from '../lib/capacity/capacity';
import { addonVersion } from './config/addons';
import { stackCapacity } from './config/capacity';
import { assertNoTemplateSyntax } from './config/literal-strings';
import { configRuntime, retiringEntryText, WorkspaceGeneration, workspaceGenerations, workspaceNodeImage } from './config/runtime';
import { hostedZoneParent, poolAmiType, workspaceDomain, WorkspacesConfig } from './config/types';
import { CLUSTER_OUTPUTS, publishClusterOutput } from './cluster-outputs';
import { configStateBackend, configureStateBackend, StackBackendFactory } from './state-backend';
import { applyTerraformSettings } from './terraform-settings';

/**
 * The VPC CNI's prefix delegation settings (aws/amazon-vpc-cni-k8s: ENABLE_PREFIX_DELEGATION needs Nitro
 * instances and CNI 1.9+; WARM_PREFIX_TARGET 1 keeps one free /28 per node, rather than a whole ENI's worth).
 */
export const VPC_CNI_PREFIX_DELEGATION: Readonly<Record<string, string>> = { ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: '1' };

/** One workspace node group: a generation (built for its runtime) in a zone (or across zones). */
export interface WorkspaceGroupPlan extends WorkspaceGeneration {
  readonly id: string;
  readonly name: string;
  readonly subnetIds: string[];
  readonly zone?: string;
  /**
   * The construct id a zonal group had when groups were keyed by the index of their subnet (before they
   * were keyed by zone): its resources get `moved` blocks from there (see moveFromFormerId).
   */
  readonly formerId?: string;
}

export interface WorkspacesClusterStackProps {
  /** The checked stack config (loadConfigFile, loadConfigText). */
  readonly config: WorkspacesConfig;
  /**
   * Makes the stack's Terraform backend (create it in the stack given).
   * @default the config's `state` section (a local file, or S3)
   */
  readonly backend?: StackBackendFactory;
}

export class WorkspacesClusterStack extends TerraformStack {
  /** The checked stack config. */
  readonly config: WorkspacesConfig;
  /** The cluster name, as a literal (from the config). */
  readonly clusterName: string;
  readonly region: string;
  /** The Kubernetes minor version, as a literal (from the config). */
  readonly kubernetesVersion: string;
  readonly network: ClusterNetwork;
  readonly cluster: EksCluster;
  readonly volumeKey: VolumeEncryptionKey;
  /**
   * The IAM role of the system nodes (and of workspace node groups created before workspace nodes had a
   * role of their own: a running group keeps its role until its generation retires).
   */
  readonly nodeRole: NodeRole;
  /** The IAM role of the workspace nodes, with ECR pulls limited by `nodes.workspaces.ecrRepositories`. */
  readonly workspaceNodeRole: NodeRole;
  /** The VPC CNI's own IAM identity (Pod Identity for `kube-system/aws-node`). */
  readonly vpcCniIdentity: VpcCniIdentity;
  readonly systemNodes: ManagedNodeGroup;
  /** Every workspace node group: the current generation's, then the retiring ones'. */
  readonly workspaceNodes: ManagedNodeGroup[];
  /** What the sudo runtime asked of the workspace nodes (the platform stack installs it there). */
  readonly workspaceRuntimeNodes: RuntimeNodes;
  /** Canonical's Ubuntu EKS image, when the runtime needs Ubuntu workspace nodes (Sysbox). */
  readonly workspaceUbuntuImage?: UbuntuEksImage;
  readonly autoscalerIdentity: ClusterAutoscalerIdentity;
  /** With `storage.backups.enabled`: the AWS Backup vault, plan, selection and role of workspace volumes. */
  readonly volumeBackups?: WorkspaceVolumeBackups;
  readonly volumeKeyGuard: VolumeKeyGuard;
  /** Where system components (the autoscaler, the GitLab agent and proxy) run. */
  readonly systemScheduling: Scheduling = SYSTEM_SCHEDULING;
  /**
   * The Route 53 zone of the workspace domain (with the workspaces proxy): here rather than in the platform
   * stack, so a zone the stack creates outlives the records, and its name servers are an output before the
   * platform stack waits for the certificate that needs them delegated.
   */
  readonly hostedZone?: WorkspacesHostedZone;
  /**
   * The workspaces load balancer's target groups (with the workspaces proxy), attached to the system node
   * group's Auto Scaling group here, in the group's own stack: a replaced system group gets its attachment
   * in the same apply, before the old group goes. The platform stack's load balancer forwards to them.
   */
  readonly workspacesTargetGroups?: WorkspacesTargetGroups;
  /** The stack's Terraform backend: the platform stack reads this stack's outputs through it. */
  readonly backend: TerraformBackend;

  constructor(scope: Construct, id: string, props: WorkspacesClusterStackProps) {
    super(scope, id);
    const config = props.config;
    // A config built in code never met the loader's refusal of `${` and `%{`.
    assertNoTemplateSyntax(config);
    this.config = config;
    const { aws, network, cluster: clusterConfig, nodes, addons } = config;
    const name = clusterConfig.name;
    this.clusterName = name;
    this.region = aws.region;
    this.kubernetesVersion = clusterConfig.kubernetesVersion;

    this.backend = configureStateBackend(this, id, props.backend ?? configStateBackend(config.state, aws.region));
    new AwsProvider(this, 'aws', { region: aws.region, defaultTags: [{ tags: { ...aws.defaultTags } }] });
    const partition = new DataAwsPartition(this, 'partition').partition;
    const caller = new DataAwsCallerIdentity(this, 'caller');
    const accountId = caller.accountId;
    // The cluster, the KMS keys and a created hosted zone stop a destroy (or their replacement) at plan
    // unless cluster.allowDestroy: what they hold cannot be brought back.
    const preventDestroy = !clusterConfig.allowDestroy;

    // Network: private subnets for nodes, public ones for load balancers, in 2 or 3 zones; or a VPC
    // that already exists and already has a way in for a private cluster.
    this.network = network.existingVpc
      ? new ExistingNetwork(this, 'network', network.existingVpc)
      : new WorkspacesVpc(this, 'network', {
        clusterName: name,
        region: aws.region,
        cidr: network.vpcCidr,
        zoneCount: network.availabilityZoneCount,
        availabilityZones: network.availabilityZones,
        privateSubnetCidrs: network.privateSubnetCidrs,
        publicSubnetCidrs: network.publicSubnetCidrs,
        natGateways: network.natGateways,
        s3GatewayEndpoint: network.s3GatewayEndpoint,
      });

    // Every log group of the stack is encrypted with one key CloudWatch Logs may use for them only.
    const logKey = new LogEncryptionKey(this, 'log-key', {
      clusterName: name, accountId, region: aws.region, partition,
      logGroupNames: [controlPlaneLogGroupName(name), flowLogGroupName(name)],
      deletionWindowInDays: clusterConfig.kmsKeyDeletionWindowDays,
      preventDestroy,
    });
    // Flow logs are off by default for an existing VPC: the stack must not change a VPC it only reads.
    const flowLogs = network.flowLogs;
    if (flowLogs.enabled) {
      new VpcFlowLogs(this, 'flow-logs', {
        vpcId: this.network.vpcId, name, retentionDays: flowLogs.retentionDays, kmsKeyArn: logKey.arn, accountId,
        trafficType: flowLogs.trafficType,
        s3: flowLogs.destination === 's3' && flowLogs.bucket !== undefined
          ? { bucketArn: `arn:${partition}:s3:::${flowLogs.bucket}`, prefix: flowLogs.prefix }
          : undefined,
      });
    }

    // Control plane: standard support only unless chosen, access entries for named admins,
    // KMS-encrypted secrets, every control-plane log.
    this.cluster = new EksCluster(this, 'eks', {
      name,
      version: clusterConfig.kubernetesVersion,
      upgradePolicy: clusterConfig.upgradePolicy,
      subnetIds: this.network.privateSubnetIds,
      endpointPublicAccess: clusterConfig.endpoint.publicAccess,
      publicAccessCidrs: [...clusterConfig.endpoint.publicAccessCidrs],
      allowPublicEndpointFromAnywhere: clusterConfig.endpoint.allowPublicEndpointFromAnywhere,
      privateAccessCidrs: clusterConfig.endpoint.privateAccessCidrs,
      adminPrincipalArns: clusterConfig.access.adminPrincipalArns,
      clusterCreatorAdmin: clusterConfig.access.clusterCreatorAdmin,
      callerArn: caller.arn,
      logTypes: clusterConfig.logs.types,
      logRetentionDays: clusterConfig.logs.retentionDays,
      logKmsKeyArn: logKey.arn,
      kmsKeyDeletionWindowDays: clusterConfig.kmsKeyDeletionWindowDays,
      partition,
      preventDestroy,
    });
    const clusterName = this.cluster.name;
    const kubernetesVersion = this.cluster.version;
    const addon = (id: string, addonName: keyof typeof addons, eksName: string, rest: Partial<ConstructorParameters<typeof ClusterAddon>[2]> = {}) =>
      new ClusterAddon(this, id, { clusterName, kubernetesVersion, addonName: eksName, version: addonVersion(config, addonName, eksName), ...rest });

    // Add-ons a node needs to become Ready (pod networking with NetworkPolicy enforcement, service
    // routing, Pod Identity credentials): installed before the first node group. The VPC CNI has its own
    // identity (Pod Identity), not the node role's: its association exists before its pods do.
    this.vpcCniIdentity = new VpcCniIdentity(this, 'vpc-cni-identity', {
      clusterName, roleNamePrefix: iamRoleNamePrefix(name, 'vpc-cni'), partition,
    });
    const vpcCni = addon('vpc-cni', 'vpcCni', 'vpc-cni', {
      // Without enableNetworkPolicy, GitLab's per-workspace NetworkPolicies are accepted and silently not
      // enforced. Prefix delegation: each secondary address slot of a node's ENIs holds a /28 prefix (16 pod
      // addresses), so pods are not capped by the ENI formula (m6i.2xlarge: 58) and a node takes whole /28
      // blocks of its subnet; one prefix kept warm (EKS user guide, cni-increase-ip-addresses). The workspace
      // nodes' max pods match it (VPC_CNI_PREFIX_DELEGATION, lib/capacity nodeGroupMaxPods).
      configurationValues: { enableNetworkPolicy: 'true', env: VPC_CNI_PREFIX_DELEGATION },
      dependsOn: this.vpcCniIdentity.dependables,
    });
    const kubeProxy = addon('kube-proxy', 'kubeProxy', 'kube-proxy');
    const podIdentityAgent = addon('pod-identity-agent', 'podIdentityAgent', 'eks-pod-identity-agent');

    // Nodes: every one from a launch template with IMDSv2 required, hop limit 1, encrypted gp3 root,
    // at the control plane's Kubernetes version and the AMI release AWS recommends for it.
    this.volumeKey = new VolumeEncryptionKey(this, 'volume-key', {
      clusterName: name, accountId, partition, deletionWindowInDays: clusterConfig.kmsKeyDeletionWindowDays, preventDestroy,
    });
    // One role per pool: a workspace node's credentials (what an escape from a workspace reaches) are not
    // the system nodes', and its ECR pulls can be limited to the repositories workspaces may use.
    this.nodeRole = new NodeRole(this, 'node-role', {
      namePrefix: iamRoleNamePrefix(name, 'node'), partition, description: `EKS system nodes of ${name}`,
    });
    const ecrRepositories = nodes.workspaces.ecrRepositories;
    this.workspaceNodeRole = new NodeRole(this, 'workspace-node-role', {
      namePrefix: iamRoleNamePrefix(name, 'workspace-node'), partition, description: `EKS workspace nodes of ${name}`,
      ecrPulls: ecrRepositories === undefined ? undefined : {
        accountId,
        repositoryArns: ecrRepositories.map((r) => ecrRepositoryArn(r, { partition, region: aws.region, accountId })),
      },
    });
    // Nodes also need the NAT routes to pull images and register while they boot.
    const nodesNeed = [vpcCni.addon, kubeProxy.addon, podIdentityAgent.addon, ...this.network.egress];
    const releaseParameters = new Map<string, DataAwsSsmParameter>();
    const releaseParameter = (amiType: string): DataAwsSsmParameter => {
      let parameter = releaseParameters.get(amiType);
      if (parameter === undefined) {
        parameter = new DataAwsSsmParameter(this, `ami-release-${amiType.toLowerCase().replace(/_/g, '-')}`, {
          name: amiReleaseVersionParameter(amiType, clusterConfig.kubernetesVersion),
        });
        releaseParameters.set(amiType, parameter);
      }
      return parameter;
    };
    const releaseVersion = (amiType: string): string => releaseParameter(amiType).insecureValue;
    const common = { clusterName, volumeKmsKeyArn: this.volumeKey.arn };
    const systemPool = { ...common, nodeRoleArn: this.nodeRole.arn, dependsOn: [...nodesNeed, ...this.nodeRole.policies] };
    const workspacePool = { ...common, nodeRoleArn: this.workspaceNodeRole.arn, dependsOn: [...nodesNeed, ...this.workspaceNodeRole.policies] };
    const launchTemplatePrefix = (group: string) => `${name}-${group}-`;

    const systemAmi = poolAmiType(nodes, 'system');
    this.systemNodes = new ManagedNodeGroup(this, 'system-nodes', {
      ...systemPool,
      name: 'system',
      launchTemplateNamePrefix: launchTemplatePrefix('system'),
      kubernetesVersion,
      amiType: systemAmi,
      // A pinned release rolls the nodes when it is changed; without one, the nodes keep the release they
      // were created (or last upgraded to a new minor) with: an apply never rolls them because AWS
      // published an image. A check warns when it falls behind (below).
      releaseVersion: nodes.system.releaseVersion ?? releaseVersion(systemAmi),
      keepImageRelease: nodes.system.releaseVersion === undefined,
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
    // the zone of a stopped workspace's EBS volume; per generation, so a new node template never drains
    // the nodes running workspaces (see workspaceGroupPlans). The sudo runtime decides the rest of the
    // template: the image (Sysbox: Ubuntu), labels its installer selects, taints its RuntimeClass tolerates.
    const ws = nodes.workspaces;
    const runtime = configRuntime(config);
    const workspaceImage = workspaceNodeImage(config);
    this.workspaceRuntimeNodes = runtime.nodes(workspaceImage);
    const runtimeNodes = this.workspaceRuntimeNodes;
    const volumes = imageVolumeDevices(workspaceImage);
    if (workspaceImage.kind === 'ubuntu-eks') {
      this.workspaceUbuntuImage = new UbuntuEksImage(this, 'workspace-image', {
        kubernetesVersion: clusterConfig.kubernetesVersion, release: workspaceImage.release, arch: workspaceImage.arch, serial: workspaceImage.serial,
      });
    }
    const ubuntu = this.workspaceUbuntuImage;
    // Max pods for prefix delegation (EKS's 110 under 30 vCPUs, 250 above; the smallest of the types).
    const workspaceMaxPods = nodeGroupMaxPods(ws.instanceTypes);
    // The image and how it boots. A custom AMI (Ubuntu) is not bootstrapped by EKS: its user data joins
    // the cluster and registers the node's labels and taints from the start. (Always the current config's:
    // a running group ignores its template, so a retiring group's nodes stay as they were built.)
    const workspaceImageProps = (labels: Record<string, string>, taints: readonly NodeTaint[]): Partial<ManagedNodeGroupProps> => {
      if (ubuntu) {
        return {
          imageId: ubuntu.imageId,
          userData: ubuntuEksBootstrapScript({
            clusterName,
            apiServerEndpoint: this.cluster.endpoint,
            certificateAuthority: this.cluster.certificateAuthorityData,
            dnsClusterIp: Fn.cidrhost(this.cluster.cluster.kubernetesNetworkConfig.serviceIpv4Cidr, 10),
            labels,
            taints,
            seccompDefault: runtimeNodes.seccompDefault,
            maxPods: workspaceMaxPods,
          }),
        };
      }
      const amiType = poolAmiType(nodes, 'workspaces');
      const settings = { sysctl: runtimeNodes.bottlerocketSysctl, seccompDefault: runtimeNodes.seccompDefault, maxPods: workspaceMaxPods };
      return {
        amiType,
        releaseVersion: releaseVersion(amiType),
        kubernetesVersion,
        userData: isBottlerocket(amiType) ? bottlerocketSettings(settings) : al2023UserData(settings),
      };
    };
    const groupPlans = workspaceGroupPlans(config, this.network);
    this.workspaceNodes = groupPlans.map((g) => {
      // What the generation's nodes were built for: the runtime's labels (set when the group is created,
      // kept for its life) and taints (kept when it retires, so still nothing else lands there),
      const built = g.runtime === config.runtime ? runtimeNodes : sudoRuntime(g.runtime, config.runtimes).nodes(workspaceImage);
      const labels = { [POOL_LABEL]: WORKSPACES_POOL, [WORKSPACE_GENERATION_LABEL]: String(g.generation), ...built.templateLabels };
      // and, on the current generation, the installer's startup taints, which it removes once the runtime
      // runs on the node: a retiring generation starts no nodes).
      const taints = [...built.taints, ...(g.retiring ? [RETIRING_TAINT] : (built.startupTaints ?? []))];
      const group = new ManagedNodeGroup(this, g.id, {
        ...workspacePool,
        ...workspaceImageProps(labels, taints),
        name: g.name,
        launchTemplateNamePrefix: launchTemplatePrefix(g.name),
        rootDeviceName: volumes.data,
        // Bottlerocket: new nodes' data volume from a snapshot that holds the workspace images.
        rootSnapshotId: ws.dataVolumeSnapshotId,
        otherVolumeDeviceNames: volumes.others.length > 0 ? volumes.others : undefined,
        keepNodesOnTemplateChange: true,
        subnetIds: g.subnetIds,
        zone: g.zone,
        instanceTypes: ws.instanceTypes,
        capacityType: ws.capacityType,
        minSize: g.retiring ? 0 : ws.minSize,
        desiredSize: g.retiring ? 0 : ws.desiredSize,
        maxSize: ws.maxSize,
        diskSizeGiB: ws.diskSizeGiB,
        labels,
        // The running nodes' runtime label must be the generation's runtime (absent for none): the current
        // generation refuses a runtime change (that is a new generation), a retiring one a runtime it was
        // not built for (it would get the wrong taint).
        labelCondition: {
          labels: { [RUNTIME_NODE_LABEL]: built.templateLabels[RUNTIME_NODE_LABEL] ?? '' },
          message: g.retiring ? retiringRuntimeMessage(g) : runtimeChangeMessage(config, g.name, g.generation),
        },
        // The Kubernetes minor of the running nodes: the current generation's is the cluster's (a new minor
        // is a new generation), a retiring one's what its entry says, and never so old that EKS would refuse
        // the control-plane upgrade (see generationVersionConditions).
        postconditions: generationVersionConditions(config, g),
        taints: taints.length > 0 ? taints : undefined,
        autoscalerTemplateLabels: built.autoscalerLabels,
        // The autoscaler never removes a node a workspace runs on, and removes an empty one after
        // scaleDownUnneededTime (see WORKSPACE_NODE_AUTOSCALING_OPTIONS).
        autoscalingOptions: { ...WORKSPACE_NODE_AUTOSCALING_OPTIONS, scaledownunneededtime: config.autoscaling.clusterAutoscaler.scaleDownUnneededTime },
      });
      // A group keyed by its subnet's index before groups were keyed by zone keeps its nodes (docs/operations.md).
      if (g.formerId !== undefined) moveFromFormerId(group, g.formerId);
      return group;
    });

    // Image age: plan-time warnings (never errors) when a group's image falls more than maxImageAgeDays
    // behind the one AWS (Canonical, for Ubuntu) recommends now. Amazon Linux 2023 releases carry their build
    // date, compared as such; Bottlerocket's releases and Canonical's custom AMIs do not, so their AMIs'
    // creation dates are compared: the running one found from what EKS reports for the group (docs/operations.md#node-images).
    const minor = clusterConfig.kubernetesVersion;
    const recommendedImages = new Map<string, DataAwsAmi>();
    const recommendedImage = (key: string, imageIdParameter: () => DataAwsSsmParameter): DataAwsAmi => {
      let image = recommendedImages.get(key);
      if (image === undefined) {
        image = recommendedAmi(this, `recommended-image-${key}`, imageIdParameter());
        recommendedImages.set(key, image);
      }
      return image;
    };
    const bottlerocketWatch = (amiType: string, group: ManagedNodeGroup) => {
      const recommended = recommendedImage(amiType.toLowerCase().replace(/_/g, '-'), () => new DataAwsSsmParameter(this, `ami-image-id-${amiType.toLowerCase().replace(/_/g, '-')}`, {
        name: bottlerocketImageIdParameter(amiType, minor),
      }));
      return { nodeGroup: group.nodeGroup, recommended, running: bottlerocketLookup(group.nodeGroup, recommended, releaseParameter(amiType), minor) };
    };
    const systemName = `\${${attributeAddress(this.systemNodes.nodeGroup, 'node_group_name')}}`;
    const systemFix = (release: string) => `set nodes.system.releaseVersion: "${release}" and deploy (the system nodes roll, a third at a time; docs/operations.md#node-images)`;
    // (The system pool takes Amazon Linux 2023 only: nodes.system.amiType and nodes.amiType.)
    addImageAgeCheck(this, 'system_node_image_age', nodes.system.maxImageAgeDays, [{
      nodeGroup: this.systemNodes.nodeGroup,
      recommended: releaseParameter(systemAmi),
      message: (running: string, recommended: string) => `The system nodes (node group ${systemName}) run AMI release ${running}, more than ${nodes.system.maxImageAgeDays} days older than the release AWS recommends for Kubernetes ${minor}, ${recommended}: ${systemFix(recommended)}`,
    }]);
    const current = this.workspaceNodes.filter((_, i) => !groupPlans[i].retiring);
    const workspaceName = (group: ManagedNodeGroup) => `Workspace node group \${${attributeAddress(group.nodeGroup, 'node_group_name')}} (generation ${ws.generation}, the current one)`;
    const workspaceRoll = (pin = '') => `and workspace groups never roll their nodes: roll them through a new generation (set nodes.workspaces.generation to ${ws.generation + 1}, add ${ws.generation} to nodes.workspaces.retiringGenerations${pin}, and deploy: docs/operations.md#monthly-image-roll)`;
    if (workspaceImage.kind === 'eks-optimized' && !isBottlerocket(workspaceImage.amiType)) {
      addImageAgeCheck(this, 'workspace_node_image_age', ws.maxImageAgeDays, current.map((group) => ({
        nodeGroup: group.nodeGroup,
        recommended: releaseParameter(workspaceImage.amiType),
        message: (running: string, recommended: string) => `${workspaceName(group)} runs AMI release ${running}, more than ${ws.maxImageAgeDays} days older than the release AWS recommends for Kubernetes ${minor}, ${recommended}, ${workspaceRoll()}`,
      })));
    } else {
      // One check per group: a check block holds at most one scoped data source (the running AMI's lookup).
      const watch = workspaceImage.kind === 'eks-optimized'
        ? (group: ManagedNodeGroup) => ({ ...bottlerocketWatch(workspaceImage.amiType, group), publisher: 'AWS' })
        : (group: ManagedNodeGroup) => ({
          nodeGroup: group.nodeGroup,
          running: customAmiLookup(group.nodeGroup),
          // The newest stable build, also when the config pins a dated one (that pin is what holds the nodes back).
          recommended: recommendedImage('ubuntu-eks', () => workspaceImage.serial === undefined && ubuntu
            ? ubuntu.parameter
            : new DataAwsSsmParameter(this, 'ubuntu-eks-current-ami-id', { name: ubuntuEksAmiParameter(workspaceImage.release, minor, workspaceImage.arch) })),
          publisher: 'Canonical',
        });
      const pin = workspaceImage.kind === 'ubuntu-eks' && workspaceImage.serial !== undefined
        ? `, raise runtimes.${config.runtime}.nodeImage.serial from ${workspaceImage.serial} to the newer build's serial (the date at the end of its name; or remove nodeImage for the newest)`
        : '';
      for (const group of current) {
        const { publisher, ...watched } = watch(group);
        addAmiAgeCheck(this, `workspace_node_image_age_${group.node.id.replace(/[^A-Za-z0-9_-]/g, '_')}`, ws.maxImageAgeDays, {
          ...watched,
          message: (running, recommended) => `${workspaceName(group)} runs AMI ${running.name}, created ${running.created}, more than ${ws.maxImageAgeDays} days before the one ${publisher} recommends for Kubernetes ${minor}, ${recommended.name}, created ${recommended.created}, ${workspaceRoll(pin)}`,
        });
      }
    }

    // Add-ons that run pods: after the system nodes exist.
    const systemNodesReady = [this.systemNodes.nodeGroup];
    const coredns = addon('coredns', 'coredns', 'coredns', {
      // On the system nodes: a CoreDNS pod on a workspace node would keep the autoscaler from removing it.
      configurationValues: { nodeSelector: SYSTEM_SCHEDULING.nodeSelector },
      dependsOn: systemNodesReady,
    });
    // Pods that call AWS APIs need cluster DNS up first, or they crash-loop until it is.
    new EbsCsiDriver(this, 'ebs-csi', {
      clusterName, kubernetesVersion, partition,
      version: addonVersion(config, 'ebsCsiDriver', 'aws-ebs-csi-driver'),
      roleNamePrefix: iamRoleNamePrefix(name, 'ebs-csi'),
      kmsKeyArns: [this.volumeKey.arn],
      configurationValues: {
        controller: {
          nodeSelector: SYSTEM_SCHEDULING.nodeSelector,
          tolerations: [
            { key: SYSTEM_TAINT.key, operator: 'Exists' },
            { operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
          ],
        },
      },
      dependsOn: [...systemNodesReady, coredns.addon],
    });

    // Scheduled backups of workspace volumes (the platform stack's StorageClass tags them for the selection).
    if (config.storage.backups.enabled) {
      this.volumeBackups = new WorkspaceVolumeBackups(this, 'volume-backups', {
        clusterName: name,
        volumeKeyArn: this.volumeKey.arn,
        partition,
        schedule: config.storage.backups.schedule,
        retentionDays: config.storage.backups.retentionDays,
        roleNamePrefix: iamRoleNamePrefix(name, 'backup'),
        preventDestroy,
      });
    }

    // The autoscaler's IAM identity; the platform stack installs the autoscaler itself.
    this.autoscalerIdentity = new ClusterAutoscalerIdentity(this, 'autoscaler', {
      clusterName, roleNamePrefix: iamRoleNamePrefix(name, 'autoscaler'),
    });

    // Destroy stops here, before the cluster or the volume key is touched, while workspace volumes
    // encrypted with the key remain (they are not in Terraform state).
    this.volumeKeyGuard = new VolumeKeyGuard(this, 'volume-key-guard', {
      volumeKeyArn: this.volumeKey.arn,
      region: aws.region,
      protects: [this.volumeKey.key.key, this.cluster.cluster, this.systemNodes.nodeGroup, ...this.workspaceNodes.map((g) => g.nodeGroup)],
    });

    // The workspace domain's hosted zone, when the workspaces proxy serves workspaces.
    const gitlab = config.gitlab;
    if (gitlab?.proxy === 'enabled') {
      this.hostedZone = new WorkspacesHostedZone(this, 'workspaces-zone', {
        dnsZone: workspaceDomain(gitlab),
        create: gitlab.hostedZone.create,
        zoneId: gitlab.hostedZone.id,
        zoneName: gitlab.hostedZone.name,
        preventDestroy,
        ...(hostedZoneParent(gitlab) && { parentZone: hostedZoneParent(gitlab) }),
      });
      // The load balancer's targets follow the system group: target groups and attachments here, where a
      // change that replaces the group (instance types, AMI type, capacity type, subnets) replaces the
      // attachment in the same apply, new before old (create_before_destroy on both). In the platform stack
      // the attachment would name the old group until that stack is applied again, with no targets meanwhile.
      this.workspacesTargetGroups = new WorkspacesTargetGroups(this, 'workspaces-targets', {
        vpcId: this.network.vpcId,
        httpNodePort: gitlab.entryPoint.httpNodePort,
        sshNodePort: gitlab.entryPoint.sshNodePort,
        autoScalingGroupNames: [this.systemNodes.nodeGroup.resources.get(0).autoscalingGroups.get(0).name],
      });
    }

    // Outputs, named for what the user does next. Those the platform stack reads are its contract with
    // this stack (CLUSTER_OUTPUTS, docs/stacks.md): stable names, never renamed by a refactor.
    const out = (id: string, value: unknown, description: string): TerraformOutput => publishClusterOutput(this, id, value, description);
    out('cluster_name', clusterName, 'The EKS cluster name');
    out('region', aws.region, 'The AWS region');
    out('kubeconfig_command', `aws eks update-kubeconfig --region ${aws.region} --name ${clusterName}`, 'Run this to point kubectl at the cluster');
    out(CLUSTER_OUTPUTS.clusterEndpoint, this.cluster.endpoint, 'The Kubernetes API server URL');
    out(CLUSTER_OUTPUTS.clusterCertificateAuthorityData, this.cluster.certificateAuthorityData, 'The base64 PEM of the cluster\'s certificate authority (not a secret)');
    out('kubernetes_version', kubernetesVersion, 'The Kubernetes version of the control plane');
    out('upgrade_policy', clusterConfig.upgradePolicy, 'The EKS support tier once the version leaves standard support');
    out(CLUSTER_OUTPUTS.vpcId, this.network.vpcId, 'The VPC id');
    out(CLUSTER_OUTPUTS.privateSubnetIds, this.network.privateSubnetIds, 'Node subnets');
    out(CLUSTER_OUTPUTS.publicSubnetIds, this.network.publicSubnetIds, 'Load balancer subnets');
    out(CLUSTER_OUTPUTS.clusterSecurityGroupId, this.cluster.clusterSecurityGroupId, 'The security group EKS manages for the control plane and nodes');
    out('node_role_arn', this.nodeRole.arn, 'The IAM role of the system nodes');
    out('workspace_node_role_arn', this.workspaceNodeRole.arn, 'The IAM role of the workspace nodes (generations created before it keep node_role_arn until they retire)');
    out('workspace_node_groups', this.workspaceNodes.map((g) => g.name), 'The autoscaled workspace node groups (current generation first)');
    // Worked out at synth from the config (lib/capacity): a literal, as `gitlab-workspaces capacity` prints it.
    const capacity = stackCapacity(config);
    out('workspace_capacity', capacity.ok
      ? {
        max_workspaces: capacity.report.maxWorkspaces,
        binding_limit: capacity.report.bindingLimit,
        workspaces_per_node: capacity.report.node.workspaces,
        instance_type: capacity.report.node.instanceType,
        max_nodes: capacity.report.nodes.max,
        max_pods_per_node: capacity.report.node.maxPods,
      }
      : { unknown: capacity.message },
    'Concurrent default-sized workspaces the config holds, and the limit that binds (gitlab-workspaces capacity shows every limit)');
    out('secrets_kms_key_arn', this.cluster.secretsKey.arn, 'KMS key encrypting Kubernetes Secrets');
    out(CLUSTER_OUTPUTS.volumesKmsKeyArn, this.volumeKey.arn, 'KMS key encrypting node and workspace volumes');
    if (this.volumeBackups) {
      out('workspace_backup_vault', this.volumeBackups.vault.name, 'The AWS Backup vault of workspace volume recovery points (docs/operations.md#workspace-volume-backups)');
      out('workspace_backup_role_arn', this.volumeBackups.role.arn, 'The IAM role AWS Backup backs up and restores workspace volumes with');
    }
    if (this.hostedZone) {
      out(CLUSTER_OUTPUTS.hostedZoneId, this.hostedZone.zoneId, 'The Route 53 zone of the workspace records');
      out('hosted_zone_name_servers', this.hostedZone.nameServers,
        gitlab && hostedZoneParent(gitlab)
          ? `The name servers of the created zone, delegated by this stack in the parent zone ${gitlab.hostedZone.parentZoneName ?? gitlab.hostedZone.parentZoneId} (NS record ${workspaceDomain(gitlab)})`
          : gitlab?.hostedZone.create
          ? `Delegate ${workspaceDomain(gitlab)} to these name servers (NS records in the parent domain): the platform stack's certificate validation waits for it`
          : 'The name servers of the zone that holds the workspace records');
    }
    if (this.workspacesTargetGroups) {
      out(CLUSTER_OUTPUTS.httpTargetGroupArn, this.workspacesTargetGroups.httpTargetGroup.arn, 'The target group of the workspaces load balancer\'s HTTPS listener (the proxy\'s HTTP NodePort on the system nodes)');
      out(CLUSTER_OUTPUTS.sshTargetGroupArn, this.workspacesTargetGroups.sshTargetGroup.arn, 'The target group of the workspaces load balancer\'s SSH listener (the proxy\'s SSH NodePort on the system nodes)');
    }
  }

  /** At synth: required_version and qualified provider sources (see terraform-settings.ts). */
  prepareStack(): void {
    super.prepareStack();
    applyTerraformSettings(this);
  }
}

/**
 * The plan error of a current-generation workspace group whose running nodes were built for another
 * runtime than the config names (Terraform fills in the label it finds).
 */
function runtimeChangeMessage(config: WorkspacesConfig, groupName: string, generation: number): string {
  const next = generation + 1;
  return `Workspace node group ${groupName} has nodes built for runtime \${try(self.labels["${RUNTIME_NODE_LABEL}"], "none")}, and the config asks for runtime: ${config.runtime}. `
    + `A running node group keeps its nodes (replacing them would kill the workspaces on them), so a runtime change goes through a new generation: `
    + `set nodes.workspaces.generation to ${next}, add ${generation} to nodes.workspaces.retiringGenerations, and deploy again.`;
}

/**
 * The plan errors about the Kubernetes minor of a workspace group's running nodes (`self.version`; unknown,
 * so not checked, until a new group exists). EKS refuses UpdateClusterVersion while a managed node group is
 * not at the control plane's current minor (EKS user guide, update-cluster: "the Kubernetes minor version of
 * the managed nodes ... must be the same as your control plane's version"), and workspace groups never
 * roll their nodes (keepNodesOnTemplateChange), so:
 * - the current generation's nodes must be at cluster.kubernetesVersion: a new minor is a new generation,
 *   and the message names the generation to add and the retiring entry to write;
 * - a retiring generation's nodes at most one minor behind it (an older one blocks the upgrade: empty it
 *   first), and at the minor its entry records.
 */
function generationVersionConditions(config: WorkspacesConfig, g: WorkspaceGroupPlan): Array<{ condition: string; message: string }> {
  // A group EKS reports no version for (a custom AMI, should EKS leave it out) is not judged here.
  const known = (condition: string) => `self.version == null || self.version == "" || ${condition}`;
  const cluster = config.cluster.kubernetesVersion;
  const clusterMinor = kubernetesMinor(cluster);
  const running = '${self.version}';
  const entry = retiringEntryText(config, g.generation, g.runtime, running);
  if (!g.retiring) {
    return [{
      condition: known(`self.version == "${cluster}"`),
      message: `Workspace node group ${g.name} (generation ${g.generation}, the current one) has nodes at Kubernetes ${running}, and cluster.kubernetesVersion is ${cluster}. `
        + `A workspace group never rolls its nodes (that would kill the workspaces running there), so a new Kubernetes minor reaches workspace nodes through a new generation: `
        + `set nodes.workspaces.generation to ${g.generation + 1}, add ${entry} to nodes.workspaces.retiringGenerations, and deploy again `
        + `(the control plane upgrades, generation ${g.generation + 1} comes up at ${cluster}, generation ${g.generation} keeps its nodes and workspaces: docs/operations.md#kubernetes-minor-upgrades).`,
    }];
  }
  const previous = `1.${clusterMinor - 1}`;
  return [
    {
      condition: known(`try(tonumber(split(".", self.version)[1]), ${clusterMinor}) >= ${clusterMinor - 1}`),
      message: `Workspace node group ${g.name} (retiring generation ${g.generation}) has nodes at Kubernetes ${running}, and cluster.kubernetesVersion asks for ${cluster}: EKS upgrades the control plane only while every managed node group is at its current minor, so generation ${g.generation} blocks the upgrade. `
        + `Keep cluster.kubernetesVersion at ${previous} until generation ${g.generation} is empty: its workspaces stop within the agent's max_active_hours_before_stop (36 hours unless gitlab.remote_development sets it), or stop them in GitLab, or drain its nodes (kubectl drain -l ${WORKSPACE_GENERATION_LABEL}=${g.generation} --ignore-daemonsets --delete-emptydir-data: their workspaces restart on the current generation); `
        + `then remove ${g.generation} from nodes.workspaces.retiringGenerations, deploy, and upgrade (docs/operations.md#emptying-a-retiring-generation).`,
    },
    {
      condition: known(`self.version == "${g.kubernetesVersion}"`),
      message: `Workspace node group ${g.name} (retiring generation ${g.generation}) has nodes at Kubernetes ${running}, and nodes.workspaces.retiringGenerations has it built at ${g.kubernetesVersion} (an entry without kubernetesVersion: cluster.kubernetesVersion). `
        + `Write its entry as ${entry}, and deploy again.`,
    },
  ];
}

/**
 * The plan error of a retiring workspace group whose nodes were built for another runtime than its
 * entry in `retiringGenerations` says (it would lose, or gain, a runtime taint).
 */
function retiringRuntimeMessage(g: WorkspaceGroupPlan): string {
  const found = `\${try(self.labels["${RUNTIME_NODE_LABEL}"], "none")}`;
  return `Workspace node group ${g.name} (retiring generation ${g.generation}) has nodes built for runtime ${found}, and nodes.workspaces.retiringGenerations has it built for runtime: ${g.runtime} (an entry written as a bare number: the current runtime). `
    + `A retiring generation keeps the taint of the runtime its nodes were built for: write its entry as {generation: ${g.generation}, runtime: ${found}}, and deploy again.`;
}

/**
 * The workspace node groups: for the current generation and each retiring one, a group per zone (or one
 * across zones). Retiring groups are tainted so no new workspace lands there, keep their nodes while
 * workspaces run on them, and shrink to zero as the autoscaler removes their empty nodes.
 *
 * Zonal groups are keyed (construct id and name) by their zone, never by the position of a subnet in a
 * list: reordering subnets or adding one in a new zone leaves the running groups alone. So the zones
 * must be known at synth (`network.availabilityZones`, `network.existingVpc.privateSubnetZones`).
 */
export function workspaceGroupPlans(config: WorkspacesConfig, network: ClusterNetwork): WorkspaceGroupPlan[] {
  const ws = config.nodes.workspaces;
  const zones = ws.perZone ? subnetsByZone(network) : [];
  return workspaceGenerations(config).flatMap((g) => {
    if (!ws.perZone) {
      return [{ ...g, id: `workspace-nodes-g${g.generation}`, name: `workspaces-g${g.generation}`, subnetIds: network.privateSubnetIds }];
    }
    return zones.map(({ zone, subnetIds, firstIndex }) => ({
      ...g,
      id: `workspace-nodes-g${g.generation}-${zone}`,
      name: workspaceGroupName(g.generation, zone, config.aws.region),
      subnetIds,
      zone,
      formerId: `workspace-nodes-g${g.generation}-${firstIndex}`,
    }));
  });
}

/** The private subnets by zone, zones in the order of their first subnet; refused when a zone is unknown at synth. */
function subnetsByZone(network: ClusterNetwork): Array<{ zone: string; subnetIds: string[]; firstIndex: number }> {
  const byZone = new Map<string, { zone: string; subnetIds: string[]; firstIndex: number }>();
  network.privateSubnetIds.forEach((subnetId, i) => {
    const zone = network.privateSubnetZones[i];
    if (zone === undefined || Token.isUnresolved(zone)) {
      throw new Error(`workspace node groups per zone need the zone of each private subnet at synth (they are named and keyed by zone, so reordering subnets never replaces them), and the zone of ${Token.isUnresolved(subnetId) ? `private subnet ${i + 1}` : subnetId} is only known at plan time: `
        + 'list network.availabilityZones for a VPC the stack creates, network.existingVpc.privateSubnetZones for an existing one (ExistingNetwork: privateSubnetZones), or set nodes.workspaces.perZone: false');
    }
    const entry = byZone.get(zone) ?? { zone, subnetIds: [], firstIndex: i };
    entry.subnetIds.push(subnetId);
    byZone.set(zone, entry);
  });
  return [...byZone.values()];
}

/**
 * The name (prefix) of a zonal workspace group: `workspaces-g<generation>-<zone>`, or with the zone's
 * suffix after the region (`-a`) when the whole zone name would pass EKS's limit.
 */
export function workspaceGroupName(generation: number, zone: string, region: string): string {
  const whole = `workspaces-g${generation}-${zone}`;
  if (whole.length < NODE_GROUP_NAME_PREFIX_MAX) return whole;
  const suffix = zone.startsWith(region) ? zone.slice(region.length).replace(/^-+/, '') : zone;
  return `workspaces-g${generation}-${suffix}`;
}
