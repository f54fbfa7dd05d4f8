/**
 * What `gitlab-workspaces preflight` checks for a loaded stack config (pure: no AWS, no cdktf, no I/O).
 * Every pin is resolved with the function the stacks use, so preflight checks what a deploy would ask AWS
 * for: the add-on versions (stacks/config/addons.ts), the AMI release parameters (lib/cluster/versions.ts),
 * Canonical's Ubuntu image parameter for Sysbox nodes (lib/cluster/node-image.ts, through the runtime's
 * image choice in stacks/config/runtime.ts), the Cluster Autoscaler chart and image.
 */
import { ubuntuEksAmiParameter } from '../cluster/node-image';
import { amiReleaseVersionParameter, bottlerocketImageIdParameter, clusterAutoscalerRelease } from '../cluster/versions';
import { addonVersion } from '../../stacks/config/addons';
import { stackAgentSettings } from '../../stacks/config/agent-settings';
import { workspaceGenerations, workspaceNodeImage } from '../../stacks/config/runtime';
import { AddonsConfig, CapacityType, poolAmiType, WorkspacesConfig, workspaceZoneCount } from '../../stacks/config/types';

/** The EKS add-ons the cluster stack installs: config key and EKS name (as in stacks/cluster-stack.ts). */
export const STACK_ADDONS: ReadonlyArray<{ readonly key: keyof AddonsConfig; readonly eksName: string }> = [
  { key: 'vpcCni', eksName: 'vpc-cni' },
  { key: 'kubeProxy', eksName: 'kube-proxy' },
  { key: 'podIdentityAgent', eksName: 'eks-pod-identity-agent' },
  { key: 'coredns', eksName: 'coredns' },
  { key: 'ebsCsiDriver', eksName: 'aws-ebs-csi-driver' },
];

/** Where the node groups' zones come from. */
export type ZoneSource =
  /** `network.availabilityZones`, as listed. */
  | { readonly kind: 'listed'; readonly zones: readonly string[] }
  /**
   * `network.existingVpc`: the zones of its private subnets, and the zone the config gives each
   * (`privateSubnetZones`, which the stack keys its workspace groups by).
   */
  | { readonly kind: 'subnets'; readonly vpcId: string; readonly subnetIds: readonly string[]; readonly configuredZones?: Readonly<Record<string, string>> };

/** Node groups of one pool with the same template: `count` groups of at most `maxSize` nodes each. */
export interface NodeGroupSet {
  readonly pool: 'system' | 'workspaces';
  /** What they are, for messages ("system", "workspaces generation 2, one group per zone"). */
  readonly description: string;
  readonly instanceTypes: readonly string[];
  readonly capacityType: CapacityType;
  readonly maxSize: number;
  readonly count: number;
  /** The config key of the sizes, for fixes. */
  readonly configPath: string;
}

export type CheckSpec =
  | { readonly kind: 'region'; readonly id: string; readonly region: string }
  | {
    readonly kind: 'addon'; readonly id: string; readonly addonName: string; readonly configKey: keyof AddonsConfig;
    readonly kubernetesVersion: string;
    /** The version the stack installs; undefined: the newest EKS offers (`latest`, or no tested row). */
    readonly version?: string;
    /** Where the version comes from. */
    readonly source: 'config' | 'tested' | 'latest';
  }
  | { readonly kind: 'ssm-parameter'; readonly id: string; readonly name: string; readonly usedBy: string; readonly configPath: string }
  | { readonly kind: 'zones'; readonly id: string; readonly source: ZoneSource }
  | { readonly kind: 'instance-types'; readonly id: string; readonly pool: 'system' | 'workspaces'; readonly instanceTypes: readonly string[]; readonly configPath: string }
  | { readonly kind: 'vcpu-quota'; readonly id: string; readonly capacityType: CapacityType; readonly groups: readonly NodeGroupSet[] }
  | { readonly kind: 'hosted-zone'; readonly id: string; readonly dnsZone: string; readonly zone: { readonly by: 'name'; readonly name: string } | { readonly by: 'id'; readonly zoneId: string } | { readonly by: 'create' } }
  | { readonly kind: 'admin-principal'; readonly id: string; readonly arn: string; readonly index: number }
  | { readonly kind: 'deployer-access'; readonly id: string; readonly adminPrincipalArns: readonly string[]; readonly clusterCreatorAdmin: boolean }
  /**
   * Where the GitLab instance's name resolves from here, against the workspace egress the stack writes
   * (GitLab's default rule excepts the private ranges; `gitlab.privateCidrs` adds allow rules).
   */
  | { readonly kind: 'gitlab-address'; readonly id: string; readonly host: string; readonly egress: ReadonlyArray<{ readonly allow: string; readonly except?: readonly string[] }> }
  | {
    readonly kind: 'autoscaler'; readonly id: string; readonly kubernetesVersion: string;
    readonly chartVersion?: string; readonly imageTag?: string;
    /** Whether chart and image are the tested pair of lib/cluster/versions.ts. */
    readonly tested: boolean;
  };

export type CheckKind = CheckSpec['kind'];

/** The checks for a config, in the order they run and print. (The caller's identity is checked first, always.) */
export function planChecks(config: WorkspacesConfig): CheckSpec[] {
  const k8s = config.cluster.kubernetesVersion;
  const checks: CheckSpec[] = [{ kind: 'region', id: 'region', region: config.aws.region }];

  for (const { key, eksName } of STACK_ADDONS) {
    const pinned = config.addons[key].version;
    const version = addonVersion(config, key, eksName);
    const source = pinned === 'latest' || version === undefined ? 'latest' : pinned !== undefined ? 'config' : 'tested';
    checks.push({ kind: 'addon', id: `addon/${eksName}`, addonName: eksName, configKey: key, kubernetesVersion: k8s, version, source });
  }

  // The image parameters the cluster stack reads (one data source per parameter, shared by the pools).
  const parameters = new Map<string, { usedBy: string[]; configPath: string }>();
  const parameter = (name: string, usedBy: string, configPath: string) => {
    const entry = parameters.get(name);
    if (entry) entry.usedBy.push(usedBy);
    else parameters.set(name, { usedBy: [usedBy], configPath });
  };
  const systemAmi = poolAmiType(config.nodes, 'system');
  parameter(amiReleaseVersionParameter(systemAmi, k8s), `system nodes (${systemAmi})`, config.nodes.system.amiType ? 'nodes.system.amiType' : 'nodes.amiType');
  const image = workspaceNodeImage(config);
  if (image.kind === 'ubuntu-eks') {
    // The dated build the config pins (runtimes.sysbox.nodeImage.serial), else the current one: the parameter the stack reads.
    parameter(ubuntuEksAmiParameter(image.release, k8s, image.arch, image.serial), `workspace nodes (Ubuntu ${image.release} ${image.arch}${image.serial ? ` build ${image.serial}` : ''}, runtime ${config.runtime})`, image.serial ? 'runtimes.sysbox.nodeImage.serial' : 'runtime');
    // The image-age check compares a pinned build with the current one: the plan reads both.
    if (image.serial) parameter(ubuntuEksAmiParameter(image.release, k8s, image.arch), `workspace nodes' image age check (Ubuntu ${image.release} ${image.arch}, the current build)`, 'runtime');
  } else {
    parameter(amiReleaseVersionParameter(image.amiType, k8s), `workspace nodes (${image.amiType})`, config.nodes.workspaces.amiType ? 'nodes.workspaces.amiType' : 'nodes.amiType');
    // Bottlerocket's image-age check reads the recommended image's id.
    if (image.amiType.startsWith('BOTTLEROCKET_')) parameter(bottlerocketImageIdParameter(image.amiType, k8s), `workspace nodes' image age check (${image.amiType})`, config.nodes.workspaces.amiType ? 'nodes.workspaces.amiType' : 'nodes.amiType');
  }
  for (const [name, { usedBy, configPath }] of parameters) {
    checks.push({ kind: 'ssm-parameter', id: `ssm${name}`, name, usedBy: usedBy.join(', '), configPath });
  }

  const network = config.network;
  const zoneSource: ZoneSource = network.existingVpc
    ? { kind: 'subnets', vpcId: network.existingVpc.vpcId, subnetIds: network.existingVpc.privateSubnetIds, configuredZones: network.existingVpc.privateSubnetZones }
    // The loader refuses a VPC the stack creates without its zones listed.
    : { kind: 'listed', zones: network.availabilityZones ?? [] };
  checks.push({ kind: 'zones', id: 'zones', source: zoneSource });
  checks.push({ kind: 'instance-types', id: 'instance-types/system', pool: 'system', instanceTypes: config.nodes.system.instanceTypes, configPath: 'nodes.system.instanceTypes' });
  checks.push({ kind: 'instance-types', id: 'instance-types/workspaces', pool: 'workspaces', instanceTypes: config.nodes.workspaces.instanceTypes, configPath: 'nodes.workspaces.instanceTypes' });

  const groups = nodeGroupSets(config);
  for (const capacityType of ['ON_DEMAND', 'SPOT'] as const) {
    const of = groups.filter((g) => g.capacityType === capacityType);
    if (of.length > 0) checks.push({ kind: 'vcpu-quota', id: `vcpu-quota/${capacityType === 'SPOT' ? 'spot' : 'on-demand'}`, capacityType, groups: of });
  }

  const gitlab = config.gitlab;
  if (gitlab?.proxy === 'enabled' && gitlab.dnsZone !== undefined) {
    const hosted = gitlab.hostedZone;
    const zone = hosted.create ? { by: 'create' as const }
      : hosted.id !== undefined ? { by: 'id' as const, zoneId: hosted.id }
        : { by: 'name' as const, name: hosted.name ?? gitlab.dnsZone };
    checks.push({ kind: 'hosted-zone', id: 'hosted-zone', dnsZone: gitlab.dnsZone, zone });
  }

  const access = config.cluster.access;
  access.adminPrincipalArns.forEach((arn, index) => checks.push({ kind: 'admin-principal', id: `admin/${arn}`, arn, index }));
  checks.push({ kind: 'deployer-access', id: 'deployer-access', adminPrincipalArns: access.adminPrincipalArns, clusterCreatorAdmin: access.clusterCreatorAdmin });

  const settings = config.gitlab ? stackAgentSettings(config) : undefined;
  if (config.gitlab && settings?.ok) {
    const host = new URL(config.gitlab.url).hostname.replace(/^\[|\]$/g, '');
    checks.push({ kind: 'gitlab-address', id: 'gitlab-address', host, egress: settings.value.networkPolicy.enabled ? settings.value.networkPolicy.egress : [{ allow: '0.0.0.0/0' }, { allow: '::/0' }] });
  }

  const ca = config.autoscaling.clusterAutoscaler;
  const tested = clusterAutoscalerRelease(k8s);
  const chartVersion = ca.chartVersion ?? tested?.chartVersion;
  const imageTag = ca.imageTag ?? tested?.imageTag;
  checks.push({
    kind: 'autoscaler', id: 'autoscaler', kubernetesVersion: k8s, chartVersion, imageTag,
    tested: tested !== undefined && chartVersion === tested.chartVersion && imageTag === tested.imageTag,
  });
  return checks;
}

/**
 * The node groups the cluster stack makes, as sets with one template: the system group, and per
 * workspace generation (current and retiring) one group per zone (`perZone`) or one across zones. Every
 * workspace group keeps `maxSize` (a retiring one shrinks, but may still hold that many nodes).
 */
export function nodeGroupSets(config: WorkspacesConfig): NodeGroupSet[] {
  const { system, workspaces } = config.nodes;
  const zones = workspaceZoneCount(config);
  const perGeneration = workspaces.perZone ? zones : 1;
  return [
    {
      pool: 'system', description: 'system nodes', instanceTypes: system.instanceTypes, capacityType: system.capacityType,
      maxSize: system.maxSize, count: 1, configPath: 'nodes.system.maxSize',
    },
    ...workspaceGenerations(config).map((g): NodeGroupSet => ({
      pool: 'workspaces',
      description: `workspace generation ${g.generation}${g.retiring ? ' (retiring)' : ''}, ${workspaces.perZone ? `${perGeneration} groups (one per zone)` : '1 group'}`,
      instanceTypes: workspaces.instanceTypes, capacityType: workspaces.capacityType,
      maxSize: workspaces.maxSize, count: perGeneration, configPath: 'nodes.workspaces.maxSize',
    })),
  ];
}
