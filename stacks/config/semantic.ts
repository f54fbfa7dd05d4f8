/**
 * The config rules a JSON Schema cannot express: sizes that must agree, CIDRs that must nest and not
 * overlap, versions that must match. Runs after the schema check, on the config with defaults filled in.
 */
import { Diagnostic } from '../../lib/common/diagnostics';
import { Cidr, cidrContains, cidrOverlaps, parseCidr } from '../../lib/common/cidr';
import { formatPath, YamlPath, YamlSource } from '../../lib/common/yaml-source';
import { CLUSTER_AUTOSCALER_IMAGE_TAGS, kubernetesMinor, MIN_KUBERNETES_VERSION } from '../../lib/cluster/versions';
import { NodeGroupConfig, WorkspacesConfig } from './types';

export function checkSemantics(config: WorkspacesConfig, source: YamlSource): Diagnostic[] {
  const out: Diagnostic[] = [];
  const error = (rule: string, path: YamlPath, message: string) => out.push(source.diagnostic('error', `config/${rule}`, path, message));

  checkNetwork(config, error);
  checkCluster(config, error);
  checkNodeGroup(config.nodes.system, ['nodes', 'system'], error);
  checkNodeGroup(config.nodes.workspaces, ['nodes', 'workspaces'], error);
  checkArchitecture(config, 'system', error);
  checkArchitecture(config, 'workspaces', error);
  if (config.nodes.system.minSize < 1) {
    error('system-nodes', ['nodes', 'system', 'minSize'],
      'the system node group needs at least 1 node: CoreDNS and the Cluster Autoscaler run there, and nothing could scale it back up from 0');
  }

  const ca = config.autoscaling.clusterAutoscaler;
  const clusterMinor = kubernetesMinor(config.cluster.kubernetesVersion);
  if (clusterMinor < kubernetesMinor(MIN_KUBERNETES_VERSION)) {
    // Already reported as too old; an autoscaler message on top would only be noise.
  } else if (ca.imageTag !== undefined) {
    if (kubernetesMinor(ca.imageTag) !== clusterMinor) {
      error('autoscaler-version', ['autoscaling', 'clusterAutoscaler', 'imageTag'],
        `the Cluster Autoscaler ${ca.imageTag} does not match Kubernetes ${config.cluster.kubernetesVersion}: its minor version must be the cluster's (v1.${clusterMinor}.x)`);
    }
  } else if (!CLUSTER_AUTOSCALER_IMAGE_TAGS[config.cluster.kubernetesVersion]) {
    error('autoscaler-version', ['cluster', 'kubernetesVersion'],
      `no tested Cluster Autoscaler image for Kubernetes ${config.cluster.kubernetesVersion}; set autoscaling.clusterAutoscaler.imageTag to a v1.${clusterMinor}.x tag (tested versions: ${Object.keys(CLUSTER_AUTOSCALER_IMAGE_TAGS).join(', ')})`);
  }
  return out;
}

type Report = (rule: string, path: YamlPath, message: string) => void;

function checkCluster(config: WorkspacesConfig, error: Report): void {
  const { cluster } = config;
  if (kubernetesMinor(cluster.kubernetesVersion) < kubernetesMinor(MIN_KUBERNETES_VERSION)) {
    error('kubernetes-version', ['cluster', 'kubernetesVersion'],
      `Kubernetes ${cluster.kubernetesVersion} is too old: ${MIN_KUBERNETES_VERSION} or newer is required (user namespaces, which sudo-capable workspaces use, are on by default from 1.33)`);
  }
  if (!cluster.logs.types.includes('audit')) {
    error('audit-log', ['cluster', 'logs', 'types'],
      'the audit log cannot be turned off: workspaces run code their users did not write, and the audit log is the record of what reached the Kubernetes API; add "audit"');
  }
  if (!cluster.access.clusterCreatorAdmin && cluster.access.adminPrincipalArns.length === 0) {
    error('no-admin', ['cluster', 'access'],
      'nobody would administer the cluster: with clusterCreatorAdmin false, list at least one IAM role in adminPrincipalArns (and run cdktf deploy as one of them)');
  }
  for (const key of ['publicAccessCidrs', 'privateAccessCidrs'] as const) {
    cluster.endpoint[key].forEach((c, i) => networkBlock(c, ['cluster', 'endpoint', key, i], error));
  }
  if (!cluster.endpoint.publicAccess && cluster.endpoint.privateAccessCidrs.length === 0) {
    error('unreachable-api', ['cluster', 'endpoint', 'publicAccess'],
      'with publicAccess false, only the nodes could reach the Kubernetes API, and cdktf deploy installs the storage class and the autoscaler through it; list the addresses you deploy from (VPN, CI runners in the VPC) in privateAccessCidrs');
  }
}

function checkNetwork(config: WorkspacesConfig, error: Report): void {
  const { network, aws } = config;
  const count = network.availabilityZoneCount;
  const vpc = networkBlock(network.vpcCidr, ['network', 'vpcCidr'], error);
  if (!vpc) return;
  if (vpc.prefixLength < 16 || vpc.prefixLength > 28) {
    error('vpc-size', ['network', 'vpcCidr'], `a VPC block must be between /16 and /28 (AWS limit), not /${vpc.prefixLength}`);
    return;
  }
  const computed = !network.privateSubnetCidrs || !network.publicSubnetCidrs;
  if (computed && vpc.prefixLength > 20) {
    error('vpc-size', ['network', 'vpcCidr'],
      `a /${vpc.prefixLength} VPC is too small for the default subnet plan (one /${vpc.prefixLength + 3} private block per zone); use /16 to /20, or give privateSubnetCidrs and publicSubnetCidrs`);
  }

  if (network.availabilityZones) {
    if (network.availabilityZones.length !== count) {
      error('zone-count', ['network', 'availabilityZones'],
        `lists ${network.availabilityZones.length} zones but availabilityZoneCount is ${count}; list exactly ${count} zones or change availabilityZoneCount`);
    }
    network.availabilityZones.forEach((z, i) => {
      if (!z.startsWith(aws.region)) {
        error('zone-region', ['network', 'availabilityZones', i], `${z} is not a zone of the region ${aws.region}; zones of ${aws.region} look like ${aws.region}a`);
      }
    });
  }

  const all: Array<{ cidr: string; block: Cidr; path: YamlPath }> = [];
  for (const key of ['privateSubnetCidrs', 'publicSubnetCidrs'] as const) {
    const list = network[key];
    if (!list) continue;
    if (list.length !== count) {
      error('zone-count', ['network', key], `lists ${list.length} blocks but availabilityZoneCount is ${count}; give one block per zone`);
    }
    list.forEach((c, i) => {
      const path: YamlPath = ['network', key, i];
      const block = networkBlock(c, path, error);
      if (!block) return;
      if (!cidrContains(vpc, block)) error('subnet-outside-vpc', path, `${c} is not inside the VPC block ${network.vpcCidr}`);
      if (key === 'privateSubnetCidrs' && block.prefixLength > 24) {
        error('subnet-size', path, `${c} is too small for nodes: every pod takes an address of the node subnet (VPC CNI); use /24 or larger`);
      }
      for (const other of all) {
        if (cidrOverlaps(other.block, block)) error('subnet-overlap', path, `${c} overlaps ${other.cidr} (${formatPath(other.path)}); subnets must not overlap`);
      }
      all.push({ cidr: c, block, path });
    });
  }
}

function checkNodeGroup(group: NodeGroupConfig, path: YamlPath, error: Report): void {
  if (group.minSize > group.maxSize) {
    error('node-group-size', [...path, 'minSize'], `minSize ${group.minSize} is larger than maxSize ${group.maxSize}; sizes must satisfy minSize <= desiredSize <= maxSize`);
  } else if (group.desiredSize < group.minSize || group.desiredSize > group.maxSize) {
    error('node-group-size', [...path, 'desiredSize'],
      `desiredSize ${group.desiredSize} is outside ${group.minSize}..${group.maxSize}; sizes must satisfy minSize <= desiredSize <= maxSize`);
  }
}

/**
 * Whether an EC2 instance type runs on Graviton (arm64): a `g` among the attribute letters after the
 * generation digit (m7g, c6gn, im4gn, x2gd, g5g), or the first-generation a1.
 */
export function isArmInstanceType(type: string): boolean {
  return /^a1\./.test(type) || /^[a-z]+\d+[a-z-]*g[a-z-]*\./.test(type);
}

function checkArchitecture(config: WorkspacesConfig, group: 'system' | 'workspaces', error: Report): void {
  const arm = config.nodes.amiType === 'AL2023_ARM_64_STANDARD';
  config.nodes[group].instanceTypes.forEach((type, i) => {
    if (isArmInstanceType(type) === arm) return;
    error('instance-architecture', ['nodes', group, 'instanceTypes', i], arm
      ? `${type} is an x86_64 instance type, but nodes.amiType is AL2023_ARM_64_STANDARD; use Graviton types (such as m7g.large) or amiType AL2023_x86_64_STANDARD`
      : `${type} is a Graviton (arm64) instance type, but nodes.amiType is ${config.nodes.amiType}; use x86_64 types (such as m6i.large) or amiType AL2023_ARM_64_STANDARD`);
  });
}

/**
 * The block a CIDR value names, for the checks that compare blocks. Reports a block written with host
 * bits set (ambiguous: the address or its network?), naming the network address to write instead.
 * Undefined when the value is unusable: malformed values were already reported by the schema.
 */
function networkBlock(text: string, path: YamlPath, error: Report): Cidr | undefined {
  const parsed = parseCidr(text);
  if (!parsed.ok) return undefined;
  if (parsed.cidr.hostBitsSet) {
    error('cidr-host-bits', path, `${text} has host bits set; write the network address (e.g. ${parsed.cidr.canonical})`);
    return undefined;
  }
  return parsed.cidr;
}
