/**
 * The config rules of the sudo runtimes: a runtime the rest of the config cannot support is refused at
 * synth time, with why and what to change, instead of failing when a developer first opens a workspace.
 */
import { instanceTypeVcpus, isArmInstanceType, isMetalInstanceType, offersNestedVirtualization } from '../../lib/cluster/instance-types';
import { isBottlerocket, ubuntuEksAmiParameter, ubuntuEksPinCommands } from '../../lib/cluster/node-image';
import { kubernetesMinor, MIN_KUBERNETES_VERSION } from '../../lib/cluster/versions';
import { installerImageTag, SYSBOX_DEFAULT_CONTAINER_RUNTIME, SYSBOX_DEPLOY_IMAGE, SYSBOX_KNOWN_GOOD_KERNEL, SYSBOX_MIN_VCPUS, sysboxUpstreamReports } from '../../lib/runtimes/sysbox';
import { USER_NAMESPACE_IMAGES } from '../../lib/runtimes/user-namespaces';
import { YamlPath } from '../../lib/common/yaml-source';
import { DEFAULT_GITLAB_VERSION, GITLAB_CHANGES, gitlabBehaviour } from '../../lib/common/gitlab-version';
import { stackGitLabVersion } from './agent-settings';
import { configRuntime, workspaceNodeImage } from './runtime';
import type { Reporters, SemanticRule } from './semantic';
import { poolAmiType, WorkspacesConfig } from './types';

/** The runtimes that take settings under `runtimes`. */
const RUNTIMES_WITH_SETTINGS = ['sysbox', 'kata'] as const;

/** The runtime rules (see SemanticRule), each with the config paths it reads. */
export const RUNTIME_RULES: readonly SemanticRule[] = [
  { name: 'runtime settings', reads: [['runtime']], check: checkRuntimeSettings },
  { name: 'runtime Kubernetes version', reads: [['runtime'], ['runtimes'], ['cluster', 'kubernetesVersion']], check: checkKubernetesVersion },
  { name: 'runtime GitLab version', reads: [['runtime'], ['runtimes'], ['gitlab', 'version']], check: checkUserNamespacesInGitLab },
  {
    name: 'runtime nodes',
    reads: [['runtime'], ['runtimes'], ['nodes', 'amiType'], ['nodes', 'workspaces', 'amiType'], ['nodes', 'workspaces', 'instanceTypes'], ['cluster', 'kubernetesVersion']],
    check: checkRuntimeNodes,
  },
];

/** Settings under `runtimes` for another runtime than the one chosen. */
function checkRuntimeSettings(config: WorkspacesConfig, r: Reporters): void {
  for (const name of RUNTIMES_WITH_SETTINGS) {
    if (name !== config.runtime && r.written(['runtimes', name])) {
      r.error('runtime-settings', ['runtimes', name],
        `\`runtimes.${name}\` applies only with runtime: ${name}, and the runtime is ${config.runtime}; remove it, or set runtime: ${name}`);
    }
  }
}

/** What the runtime needs of the workspace nodes. */
function checkRuntimeNodes(config: WorkspacesConfig, r: Reporters): void {
  switch (config.runtime) {
    case 'sysbox':
      return checkSysbox(config, r);
    case 'kata':
      return checkKata(config, r);
    case 'user-namespaces':
      return checkUserNamespaces(config, r);
    case 'none':
      return;
  }
}

/** Where a problem with the workspace nodes' image is reported: the amiType the user wrote, else `runtime`. */
function workspaceAmiPath(r: Reporters): YamlPath {
  if (r.written(['nodes', 'workspaces', 'amiType'])) return ['nodes', 'workspaces', 'amiType'];
  return r.written(['nodes', 'amiType']) ? ['nodes', 'amiType'] : ['runtime'];
}

/** The GitLab version from which `use_kubernetes_user_namespaces` renders `hostUsers: false` (before: `true`). */
const HOST_USERS_FIXED_SINCE = GITLAB_CHANGES.find((c) => c.set.hostUsersFixed)!.since;

/**
 * A runtime whose workspaces run in Kubernetes user namespaces (user namespaces; Sysbox on containerd)
 * needs a GitLab that renders `hostUsers: false` for them: before 18.6 GitLab rendered `hostUsers: true`,
 * which runs the workspace in the node's user namespace, root with privilege escalation and no sandbox.
 */
function checkUserNamespacesInGitLab(config: WorkspacesConfig, r: Reporters): void {
  if (!configRuntime(config).agentSettings.useKubernetesUserNamespaces) return;
  const gitlab = gitlabBehaviour(config.gitlab ? stackGitLabVersion(config.gitlab) : DEFAULT_GITLAB_VERSION);
  if (gitlab.hostUsersFixed) return;
  const sysbox = config.runtime === 'sysbox';
  const instead = sysbox
    ? 'set runtimes.sysbox.containerRuntime: cri-o (CRI-O gives pods their user namespace through an annotation), or'
    : 'use runtime kata, or sysbox with runtimes.sysbox.containerRuntime: cri-o, or';
  // Sysbox on containerd: at the containerRuntime the user wrote, if written.
  const path: YamlPath = sysbox && r.written(['runtimes', 'sysbox', 'containerRuntime']) ? ['runtimes', 'sysbox', 'containerRuntime'] : ['runtime'];
  r.error('runtime-gitlab-version', path,
    `runtime ${config.runtime}${sysbox ? ' on containerd' : ''} needs GitLab ${HOST_USERS_FIXED_SINCE} or later: it runs workspaces in Kubernetes user namespaces (use_kubernetes_user_namespaces: true), `
    + `and GitLab ${gitlab.version} (gitlab.version) renders their pods with hostUsers: true, in the node's user namespace: root with allow_privilege_escalation: true and no sandbox at all; `
    + `${instead} upgrade GitLab to ${HOST_USERS_FIXED_SINCE} or later and set gitlab.version to match`);
}

/** The Kubernetes versions the runtime's installer supports (a version too old for the stack is reported already). */
function checkKubernetesVersion(config: WorkspacesConfig, r: Reporters): void {
  const range = configRuntime(config).kubernetesVersions;
  const version = config.cluster.kubernetesVersion;
  const minor = kubernetesMinor(version);
  if (!range || Number.isNaN(minor) || minor < kubernetesMinor(MIN_KUBERNETES_VERSION)) return;
  const tooOld = range.min !== undefined && minor < kubernetesMinor(range.min);
  const tooNew = range.max !== undefined && minor > kubernetesMinor(range.max);
  if (!tooOld && !tooNew) return;
  const supported = range.max === undefined ? `${range.min} or newer` : `${range.min} to ${range.max}`;
  const path: YamlPath = r.written(['cluster', 'kubernetesVersion']) ? ['cluster', 'kubernetesVersion'] : ['runtime'];
  r.error('runtime-kubernetes-version', path,
    `runtime ${config.runtime} cannot run on Kubernetes ${version}: ${range.by} supports Kubernetes ${supported}, and workspaces would wait for nodes that never run it; use Kubernetes ${tooNew ? range.max : range.min}, or another runtime`);
}

function checkSysbox(config: WorkspacesConfig, r: Reporters): void {
  const image = workspaceNodeImage(config);
  const release = image.kind === 'ubuntu-eks' ? image.release : '24.04';
  if (r.written(['nodes', 'workspaces', 'amiType'])) {
    r.error('runtime-node-image', ['nodes', 'workspaces', 'amiType'],
      `with runtime sysbox the workspace nodes run Canonical's Ubuntu ${release} EKS image (looked up in SSM under /aws/service/canonical/ubuntu/eks/): sysbox-deploy-k8s installs only on Ubuntu, not on ${config.nodes.workspaces.amiType}; remove nodes.workspaces.amiType`);
  }
  checkSysboxUpstreamReports(config, r);
  checkSysboxNodeImagePinned(config, r);
  config.nodes.workspaces.instanceTypes.forEach((type, i) => {
    const vcpus = instanceTypeVcpus(type);
    if (vcpus !== undefined && vcpus < SYSBOX_MIN_VCPUS && !isArmInstanceType(type)) {
      r.warning('sysbox-node-size', ['nodes', 'workspaces', 'instanceTypes', i],
        `${type} has ${vcpus} vCPU${vcpus === 1 ? '' : 's'}; Sysbox recommends at least ${SYSBOX_MIN_VCPUS} per node (its sysbox-mgr and sysbox-fs run beside the workspaces); use an xlarge or larger type`);
    }
  });
}

/**
 * Sysbox nodes on the newest Canonical build (`stable/current`) draw a warning: their kernel is whatever
 * Ubuntu's rolling AWS kernel is when a node is built (6.8 at 24.04's release, 6.17 on EKS 1.35 nodes in
 * nestybox/sysbox#1035, newer since), so a node the autoscaler adds next month may run a kernel no one has
 * reported Sysbox working on. The warning names the commands that list the dated builds to pin one.
 * A combination already refused for an unpinned kernel (containerd) is not warned about twice.
 */
function checkSysboxNodeImagePinned(config: WorkspacesConfig, r: Reporters): void {
  const sysbox = config.runtimes?.sysbox;
  if (sysbox?.nodeImage !== undefined) return;
  const acknowledged = new Set(sysbox?.acknowledgeUpstreamIssues ?? []);
  if (sysboxUpstreamReports(sysbox ?? {}).some((report) => report.except !== undefined && !report.issues.every((i) => acknowledged.has(i)))) return;
  const image = workspaceNodeImage(config);
  if (image.kind !== 'ubuntu-eks') return;
  const k8s = config.cluster.kubernetesVersion;
  const commands = ubuntuEksPinCommands(image.release, k8s, image.arch);
  const path: YamlPath = r.written(['runtimes', 'sysbox']) ? ['runtimes', 'sysbox'] : ['runtime'];
  r.warning('sysbox-node-image-unpinned', path,
    `runtime sysbox runs the workspace nodes on the newest Canonical Ubuntu ${image.release} EKS build (${ubuntuEksAmiParameter(image.release, k8s, image.arch)}), `
    + `whose kernel follows Ubuntu's rolling AWS kernel (6.8 at ${image.release}'s release, 6.17 on EKS 1.35 nodes in nestybox/sysbox#1035, newer since) and changes whenever Canonical publishes a build; `
    + `upstream reports Sysbox working on 6.8 and has no report for ${SYSBOX_DEFAULT_CONTAINER_RUNTIME} on newer kernels either way. `
    + `Pin a dated build and state its kernel: runtimes.sysbox.nodeImage: {serial: "YYYYMMDD", kernel: "6.8"}. `
    + `List the dated builds with \`${commands.serials}\` (the serial is the path segment after stable/) `
    + `or, by AMI name, \`${commands.images}\` (the serial ends the name); `
    + `read a build's kernel with uname -r on a node launched from it (docs/runtimes.md)`);
}

/**
 * A Sysbox combination (installer, container runtime, node kernel) that upstream reports broken is refused
 * unless `acknowledgeUpstreamIssues` lists every issue of the report (see SYSBOX_UPSTREAM_REPORTS).
 */
function checkSysboxUpstreamReports(config: WorkspacesConfig, r: Reporters): void {
  const sysbox = config.runtimes?.sysbox;
  const acknowledged = new Set(sysbox?.acknowledgeUpstreamIssues ?? []);
  const installer = installerImageTag(sysbox?.installerImage ?? SYSBOX_DEPLOY_IMAGE);
  const containerRuntime = sysbox?.containerRuntime ?? SYSBOX_DEFAULT_CONTAINER_RUNTIME;
  const kernel = sysbox?.nodeImage?.kernel;
  for (const report of sysboxUpstreamReports(sysbox ?? {})) {
    if (report.issues.every((i) => acknowledged.has(i))) continue;
    const path: YamlPath = r.written(['runtimes', 'sysbox', 'containerRuntime']) ? ['runtimes', 'sysbox', 'containerRuntime']
      : r.written(['runtimes', 'sysbox', 'installerImage']) ? ['runtimes', 'sysbox', 'installerImage'] : ['runtime'];
    const issues = report.issues.map((i, n) => (n === 0 ? `nestybox/sysbox#${i}` : `#${i}`)).join(', ');
    const nodes = kernel === undefined ? 'the newest Canonical Ubuntu 24.04 EKS build (kernel not pinned)' : `kernel ${kernel} (runtimes.sysbox.nodeImage)`;
    const defaultInstaller = installerImageTag(SYSBOX_DEPLOY_IMAGE)!;
    const kernelFix = (report.installers.includes(defaultInstaller) ? '' : `the installer ${defaultInstaller} (runtimes.sysbox.installerImage), `)
      + (report.except?.includes(SYSBOX_KNOWN_GOOD_KERNEL) ? `pin runtimes.sysbox.nodeImage to a Canonical build with kernel ${SYSBOX_KNOWN_GOOD_KERNEL}, ` : '');
    r.error('sysbox-upstream-broken', path,
      `runtime sysbox with sysbox-deploy-k8s ${installer} on ${containerRuntime} and ${nodes} is a combination upstream reports broken (${issues}): ${report.what}; `
      + `use runtimes.sysbox.containerRuntime: cri-o, ${kernelFix}or, to accept the risk, set runtimes.sysbox.acknowledgeUpstreamIssues: [${report.issues.join(', ')}]`);
  }
}

function checkKata(config: WorkspacesConfig, r: Reporters): void {
  const ws = config.nodes.workspaces;
  const kvm = 'Kata Containers runs each workspace in a virtual machine, and EC2 gives a node hardware virtualization (/dev/kvm) only on bare-metal instance types';
  const nested = 'nested virtualization (cpu_options.nested_virtualization), which EKS managed node groups drop from the launch template (aws/containers-roadmap#2784), and the stack\'s workspace nodes are managed node groups';
  if (config.runtimes?.kata?.nestedVirtualization) {
    r.error('kata-nested-virtualization', ['runtimes', 'kata', 'nestedVirtualization'],
      `Kata on C8i/M8i/R8i needs ${nested}; use bare-metal workspace instance types (*.metal, such as m7i.metal-24xl) and remove nestedVirtualization`);
  }
  if (r.written(['nodes', 'workspaces', 'instanceTypes'])) {
    ws.instanceTypes.forEach((type, i) => {
      if (isMetalInstanceType(type) || isArmInstanceType(type)) return; // arm64 is refused by the architecture rule
      r.error('kata-instance-type', ['nodes', 'workspaces', 'instanceTypes', i],
        `${type} is not bare metal: ${kvm}${offersNestedVirtualization(type) ? `; ${type} could only offer it through ${nested}` : ''}; use *.metal types such as m7i.metal-24xl, c7i.metal-24xl or m6i.metal`);
    });
  } else {
    r.error('kata-instance-type', ['runtime'],
      `runtime kata needs bare-metal workspace nodes: ${kvm}, and the default nodes.workspaces.instanceTypes (${ws.instanceTypes.join(', ')}) are not; set nodes.workspaces.instanceTypes to *.metal types such as m7i.metal-24xl`);
  }
  const amiType = poolAmiType(config.nodes, 'workspaces');
  if (isBottlerocket(amiType)) {
    r.error('runtime-node-image', workspaceAmiPath(r),
      `kata-deploy cannot install on ${amiType}: it copies Kata's binaries to the node and rewrites containerd's configuration, which Bottlerocket's read-only, API-managed system does not allow; use AL2023_x86_64_STANDARD`);
  }
}

function checkUserNamespaces(config: WorkspacesConfig, r: Reporters): void {
  const amiType = poolAmiType(config.nodes, 'workspaces');
  const version = config.cluster.kubernetesVersion;
  const image = USER_NAMESPACE_IMAGES[amiType];
  const supported = Object.keys(USER_NAMESPACE_IMAGES).filter((t) => !t.includes('ARM')).join(', ');
  if (!image) {
    r.error('runtime-node-image', workspaceAmiPath(r),
      `${amiType} nodes cannot run pods in user namespaces (they need Linux 6.3+, containerd 2.0+ and idmapped mounts); use ${supported}`);
  } else if (kubernetesMinor(version) < kubernetesMinor(image.fromKubernetes) && kubernetesMinor(version) >= kubernetesMinor(MIN_KUBERNETES_VERSION)) {
    r.error('runtime-node-image', workspaceAmiPath(r),
      `${amiType} nodes run pods in user namespaces from Kubernetes ${image.fromKubernetes} (${image.why}), not on ${version}`);
  }
}
