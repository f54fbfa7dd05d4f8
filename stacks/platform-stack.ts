/**
 * The platform stack: everything that talks to the Kubernetes API or Helm, on a cluster the cluster
 * stack made. Its Kubernetes and Helm providers are configured from the cluster stack's outputs (read by
 * their stable names from that stack's state: see cluster-outputs.ts), never from a cluster created in the same
 * Terraform run: so a plan works before, during and after a cluster replacement, and this stack can be
 * applied on its own from wherever the API is reachable (inside the VPC for a private endpoint).
 * The sudo runtime's installer and RuntimeClass live here. With a `gitlab` section, the GitLab side joins
 * it (see gitlab-side.ts): the agent, the workspaces proxy, and the AWS resources that follow the
 * proxy's lifecycle (certificate, load balancer, DNS records).
 */
import { Annotations, TerraformOutput, TerraformResource, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import {
  ClusterAutoscaler,
  ClusterProviders,
  DefaultStorageClass,
  ImagePrePuller,
  NodeGuard,
  POOL_LABEL,
  RETIRING_TAINT,
  SYSTEM_SCHEDULING,
  VolumeKeyGuard,
  WARM_NAMESPACE,
  WORKSPACE_BACKUP_TAG,
  WORKSPACE_GENERATION_LABEL,
  WorkspaceHeadroom,
  WORKSPACES_POOL,
  WorkspaceVolumeCleanup,
} from '../lib/cluster';
import { runtimeAgentSettingsFileShape } from '../lib/runtimes/agent-settings';
import { RuntimeInstallation } from '../lib/runtimes/runtime-installation';
import { RuntimeSmokeTest } from '../lib/runtimes/smoke-test';
import { tolerationOf } from '../lib/runtimes/types';
import type { WorkspacesClusterStack } from './cluster-stack';
import { headroomRequests, prePullImages, workspaceStartCase } from './config/fast-start';
import { nodeImageName } from '../lib/cluster/node-image';
import { configRuntime, workspaceNodeImage } from './config/runtime';
import { WorkspacesConfig } from './config/types';
import { ClusterStackOutputs } from './cluster-outputs';
import { GitLabSide } from './gitlab-side';
import { configStateBackend, configureStateBackend, localStateWarning, StackBackendFactory } from './state-backend';
import { applyTerraformSettings } from './terraform-settings';

/** Every resource in a construct's tree (data sources are read, never destroyed: no order to keep). */
function resourcesOf(scope: Construct): TerraformResource[] {
  return scope.node.findAll().filter((c): c is TerraformResource => c instanceof TerraformResource);
}

/** The platform stack's id for a cluster stack id. */
export function platformStackId(clusterStackId: string): string {
  return `${clusterStackId}-platform`;
}

export interface WorkspacesPlatformStackProps {
  /**
   * The cluster stack whose outputs (endpoint, CA, key, network, node groups) this stack reads; its config
   * is this stack's config.
   */
  readonly clusterStack: WorkspacesClusterStack;
  /**
   * Makes the stack's Terraform backend (create it in the stack given).
   * @default the config's `state` section (a local file, or S3)
   */
  readonly backend?: StackBackendFactory;
}

export class WorkspacesPlatformStack extends TerraformStack {
  /** The checked stack config (the cluster stack's). */
  readonly config: WorkspacesConfig;
  /** The cluster stack this one reads. */
  readonly clusterStack: WorkspacesClusterStack;
  /**
   * The cluster stack's outputs, read by their contract names from its state (never a cdktf cross-stack
   * reference, whose generated names a refactor would change).
   */
  readonly clusterOutputs: ClusterStackOutputs;
  readonly providers: ClusterProviders;
  readonly storageClass: DefaultStorageClass;
  readonly autoscaler: ClusterAutoscaler;
  /**
   * The node guard (ValidatingAdmissionPolicy): nothing running on a node can move the labels and taints
   * that keep system components off workspace nodes. The autoscaler, agent and proxy wait for it.
   */
  readonly nodeGuard: NodeGuard;
  /**
   * With `storage.workspaceVolumesOnDestroy: delete`: deletes the workspaces' claims on destroy, before
   * every other resource of the stack goes but the GitLab agent, which recreates workspaces: the agent
   * depends on it, so it is removed first.
   */
  readonly workspaceVolumeCleanup?: WorkspaceVolumeCleanup;
  /**
   * With `storage.workspaceVolumesOnDestroy: refuse` (the default): stops destroy while workspace volumes
   * remain, before any other resource of the stack goes (it depends on all of them).
   */
  readonly volumeKeyGuard?: VolumeKeyGuard;
  /** The sudo runtime's installer and RuntimeClass (nothing to install for none and user namespaces). */
  readonly runtime: RuntimeInstallation;
  /** The runtime's deploy-time smoke test (a sudo runtime with runtimes.smokeTest.enabled, the default). */
  readonly runtimeSmokeTest?: RuntimeSmokeTest;
  /** The namespace of the warm headroom and the image pre-puller (when either is on). */
  readonly warmNamespace?: NamespaceV1;
  /** With `nodes.workspaces.headroom` above 0: the placeholders holding room for workspaces. */
  readonly headroom?: WorkspaceHeadroom;
  /** With images to pre-pull (the tools injector's by default): the DaemonSet that keeps them on workspace nodes. */
  readonly imagePrePuller?: ImagePrePuller;
  /** With a `gitlab` section: the agent, the workspaces proxy and how workspaces are reached. */
  readonly gitlab?: GitLabSide;

  constructor(scope: Construct, id: string, props: WorkspacesPlatformStackProps) {
    super(scope, id);
    const { clusterStack } = props;
    const config = clusterStack.config;
    this.config = config;
    this.clusterStack = clusterStack;
    const { aws, cluster: clusterConfig, storage } = config;
    configureStateBackend(this, id, props.backend ?? configStateBackend(config.state, aws.region));
    // The GitLab side's secrets end up in this stack's state: say so when the config keeps it in a local file.
    const stateWarning = props.backend ? undefined : localStateWarning(config, id);
    if (stateWarning) Annotations.of(this).addWarning(stateWarning);

    // While cluster.allowDestroy is false the cluster stack refuses destroy at plan (its cluster and keys
    // carry prevent_destroy). This stack's destroy guard (or volume cleanup) carries it too: `destroy '*'`
    // would otherwise take the workspaces' agent, proxy and way in away first, and then stop at the cluster.
    const preventDestroy = !clusterConfig.allowDestroy;
    // Applied after the cluster stack; cdktf would infer this from the references below, but the order
    // is the point of the split, so it is stated.
    this.addDependency(clusterStack);
    // Every value of the cluster stack this stack uses comes through here, by name. (The config's literals,
    // such as the cluster name and region, are used as they are.)
    const cluster = new ClusterStackOutputs(this, clusterStack.backend, clusterStack.node.id);
    this.clusterOutputs = cluster;

    // The token data source (kubernetesProviderAuth: token) and the workspaces' entry point (certificate,
    // load balancer, DNS records) need the AWS provider; exec runs the AWS CLI.
    if (clusterConfig.kubernetesProviderAuth === 'token' || config.gitlab?.proxy === 'enabled') {
      new AwsProvider(this, 'aws', { region: aws.region, defaultTags: [{ tags: { ...aws.defaultTags } }] });
    }
    this.providers = new ClusterProviders(this, 'kubernetes-access', {
      clusterName: clusterStack.clusterName,
      region: aws.region,
      auth: clusterConfig.kubernetesProviderAuth,
      // Outputs of the cluster stack, read from its state.
      endpoint: cluster.clusterEndpoint,
      certificateAuthorityData: cluster.clusterCertificateAuthorityData,
    });

    // The default StorageClass GitLab's workspace claims use (they name no class).
    this.storageClass = new DefaultStorageClass(this, 'storage', {
      kubernetesProvider: this.providers.kubernetes,
      name: storage.defaultStorageClass.name,
      kmsKeyArn: cluster.volumesKmsKeyArn,
      iops: storage.defaultStorageClass.iops,
      iopsPerGiB: storage.defaultStorageClass.iopsPerGiB,
      throughputMiBps: storage.defaultStorageClass.throughputMiBps,
      reclaimPolicy: storage.defaultStorageClass.reclaimPolicy,
      demoteGp2: storage.demoteGp2,
      // The tag AWS Backup selects workspace volumes by (the cluster stack's backup selection).
      volumeTags: storage.backups.enabled ? { [WORKSPACE_BACKUP_TAG]: clusterConfig.name } : undefined,
    });

    // System components go on the system nodes by a label nothing on a node may set or move (see NodeGuard).
    this.nodeGuard = new NodeGuard(this, 'node-guard', { kubernetesProvider: this.providers.kubernetes });

    // Node autoscaling on the system nodes (its IAM identity is in the cluster stack).
    const ca = config.autoscaling.clusterAutoscaler;
    this.autoscaler = new ClusterAutoscaler(this, 'autoscaler', {
      clusterName: clusterStack.clusterName,
      region: aws.region,
      kubernetesVersion: clusterConfig.kubernetesVersion,
      helmProvider: this.providers.helm,
      chartVersion: ca.chartVersion,
      imageTag: ca.imageTag,
      expander: ca.expander,
      scaleDownUnneededTime: ca.scaleDownUnneededTime,
      // The runtime installer's readiness taint (Sysbox: sysbox-runtime; Kata: under the startup prefix).
      startupTaints: (clusterStack.workspaceRuntimeNodes.startupTaints ?? []).map((t) => t.key),
      nodeSelector: SYSTEM_SCHEDULING.nodeSelector,
      tolerations: SYSTEM_SCHEDULING.tolerations,
      dependsOn: this.nodeGuard.dependables,
    });

    // The sudo runtime: its installer on the workspace nodes built for it (including a retiring
    // generation's, whose workspaces still use it) and the RuntimeClass that schedules workspaces there.
    const runtime = configRuntime(config);
    this.runtime = new RuntimeInstallation(this, 'runtime', {
      runtime,
      options: config.runtimes,
      nodes: clusterStack.workspaceRuntimeNodes,
      kubernetesProvider: this.providers.kubernetes,
      helmProvider: this.providers.helm,
      extraTolerations: [tolerationOf(RETIRING_TAINT)],
    });
    // The runtime's deploy-time smoke test: a pod as a workspace would run, on a workspace node the
    // autoscaler brings up, which must do what sudo does before the apply finishes (docs/runtimes.md).
    const smokeTest = config.runtimes?.smokeTest;
    if (runtime.name !== 'none' && (smokeTest?.enabled ?? true)) {
      const installed = [this.runtime.runtimeClass?.manifest, this.runtime.sysbox?.daemonSet, this.runtime.kata?.release].filter((d) => d !== undefined);
      this.runtimeSmokeTest = new RuntimeSmokeTest(this, 'runtime-smoke-test', {
        kubernetesProvider: this.providers.kubernetes,
        runtime,
        nodes: clusterStack.workspaceRuntimeNodes,
        image: smokeTest?.image,
        timeoutMinutes: smokeTest?.timeoutMinutes,
        // The current generation's nodes: a new generation (image roll, minor upgrade) is tested anew.
        nodesUnderTest: { generation: config.nodes.workspaces.generation, kubernetesVersion: config.cluster.kubernetesVersion, image: nodeImageName(workspaceNodeImage(config)) },
        dependsOn: [...installed, this.autoscaler.release],
      });
    }

    // Fast start: warm headroom (placeholders a new workspace preempts) and images kept on the workspace nodes.
    const fastStart = this.addFastStart(config, clusterStack, runtime);
    this.warmNamespace = fastStart.namespace;
    this.headroom = fastStart.headroom;
    this.imagePrePuller = fastStart.imagePrePuller;

    // Workspace volumes on destroy, opt-in: delete them before anything else of this stack goes (what it
    // runs before is collected below, once the stack is complete). The agent, which recreates workspaces,
    // depends on it instead, so it is removed first.
    if (storage.workspaceVolumesOnDestroy === 'delete') {
      this.workspaceVolumeCleanup = new WorkspaceVolumeCleanup(this, 'workspace-volume-cleanup', {
        clusterName: clusterStack.clusterName,
        region: aws.region,
        volumeKeyArn: cluster.volumesKmsKeyArn,
        preventDestroy,
      });
    }

    // The GitLab side: the agent (registered in GitLab when the config names its project), the workspaces
    // proxy, its certificate, load balancer and DNS records.
    if (config.gitlab) {
      this.gitlab = new GitLabSide(this, 'gitlab', {
        config,
        clusterStack,
        clusterOutputs: cluster,
        providers: this.providers,
        systemDependsOn: this.nodeGuard.dependables,
        // A workspace made before its RuntimeClass exists would not start; on destroy, the agent goes before
        // the volume cleanup, which must not race it.
        agentDependsOn: [
          ...(this.runtime.runtimeClass ? [this.runtime.runtimeClass.manifest] : []),
          ...(this.workspaceVolumeCleanup ? [this.workspaceVolumeCleanup.resource] : []),
        ],
      });
    }

    // Destroy deals with workspace volumes before any other resource of this stack goes: a refused destroy
    // leaves running workspaces their runtime, proxy, load balancer, certificate and records.
    if (this.workspaceVolumeCleanup) {
      const cleanup = this.workspaceVolumeCleanup;
      cleanup.needs(...resourcesOf(this).filter((r) => r !== cleanup.resource && r !== this.gitlab?.agent.release));
    } else {
      this.volumeKeyGuard = new VolumeKeyGuard(this, 'volume-key-guard', {
        volumeKeyArn: cluster.volumesKmsKeyArn,
        region: aws.region,
        protects: resourcesOf(this),
        preventDestroy,
      });
    }

    const start = workspaceStartCase(config);
    Annotations.of(this).addInfo(start.message);
    new TerraformOutput(this, 'workspace_start', {
      value: { case: start.case, seconds_to_running: start.seconds, ...(start.beyondHeadroomSeconds !== undefined && { beyond_headroom_seconds: start.beyondHeadroomSeconds }) },
      description: 'How a workspace starts while the pool is idle and its typical seconds to Running (docs/start-time.md)',
    });
    new TerraformOutput(this, 'default_storage_class', { value: this.storageClass.name, description: 'The default StorageClass workspace volumes get' });
    if (this.runtime.runtimeClass) {
      new TerraformOutput(this, 'workspace_runtime_class', {
        value: this.runtime.runtimeClass.name,
        description: `The RuntimeClass of ${runtime.name} workspaces (the agent config's default_runtime_class)`,
      });
    }
    if (runtime.name !== 'none') {
      new TerraformOutput(this, 'workspace_agent_settings', {
        value: runtimeAgentSettingsFileShape(runtime.agentSettings),
        description: `The remote_development settings ${runtime.name} workspaces need, over the agent config's own`,
      });
    }
  }

  /** At synth: required_version and qualified provider sources (see terraform-settings.ts). */
  prepareStack(): void {
    super.prepareStack();
    applyTerraformSettings(this);
  }

  /**
   * The warm headroom (one placeholder Deployment per current-generation zone group) and the image
   * pre-puller (a DaemonSet on every workspace node, retiring generations' too), in their own namespace.
   */
  private addFastStart(config: WorkspacesConfig, clusterStack: WorkspacesClusterStack, runtime: ReturnType<typeof configRuntime>):
    { namespace?: NamespaceV1; headroom?: WorkspaceHeadroom; imagePrePuller?: ImagePrePuller } {
    const ws = config.nodes.workspaces;
    const images = prePullImages(config);
    if (ws.headroom === 0 && images.length === 0) return {};
    const provider = this.providers.kubernetes;
    const namespace = new NamespaceV1(this, 'warm-namespace', {
      provider,
      // Pod Security restricted: the placeholders and the pre-puller run as non-root, capability-less, read-only.
      metadata: { name: WARM_NAMESPACE, labels: { 'app.kubernetes.io/part-of': 'gitlab-workspaces', 'pod-security.kubernetes.io/enforce': 'restricted' } },
      dependsOn: this.nodeGuard.dependables,
    });
    const headroom = ws.headroom === 0 ? undefined : this.headroomFor(config, clusterStack, runtime, namespace);
    const imagePrePuller = images.length === 0 ? undefined : new ImagePrePuller(this, 'image-pre-puller', {
      kubernetesProvider: provider,
      images,
      nodeSelector: { [POOL_LABEL]: WORKSPACES_POOL },
      // Every workspace node: the runtime's taint (its RuntimeClass label may be absent until the installer
      // ran) and a retiring generation's (its workspaces restart there until it is empty).
      tolerations: [...clusterStack.workspaceRuntimeNodes.taints.map(tolerationOf), tolerationOf(RETIRING_TAINT)],
      namespace,
    });
    return { namespace, headroom, imagePrePuller };
  }

  /** One placeholder Deployment per current-generation zone group (or one across zones). */
  private headroomFor(config: WorkspacesConfig, clusterStack: WorkspacesClusterStack, runtime: ReturnType<typeof configRuntime>, namespace: NamespaceV1): WorkspaceHeadroom {
    const ws = config.nodes.workspaces;
    const requests = headroomRequests(config);
    if (!requests) throw new Error('nodes.workspaces.headroom: the agent settings do not check out (load the config with loadConfigFile to see why)');
    // Where the runtime's workspaces go: its RuntimeClass's node labels and tolerations (Sysbox, Kata), or
    // the workspace pool (none, user namespaces: untainted workspace nodes); the current generation only.
    const runtimeClass = runtime.runtimeClass;
    return new WorkspaceHeadroom(this, 'workspace-headroom', {
      kubernetesProvider: this.providers.kubernetes,
      replicasPerZone: ws.headroom,
      // Keyed by zone, as the workspace groups are (zones are fixed at synth; subnets sharing one share a group).
      zones: ws.perZone ? [...new Set(clusterStack.network.privateSubnetZones)].map((zone) => ({ id: zone, zone })) : [{ id: 'all' }],
      requests,
      nodeSelector: { [POOL_LABEL]: WORKSPACES_POOL, [WORKSPACE_GENERATION_LABEL]: String(ws.generation), ...(runtimeClass?.nodeSelector ?? {}) },
      tolerations: runtimeClass?.tolerations ?? [],
      namespace,
    });
  }
}
