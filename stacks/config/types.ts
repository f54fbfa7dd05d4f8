/**
 * The stack config as the loader returns it: every default from the JSON Schema
 * (`schemas/workspaces.config.schema.json`, the single source of truth) already filled in.
 * Keep these types in step with the schema; `test/stacks/config.test.ts` checks that the embedded
 * default config loads to exactly this shape.
 */

import type { AgentRbac } from '../../lib/gitlab/gitlab-agent';
import type { KataShim } from '../../lib/runtimes/kata';
import type { SysboxContainerRuntime } from '../../lib/runtimes/sysbox';
import type { RuntimeName } from '../../lib/runtimes/types';

export type NatGatewayMode = 'one-per-zone' | 'single';
export type { ControlPlaneLogType } from '../../lib/cluster/eks-cluster';
import type { ControlPlaneLogType } from '../../lib/cluster/eks-cluster';
export type CapacityType = 'ON_DEMAND' | 'SPOT';
export type AmiType = 'AL2023_x86_64_STANDARD' | 'AL2023_ARM_64_STANDARD';
/** Workspace nodes may also run Bottlerocket (x86_64). */
export type WorkspaceAmiType = AmiType | 'BOTTLEROCKET_x86_64';

export interface StateConfig {
  readonly backend: 'local' | 's3';
  readonly bucket?: string;
  readonly keyPrefix: string;
  readonly region?: string;
  readonly useLockfile: boolean;
  readonly kmsKeyId?: string;
}

export interface ExistingVpcConfig {
  readonly vpcId: string;
  readonly privateSubnetIds: readonly string[];
  readonly publicSubnetIds: readonly string[];
  /** The availability zone of each private subnet, by subnet id (required with `nodes.workspaces.perZone`). */
  readonly privateSubnetZones?: Readonly<Record<string, string>>;
  /** The IPv4 block of each private subnet, by subnet id (for the capacity's subnet-address limit). */
  readonly privateSubnetCidrs?: Readonly<Record<string, string>>;
}

export interface AwsConfig {
  readonly region: string;
  readonly defaultTags: Readonly<Record<string, string>>;
}

export interface NetworkConfig {
  readonly existingVpc?: ExistingVpcConfig;
  readonly vpcCidr: string;
  readonly availabilityZoneCount: 2 | 3;
  readonly availabilityZones?: readonly string[];
  readonly privateSubnetCidrs?: readonly string[];
  readonly publicSubnetCidrs?: readonly string[];
  readonly natGateways: NatGatewayMode;
  readonly s3GatewayEndpoint: boolean;
  readonly flowLogs: FlowLogsConfig;
}

export interface FlowLogsConfig {
  /** As written; left out: true for a VPC the stack creates, false with `existingVpc` (see dependent-defaults.ts). */
  readonly enabled: boolean;
  readonly destination: 'cloud-watch-logs' | 's3';
  /** ALL (accepted and rejected) or REJECT (refused traffic only: fewer records, less to pay). */
  readonly trafficType: 'ALL' | 'REJECT';
  /** The existing bucket of destination `s3`. */
  readonly bucket?: string;
  readonly prefix?: string;
  readonly retentionDays: number;
}

export interface ClusterConfig {
  readonly name: string;
  readonly kubernetesVersion: string;
  readonly upgradePolicy: 'STANDARD' | 'EXTENDED';
  readonly endpoint: {
    readonly publicAccess: boolean;
    readonly publicAccessCidrs: readonly string[];
    readonly allowPublicEndpointFromAnywhere: boolean;
    readonly privateAccessCidrs: readonly string[];
  };
  readonly access: { readonly adminPrincipalArns: readonly string[]; readonly clusterCreatorAdmin: boolean };
  readonly logs: { readonly types: readonly ControlPlaneLogType[]; readonly retentionDays: number };
  readonly kmsKeyDeletionWindowDays: number;
  /** Whether Terraform may destroy the cluster, the KMS keys and a created hosted zone (false: prevent_destroy). */
  readonly allowDestroy: boolean;
  /** How the Kubernetes and Helm providers authenticate (see lib/cluster/cluster-providers.ts). */
  readonly kubernetesProviderAuth: 'exec' | 'token';
}

export interface NodeGroupConfig {
  /** The pool's own image; `nodes.amiType` when left out (see `poolAmiType`). */
  readonly amiType?: AmiType;
  readonly instanceTypes: readonly string[];
  readonly capacityType: CapacityType;
  readonly minSize: number;
  readonly desiredSize: number;
  readonly maxSize: number;
  readonly diskSizeGiB: number;
}

export interface NodesConfig {
  readonly amiType: AmiType;
  readonly system: SystemNodesConfig;
  readonly workspaces: WorkspaceNodesConfig;
}

export interface SystemNodesConfig extends NodeGroupConfig {
  /** The pinned EKS-optimized AMI release; absent: the recommended one at creation (or a minor upgrade), kept. */
  readonly releaseVersion?: string;
  /** A plan warns when the running release is more than this many days older than the recommended one. */
  readonly maxImageAgeDays: number;
}

export interface WorkspaceNodesConfig extends Omit<NodeGroupConfig, 'amiType'> {
  /** The workspace pool's own image; `nodes.amiType` when left out (see `poolAmiType`). */
  readonly amiType?: WorkspaceAmiType;
  readonly perZone: boolean;
  readonly generation: number;
  /** A plan warns when the current generation's AMI release is more than this many days older than the recommended one. */
  readonly maxImageAgeDays: number;
  /** Older generations still running workspaces (see `workspaceGenerations` for the runtime of each). */
  readonly retiringGenerations: readonly RetiringGenerationConfig[];
  /**
   * The ECR repositories workspace nodes may pull from in the cluster's account (names in its region, or
   * ARNs); absent: every repository the account can read.
   */
  readonly ecrRepositories?: readonly string[];
  /** Placeholder pods per zone, each holding a default-sized workspace's room (0: scale-to-zero). */
  readonly headroom: number;
  /** Keep GitLab's tools injector image (of `gitlab.version`) on every workspace node. */
  readonly prePullToolsImage: boolean;
  /** More images kept on every workspace node (a team's devfile images). */
  readonly prePullImages: readonly string[];
  /** Bottlerocket: the snapshot every new node's data volume is created from (images already on disk). */
  readonly dataVolumeSnapshotId?: string;
}

/**
 * A retiring generation as written: its number (its nodes were built for the current `runtime` at
 * `cluster.kubernetesVersion`), or its number with the sudo runtime and/or the Kubernetes minor its nodes
 * were built for, when those changed with the generation.
 */
export type RetiringGenerationConfig = number | {
  readonly generation: number;
  readonly runtime?: RuntimeName;
  /** The Kubernetes minor the generation's nodes were built at (`"1.34"`). */
  readonly kubernetesVersion?: string;
};

/**
 * How many zones the workspace node groups span: the zones the config lists for a VPC the stack creates;
 * for an existing VPC the distinct zones of its private subnets (`privateSubnetZones`; subnets sharing a
 * zone share its group), or one per subnet when the zones are not given (with perZone: false).
 */
export function workspaceZoneCount(config: WorkspacesConfig): number {
  const { network } = config;
  const vpc = network.existingVpc;
  if (!vpc) return network.availabilityZones?.length ?? network.availabilityZoneCount;
  const zones = vpc.privateSubnetZones;
  return zones ? new Set(vpc.privateSubnetIds.map((id) => zones[id] ?? id)).size : vpc.privateSubnetIds.length;
}

/** The image of a pool: its own `amiType`, else `nodes.amiType`. */
export function poolAmiType(nodes: NodesConfig, pool: 'system' | 'workspaces'): WorkspaceAmiType {
  return nodes[pool].amiType ?? nodes.amiType;
}

export interface AutoscalingConfig {
  readonly clusterAutoscaler: {
    readonly chartVersion?: string;
    readonly imageTag?: string;
    readonly expander: 'least-waste' | 'random' | 'most-pods' | 'price' | 'priority';
    readonly scaleDownUnneededTime: string;
  };
}

export interface StorageConfig {
  readonly defaultStorageClass: {
    readonly name: string;
    readonly iops?: number;
    readonly iopsPerGiB?: number;
    readonly throughputMiBps?: number;
    readonly reclaimPolicy: 'Delete' | 'Retain';
  };
  /** As written; left out: true before Kubernetes 1.30, false from 1.30 (see dependent-defaults.ts). */
  readonly demoteGp2: boolean;
  readonly workspaceVolumesOnDestroy: 'refuse' | 'delete';
  /** Scheduled AWS Backup of workspace volumes. */
  readonly backups: BackupsConfig;
}

export interface BackupsConfig {
  readonly enabled: boolean;
  /** An AWS Backup schedule expression (UTC). */
  readonly schedule: string;
  readonly retentionDays: number;
}

export interface AddonConfig {
  /** A pinned version, `latest`, or left out for the version tested with the cluster's Kubernetes version. */
  readonly version?: string;
}

export interface AddonsConfig {
  readonly vpcCni: AddonConfig;
  readonly kubeProxy: AddonConfig;
  readonly coredns: AddonConfig;
  readonly podIdentityAgent: AddonConfig;
  readonly ebsCsiDriver: AddonConfig;
}

/**
 * Settings of the sudo runtimes (only the chosen one's may be written). Absent unless written: a runtime
 * left without settings takes its defaults from lib/runtimes, so the config of a stack without a
 * runtime carries nothing about runtimes.
 */
export interface RuntimesConfig {
  readonly sysbox?: {
    readonly installerImage: string;
    readonly containerRuntime: SysboxContainerRuntime;
    /** A dated Canonical build and its kernel; left out: the newest build. */
    readonly nodeImage?: { readonly serial: string; readonly kernel: string };
    /** nestybox/sysbox issues acknowledged (see lib/runtimes/sysbox's SYSBOX_UPSTREAM_REPORTS). */
    readonly acknowledgeUpstreamIssues?: readonly number[];
  };
  readonly kata?: {
    readonly chartVersion: string;
    readonly shim: KataShim;
    /** Left out: `kata-<shim>`. */
    readonly runtimeClassName?: string;
    readonly nestedVirtualization: boolean;
  };
  /** The deploy-time smoke test of the runtime (lib/runtimes/smoke-test); left out: on, with its defaults. */
  readonly smokeTest?: { readonly enabled: boolean; readonly timeoutMinutes: number; readonly image: string };
}

/** Whether the workspaces proxy serves workspaces, or GitLab (18.4+) does through the agent server. */
export type ProxyMode = 'enabled' | 'disabled';
/** Where the proxy's OAuth application comes from: sensitive variables, or `gitlab_application` (instance administrators). */
export type OAuthSource = 'variables' | 'instance-application';

export interface HostedZoneConfig {
  /** An existing public zone by name (`dnsZone` or a parent of it). */
  readonly name?: string;
  /** An existing public zone by id. */
  readonly id?: string;
  /** Create a public zone named `dnsZone`. */
  readonly create: boolean;
  /** With `create`: the parent domain's zone (same account) by id, where the stack delegates `dnsZone`. */
  readonly parentZoneId?: string;
  /** With `create`: the parent domain's zone (same account) by name, where the stack delegates `dnsZone`. */
  readonly parentZoneName?: string;
}

export interface AgentConfig {
  readonly name: string;
  readonly namespace: string;
  readonly chartVersion: string;
  /** The agentk image tag; absent: `gitlab.version`'s (self-managed, Dedicated) or the chart's (GitLab.com). */
  readonly imageTag?: string;
  readonly replicas: number;
  readonly rbac: AgentRbac;
  /** The GitLab project (full path) the stack registers the agent in; absent: the token is a variable. */
  readonly project?: string;
  /** The branch the agent config file is committed to; absent: the project's default branch. */
  readonly branch?: string;
  /** Owners of `/.gitlab/agents/` in the `.gitlab/CODEOWNERS` the stack commits; absent: none committed. */
  readonly codeOwners?: readonly string[];
  /** Protect the branch the config is committed to. */
  readonly protectBranch: boolean;
  /** With `project`: groups the stack shares the agent's project with (workspace users need Developer there). */
  readonly shareWithGroups?: readonly AgentProjectShare[];
}

/** A group the agent's project is shared with (`gitlab_project_share_group`). */
export interface AgentProjectShare {
  /** The group's full path. */
  readonly group: string;
  readonly accessLevel: 'developer' | 'maintainer';
}

export interface WorkspacesProxyConfig {
  readonly namespace: string;
  readonly chartVersion: string;
  readonly replicas: number;
  readonly sshHostKeyAlgorithm: 'RSA' | 'ECDSA';
}

export interface EntryPointConfig {
  /** Absent: `ssh.<dnsZone>`. */
  readonly sshHostName?: string;
  readonly sshPort: number;
  readonly allowedCidrs: readonly string[];
  readonly scheme: 'internet-facing' | 'internal';
  readonly httpNodePort: number;
  readonly sshNodePort: number;
  readonly sshIdleTimeoutSeconds: number;
  /** A Terraform duration (`75m`, `2h`): the certificate validation's create timeout. */
  readonly certificateValidationTimeout: string;
  readonly accessLogs: EntryPointAccessLogsConfig;
}

export interface EntryPointAccessLogsConfig {
  readonly enabled: boolean;
  /** Absent: the stack creates one. */
  readonly bucket?: string;
  readonly prefix?: string;
  readonly retentionDays: number;
}

export interface ImagePullSecretConfig {
  readonly name: string;
  /** Absent: the agent config's `shared_namespace` when set, else `gitlab-workspace-registry`. */
  readonly namespace?: string;
}

/** The GitLab side. Absent: the app builds the cluster without the agent, the proxy and their way in. */
export interface GitLabConfig {
  readonly url: string;
  /** The instance's GitLab version as written (checked by `gitlabVersionFromValue`); default the newest supported. */
  readonly version: unknown;
  /** Absent: derived from `url` (see `defaultKasAddress`). */
  readonly kasAddress?: string;
  /** The instance's private address blocks, allowed in workspace egress; absent: none (a public instance). */
  readonly privateCidrs?: readonly string[];
  /** Required unless `proxy: disabled`. */
  readonly dnsZone?: string;
  readonly hostedZone: HostedZoneConfig;
  readonly proxy: ProxyMode;
  /** Required with `proxy: enabled` (a semantic rule says so). */
  readonly oauth?: OAuthSource;
  readonly agent: AgentConfig;
  readonly workspacesProxy: WorkspacesProxyConfig;
  readonly entryPoint: EntryPointConfig;
  readonly imagePullSecret?: ImagePullSecretConfig;
  /**
   * The agent's `remote_development` settings as written (snake_case keys, as in the agent config file),
   * checked by lib/agent-config; `stackAgentSettings` turns them into the settings the stack uses.
   */
  readonly remote_development: Readonly<Record<string, unknown>>;
}

/** The workspace domain, which the schema requires unless `proxy: disabled`. */
export function workspaceDomain(gitlab: GitLabConfig): string {
  if (gitlab.dnsZone === undefined) throw new Error('gitlab.dnsZone is required unless proxy is disabled');
  return gitlab.dnsZone;
}

/**
 * The parent zone the stack delegates a created workspace zone from (`hostedZone.parentZoneId` or
 * `parentZoneName`, with `create`); undefined: no delegation by the stack.
 */
export function hostedZoneParent(gitlab: GitLabConfig): { readonly zoneId?: string; readonly zoneName?: string } | undefined {
  const { create, parentZoneId, parentZoneName } = gitlab.hostedZone;
  if (!create || (parentZoneId === undefined && parentZoneName === undefined)) return undefined;
  return parentZoneId !== undefined ? { zoneId: parentZoneId } : { zoneName: parentZoneName };
}

export interface WorkspacesConfig {
  /** The sudo runtime of workspaces (see lib/runtimes). */
  readonly runtime: RuntimeName;
  readonly runtimes?: RuntimesConfig;
  readonly state: StateConfig;
  readonly aws: AwsConfig;
  readonly network: NetworkConfig;
  readonly cluster: ClusterConfig;
  readonly nodes: NodesConfig;
  readonly autoscaling: AutoscalingConfig;
  readonly storage: StorageConfig;
  readonly addons: AddonsConfig;
  /** The GitLab agent, the workspaces proxy and how workspaces are reached; absent: none of them. */
  readonly gitlab?: GitLabConfig;
}
