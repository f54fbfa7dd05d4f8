/**
 * The stack config as the loader returns it: every default from the JSON Schema
 * (`schemas/workspaces.config.schema.json`, the single source of truth) already filled in.
 * Keep these types in step with the schema; `test/stacks/config.test.ts` checks that the embedded
 * default config loads to exactly this shape.
 */

import type { KataShim } from '../../lib/runtimes/kata';
import type { SysboxContainerRuntime } from '../../lib/runtimes/sysbox';
import type { RuntimeName } from '../../lib/runtimes/types';

export type NatGatewayMode = 'one-per-zone' | 'single';
export type ControlPlaneLogType = 'api' | 'audit' | 'authenticator' | 'controllerManager' | 'scheduler';
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
  readonly flowLogs: { readonly enabled: boolean; readonly retentionDays: number };
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
  readonly system: NodeGroupConfig;
  readonly workspaces: WorkspaceNodesConfig;
}

export interface WorkspaceNodesConfig extends Omit<NodeGroupConfig, 'amiType'> {
  /** The workspace pool's own image; `nodes.amiType` when left out (see `poolAmiType`). */
  readonly amiType?: WorkspaceAmiType;
  readonly perZone: boolean;
  readonly generation: number;
  readonly retiringGenerations: readonly number[];
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
  readonly demoteGp2: boolean;
  readonly workspaceVolumesOnDestroy: 'refuse' | 'delete';
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
  readonly sysbox?: { readonly installerImage: string; readonly containerRuntime: SysboxContainerRuntime };
  readonly kata?: {
    readonly chartVersion: string;
    readonly shim: KataShim;
    /** Left out: `kata-<shim>`. */
    readonly runtimeClassName?: string;
    readonly nestedVirtualization: boolean;
  };
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
}
