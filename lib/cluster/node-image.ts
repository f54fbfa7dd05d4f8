/**
 * Node images beyond the EKS-optimized Amazon Linux 2023 default (pure): where their volumes are, where
 * their AMIs are published, and the user data that boots them. Used for Canonical's Ubuntu EKS image
 * (Sysbox installs only on Ubuntu) and Bottlerocket (user namespaces once its sysctl is raised).
 */
import type { NodeTaint } from './managed-node-group';

/** The image of a node group: an EKS-optimized AMI type, or Canonical's Ubuntu EKS image. */
export type NodeImage =
  | { readonly kind: 'eks-optimized'; readonly amiType: string }
  | { readonly kind: 'ubuntu-eks'; readonly release: UbuntuEksRelease; readonly arch: 'amd64' | 'arm64'; readonly serial?: string };

/** Ubuntu LTS releases Canonical publishes EKS worker images of (24.04 for EKS 1.31+, 22.04 for 1.29 to 1.32). */
export type UbuntuEksRelease = '24.04' | '22.04';

/** A node image in one word, for names and messages: `AL2023_x86_64_STANDARD`, `ubuntu-24.04-amd64@20250925` (or `@current`). */
export function nodeImageName(image: NodeImage): string {
  return image.kind === 'ubuntu-eks' ? `ubuntu-${image.release}-${image.arch}@${image.serial ?? 'current'}` : image.amiType;
}

/** Whether an EKS AMI type is Bottlerocket. */
export function isBottlerocket(amiType: string): boolean {
  return amiType.startsWith('BOTTLEROCKET_');
}

/**
 * The block devices of an image: `data` gets the node's disk size (container images, pod storage);
 * `others` keep the image's size. Bottlerocket boots from a small OS volume (`/dev/xvda`) and keeps
 * everything else on `/dev/xvdb`; Amazon Linux uses `/dev/xvda`; Canonical's images `/dev/sda1`.
 */
export function imageVolumeDevices(image: NodeImage): { readonly data: string; readonly others: readonly string[] } {
  if (image.kind === 'ubuntu-eks') return { data: '/dev/sda1', others: [] };
  return isBottlerocket(image.amiType) ? { data: '/dev/xvdb', others: ['/dev/xvda'] } : { data: '/dev/xvda', others: [] };
}

/**
 * The public SSM parameter holding the AMI id of Canonical's Ubuntu EKS image for a release, Kubernetes
 * version and architecture: the newest stable build (`current`), or the dated build `serial` (Canonical
 * publishes each stable build under its serial, such as `20250925`, beside `current`). Releases from
 * 23.10 on publish gp3 images, older ones gp2.
 */
export function ubuntuEksAmiParameter(release: UbuntuEksRelease, kubernetesVersion: string, arch: 'amd64' | 'arm64', serial?: string): string {
  const volume = Number(release) >= 23.1 ? 'ebs-gp3' : 'ebs-gp2';
  return `/aws/service/canonical/ubuntu/eks/${release}/${kubernetesVersion}/stable/${serial ?? 'current'}/${arch}/hvm/${volume}/ami-id`;
}

/** The AWS account Canonical publishes its Ubuntu AMIs from (the default partition; Canonical's "Find Ubuntu images on AWS"). */
export const CANONICAL_AMI_OWNER = '099720109477';

/**
 * AWS CLI commands that find the dated builds of Canonical's Ubuntu EKS image, to pin one (pure strings):
 * `serials` lists the SSM parameters under the release's `stable/` path (a dated build, where Canonical
 * publishes one, is `stable/<serial>/...` beside `stable/current/...`); `images` lists the builds by AMI
 * name, `ubuntu-eks/k8s_<k8s>/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-<serial>`, which is how
 * Canonical's documentation names a dated EKS build, deprecated ones included (Canonical deprecates all
 * but the last three serials; a deprecated AMI still launches).
 */
export function ubuntuEksPinCommands(release: UbuntuEksRelease, kubernetesVersion: string, arch: 'amd64' | 'arm64'): { readonly serials: string; readonly images: string } {
  const current = ubuntuEksAmiParameter(release, kubernetesVersion, arch);
  const stable = current.slice(0, current.indexOf('/stable/') + '/stable'.length);
  const tail = current.slice(current.indexOf('/current/') + '/current'.length);
  const codename = release === '24.04' ? 'noble' : 'jammy';
  const disk = Number(release) >= 23.1 ? 'hvm-ssd-gp3' : 'hvm-ssd';
  return {
    serials: `aws ssm get-parameters-by-path --path ${stable} --recursive --query "Parameters[?ends_with(Name, '${tail}')].[Name,Value]" --output text`,
    images: `aws ec2 describe-images --owners ${CANONICAL_AMI_OWNER} --include-deprecated --filters "Name=name,Values=ubuntu-eks/k8s_${kubernetesVersion}/images/${disk}/ubuntu-${codename}-${release}-${arch}-server-*" --query "sort_by(Images, &CreationDate)[].[Name,ImageId,CreationDate]" --output text`,
  };
}

/** What a custom-AMI node needs to join the cluster (values may be Terraform references). */
export interface NodeBootstrap {
  readonly clusterName: string;
  /** The API server URL. */
  readonly apiServerEndpoint: string;
  /** The cluster CA, base64 (as EKS returns it). */
  readonly certificateAuthority: string;
  /** The cluster DNS service address (the tenth address of the service CIDR). */
  readonly dnsClusterIp: string;
  /** Labels the kubelet registers the node with. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Taints the kubelet registers the node with, so nothing lands before they are in place. */
  readonly taints?: readonly NodeTaint[];
  /** Run containers without a seccomp profile of their own under the runtime's default (`--seccomp-default`). @default false */
  readonly seccompDefault?: boolean;
  /**
   * The kubelet's max pods (`--max-pods`, with bootstrap.sh's own ENI-based value turned off): with VPC CNI
   * prefix delegation a node has addresses for far more pods than the ENI formula gives. @default the image's
   */
  readonly maxPods?: number;
}

/**
 * User data for Canonical's Ubuntu EKS image in a managed node group: EKS merges no bootstrap into a custom
 * AMI's user data, so this runs the image's `/etc/eks/bootstrap.sh` (the kubelet is the `kubelet-eks`
 * snap) with the cluster's endpoint and CA, so it makes no DescribeCluster call, and registers the node's
 * labels and taints from its first moment. A shell script, which cloud-init runs.
 */
export function ubuntuEksBootstrapScript(b: NodeBootstrap): string {
  const kubeletFlags = [
    ...(b.labels && Object.keys(b.labels).length > 0 ? [`--node-labels=${Object.entries(b.labels).map(([k, v]) => `${k}=${v}`).join(',')}`] : []),
    ...(b.taints && b.taints.length > 0 ? [`--register-with-taints=${b.taints.map((t) => `${t.key}=${t.value ?? ''}:${t.effect}`).join(',')}`] : []),
    ...(b.seccompDefault ? ['--seccomp-default'] : []),
    ...(b.maxPods !== undefined ? [`--max-pods=${b.maxPods}`] : []),
  ];
  return [
    '#!/bin/bash',
    'set -o errexit -o nounset -o pipefail',
    `/etc/eks/bootstrap.sh '${b.clusterName}' \\`,
    ...(b.maxPods !== undefined ? ['  --use-max-pods false \\'] : []),
    `  --apiserver-endpoint '${b.apiServerEndpoint}' \\`,
    `  --b64-cluster-ca '${b.certificateAuthority}' \\`,
    `  --dns-cluster-ip '${b.dnsClusterIp}'${kubeletFlags.length > 0 ? ' \\' : ''}`,
    ...(kubeletFlags.length > 0 ? [`  --kubelet-extra-args '${kubeletFlags.join(' ')}'`] : []),
    '',
  ].join('\n');
}

/**
 * Bottlerocket user data (TOML) setting kernel sysctls. In a managed node group with a Bottlerocket AMI
 * type, EKS merges it with the cluster settings it writes itself.
 */
export function bottlerocketSysctlSettings(sysctl: Readonly<Record<string, string>>): string {
  return bottlerocketSettings({ sysctl }) ?? '';
}

/** What workspace nodes' user data sets besides joining the cluster. */
export interface NodeSettings {
  /** Kernel sysctls (Bottlerocket only: `settings.kernel.sysctl`). */
  readonly sysctl?: Readonly<Record<string, string>>;
  /** The kubelet's `seccompDefault`. @default false */
  readonly seccompDefault?: boolean;
  /**
   * The kubelet's `maxPods` (AL2023: nodeadm `spec.kubelet.config.maxPods`; Bottlerocket:
   * `settings.kubernetes.max-pods`): with VPC CNI prefix delegation, EKS's guidance (110 under 30 vCPUs,
   * 250 above) rather than the ENI formula. @default the image's own (the ENI formula)
   */
  readonly maxPods?: number;
}

/**
 * Bottlerocket user data (TOML): `settings.kubernetes.seccomp-default` and kernel sysctls. EKS merges it
 * with the cluster settings it writes itself; undefined when there is nothing to set.
 */
export function bottlerocketSettings(settings: NodeSettings): string | undefined {
  // Keys hold dots, so they are quoted; values are strings in Bottlerocket's settings API.
  const sysctl = Object.entries(settings.sysctl ?? {}).map(([k, v]) => `${JSON.stringify(k)} = ${JSON.stringify(v)}`);
  const kubernetes = [
    ...(settings.seccompDefault ? ['seccomp-default = true'] : []),
    ...(settings.maxPods !== undefined ? [`max-pods = ${settings.maxPods}`] : []),
  ];
  const sections = [
    ...(kubernetes.length > 0 ? [['[settings.kubernetes]', ...kubernetes]] : []),
    ...(sysctl.length > 0 ? [['[settings.kernel.sysctl]', ...sysctl]] : []),
  ];
  return sections.length === 0 ? undefined : sections.map((lines) => [...lines, ''].join('\n')).join('\n');
}

/** The boundary of the MIME document of `al2023UserData` (a fixed string no part contains). */
export const AL2023_MIME_BOUNDARY = '//gitlab-workspaces-node-config//';

/**
 * Amazon Linux 2023 user data: a MIME multi-part document with one nodeadm `NodeConfig` part whose
 * `spec.kubelet.config` nodeadm merges into the kubelet's configuration. In a managed node group EKS adds
 * its own part (the cluster's coordinates) to the same document; undefined when there is nothing to set.
 */
export function al2023UserData(settings: NodeSettings): string | undefined {
  if (!settings.seccompDefault && settings.maxPods === undefined) return undefined;
  return [
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${AL2023_MIME_BOUNDARY}"`,
    '',
    `--${AL2023_MIME_BOUNDARY}`,
    'Content-Type: application/node.eks.aws',
    '',
    '---',
    'apiVersion: node.eks.aws/v1alpha1',
    'kind: NodeConfig',
    'spec:',
    '  kubelet:',
    '    config:',
    ...(settings.seccompDefault ? ['      seccompDefault: true'] : []),
    ...(settings.maxPods !== undefined ? [`      maxPods: ${settings.maxPods}`] : []),
    '',
    `--${AL2023_MIME_BOUNDARY}--`,
    '',
  ].join('\n');
}
