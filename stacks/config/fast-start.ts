/**
 * Fast start, from the stack config (pure): what a placeholder of the warm headroom requests, which images
 * the pre-puller keeps on the workspace nodes, which start case the config is in and its time budget
 * (docs/start-time.md has each step's cost and its source), and the rules that refuse headroom and
 * backup settings that cannot work.
 */
import { computeCapacity } from '../../lib/capacity/capacity';
import { gitlabBehaviour } from '../../lib/common/gitlab-version';
import { settingsWorkspaceDemand } from '../../lib/capacity/default-workspace';
import { formatQuantity, parseQuantity } from '../../lib/common/quantity';
import type { PodRequests } from '../../lib/workspace/pod-requests';
import { configAgentSettings, configGitLabVersion } from './agent-settings';
import { stackCapacityInput } from './capacity';
import { configRuntime } from './runtime';
import type { Reporters } from './semantic';
import type { WorkspacesConfig } from './types';

/**
 * What one placeholder requests: a default-sized workspace, as the capacity counts it from the agent
 * settings (lib/capacity/default-workspace.ts: one container with `default_resources_per_workspace_container`
 * against the tools injector init container, as the scheduler counts them; a test holds it to the rendered
 * pod), plus the runtime's RuntimeClass overhead (Kata's VM). Undefined when the settings do not check out.
 */
export function headroomRequests(config: WorkspacesConfig): PodRequests | undefined {
  const settings = configAgentSettings(config);
  if (!settings) return undefined;
  const demand = settingsWorkspaceDemand(settings);
  const overhead = configRuntime(config).runtimeClass?.overhead;
  const quantity = (nano: bigint, format: 'DecimalSI' | 'BinarySI') => (nano === 0n ? undefined : formatQuantity({ nano, format }));
  const cpu = quantity(BigInt(demand.cpuMilli) * 1_000_000n + nano(overhead?.cpu), 'DecimalSI');
  const memory = quantity(BigInt(demand.memoryMiB) * 1024n * 1024n * 1_000_000_000n + nano(overhead?.memory), 'BinarySI');
  return { ...(cpu !== undefined && { cpu }), ...(memory !== undefined && { memory }) };
}

/** The images the pre-puller keeps on every workspace node: the tools injector's (if on), then the listed ones. */
export function prePullImages(config: WorkspacesConfig): string[] {
  const ws = config.nodes.workspaces;
  const tools = ws.prePullToolsImage ? [gitlabBehaviour(configGitLabVersion(config)).toolsInjectorImage] : [];
  return [...new Set([...tools, ...ws.prePullImages])];
}

/**
 * Typical cost of each step of a workspace start, in seconds (docs/start-time.md gives each one's range
 * and source). To Running: the pod's containers started; the editor comes up in postStart after that.
 */
export const START_STEP_SECONDS = {
  /** GitLab's partial reconciliation every 10 s: on average half a cycle before agentk applies the workspace. */
  agentCycle: 5,
  /** The Cluster Autoscaler notices the pending pod on its next scan (every 10 s): half a scan on average. */
  autoscalerScan: 5,
  /** An EC2 instance launched, booted, joined and Ready (30-70 s on EKS). */
  newNode: 55,
  /** Scheduling, or preempting a placeholder (grace period 0). */
  schedule: 1,
  /** EBS volume created (WaitForFirstConsumer: after scheduling), attached, formatted and mounted. */
  volume: 6,
  /** GitLab's tools injector image pulled on a node without it. */
  toolsImagePull: 5,
  /** A 1-2 GB devfile image pulled and unpacked on a node without it (35-70 s). */
  imagePull: 50,
  /** The tools injector init container copies the editor into the workspace volume. */
  toolsInjector: 2,
  /** The containers created and started. */
  containerStart: 1,
} as const;

export type StartCase = 'warm' | 'new-node-pre-pulled' | 'cold';

export interface StartEstimate {
  readonly case: StartCase;
  /** Typical seconds to Running of a default-sized workspace in this case. */
  readonly seconds: number;
  /** The seconds when the headroom is used up (a new node), for the warm case. */
  readonly beyondHeadroomSeconds?: number;
  /** One line for the synth output. */
  readonly message: string;
}

const s = START_STEP_SECONDS;

/** Seconds to Running on a new node, with or without the images on its disk at boot. */
function newNodeSeconds(imagesOnDisk: boolean, toolsPrePulled: boolean): number {
  const pulls = imagesOnDisk ? 0 : s.imagePull + (toolsPrePulled ? 0 : s.toolsImagePull);
  return s.agentCycle + s.autoscalerScan + s.newNode + s.schedule + s.volume + pulls + s.toolsInjector + s.containerStart;
}

/**
 * The start case the config is in, for a workspace that starts while the pool is idle: warm (a placeholder's
 * node is waiting: headroom), a new node whose disk already holds the images (a Bottlerocket data volume
 * from a snapshot), or fully cold (a new node pulls everything). Pre-pulling on its own does not help the
 * first workspace on a new node (the DaemonSet and the workspace pull at the same time); it helps every
 * workspace that lands on a node already up, which headroom provides.
 */
export function workspaceStartCase(config: WorkspacesConfig): StartEstimate {
  const ws = config.nodes.workspaces;
  const tools = ws.prePullToolsImage;
  const listed = ws.prePullImages.length;
  const snapshot = ws.dataVolumeSnapshotId !== undefined;
  const zones = ws.perZone ? 'per zone' : 'across zones';
  const newNode = newNodeSeconds(snapshot, tools);
  if (ws.headroom > 0) {
    const pulls = (listed > 0 ? 0 : s.imagePull) + (tools ? 0 : s.toolsImagePull);
    const seconds = s.agentCycle + s.schedule + s.volume + pulls + s.toolsInjector + s.containerStart;
    const what = [tools ? 'the tools injector image' : undefined, listed > 0 ? `${listed} listed image${listed === 1 ? '' : 's'}` : undefined].filter((x) => x !== undefined);
    const images = what.length > 0 ? `${what.join(' and ')} pre-pulled` : 'no image pre-pulled';
    const devfileImage = listed > 0 ? 'for workspaces whose images are in nodes.workspaces.prePullImages' : 'with the devfile image pulled at start (list it in nodes.workspaces.prePullImages to skip that)';
    return {
      case: 'warm',
      seconds,
      beyondHeadroomSeconds: newNode,
      message: `workspace start: warm (${ws.headroom} placeholder${ws.headroom === 1 ? '' : 's'} ${zones}, ${images}): ~${seconds} s to Running ${devfileImage}, for up to ${ws.headroom} concurrent start${ws.headroom === 1 ? '' : 's'} ${zones}; beyond that a new node: ~${newNode} s (docs/start-time.md)`,
    };
  }
  if (snapshot) {
    return {
      case: 'new-node-pre-pulled',
      seconds: newNode,
      message: `workspace start: new node with pre-pulled images (no headroom; images on the Bottlerocket data volume snapshot): ~${newNode} s to Running when no workspace node has room; set nodes.workspaces.headroom for ~${s.agentCycle + s.schedule + s.volume + s.toolsInjector + s.containerStart} s (docs/start-time.md)`,
    };
  }
  return {
    case: 'cold',
    seconds: newNode,
    message: `workspace start: fully cold (no headroom, images pulled on a new node): ~${newNode} s to Running when no workspace node has room; set nodes.workspaces.headroom and nodes.workspaces.prePullImages for ~${s.agentCycle + s.schedule + s.volume + s.toolsInjector + s.containerStart} s (docs/start-time.md)`,
  };
}

/** Nano-units of a quantity (0 when absent or not one). */
function nano(text: string | undefined): bigint {
  return text === undefined ? 0n : (parseQuantity(text)?.nano ?? 0n);
}

/** The headroom rules: placeholders that hold room, and that the workspace nodes can hold. */
export function checkHeadroom(config: WorkspacesConfig, r: Reporters): void {
  const ws = config.nodes.workspaces;
  if (ws.headroom === 0) return;
  const path = ['nodes', 'workspaces', 'headroom'];
  const requests = headroomRequests(config);
  if (!requests) return; // the agent settings rule reports why
  if (requests.cpu === undefined && requests.memory === undefined) {
    r.error('headroom', path, 'headroom needs placeholders sized like a workspace, and gitlab.remote_development.default_resources_per_workspace_container requests nothing: set its requests, or set headroom: 0');
    return;
  }
  // How many placeholders a workspace node holds: the capacity's per-node figure (allocatable CPU and
  // memory after kube-reserved and the DaemonSets, max pods; placeholders claim no volume).
  const prepared = stackCapacityInput(config);
  if (!prepared.ok) return;
  const fit = computeCapacity({ ...prepared.input, workspace: { ...prepared.input.workspace, volumes: 0 }, workspacesQuota: -1 });
  if (!fit.ok) return; // an instance type the tables do not know: the capacity command says so
  const node = fit.report.node;
  const each = `${requests.cpu ?? '0'} CPU and ${requests.memory ?? '0'} memory`;
  if (node.workspaces === 0) {
    r.error('headroom', path, `a placeholder requests ${each}, a default-sized workspace's, and a ${node.instanceType} node has room for none (after what it reserves and its DaemonSets): it would never be scheduled; use larger nodes.workspaces.instanceTypes or smaller default requests`);
    return;
  }
  // At most this many fit on maxSize nodes: placeholders beyond it stay pending forever.
  const most = node.workspaces * ws.maxSize;
  if (ws.headroom > most) {
    const group = ws.perZone ? 'each zone\'s workspace node group' : 'the workspace node group';
    r.error('headroom', path, `headroom ${ws.headroom} asks for more room than ${group} can ever have: ${ws.maxSize} ${node.instanceType} node${ws.maxSize === 1 ? '' : 's'} (nodes.workspaces.maxSize) hold${ws.maxSize === 1 ? 's' : ''} at most ${most} placeholders of ${each} (a default-sized workspace's requests; ${node.workspaces} per node, as \`gitlab-workspaces capacity\` counts them); lower headroom or raise maxSize`);
  }
}

/** The Bottlerocket data volume snapshot: Bottlerocket only (its second volume holds the container images). */
export function checkDataVolumeSnapshot(config: WorkspacesConfig, r: Reporters): void {
  const ws = config.nodes.workspaces;
  if (ws.dataVolumeSnapshotId === undefined) return;
  const amiType = ws.amiType ?? config.nodes.amiType;
  if (amiType !== 'BOTTLEROCKET_x86_64' || configRuntime(config).requiredImage !== undefined) {
    r.error('data-volume-snapshot', ['nodes', 'workspaces', 'dataVolumeSnapshotId'],
      `a data volume snapshot needs Bottlerocket workspace nodes (nodes.workspaces.amiType: BOTTLEROCKET_x86_64), whose second volume holds the container images; the workspace nodes run ${configRuntime(config).requiredImage ? `runtime ${config.runtime}'s image` : amiType}`);
  }
}

/** Backup settings written while backups are off do nothing: say so. */
export function checkBackups(config: WorkspacesConfig, r: Reporters): void {
  if (config.storage.backups.enabled) return;
  for (const key of ['schedule', 'retentionDays'] as const) {
    if (r.written(['storage', 'backups', key])) {
      r.error('backups', ['storage', 'backups', key], `\`${key}\` applies only with storage.backups.enabled: true; turn backups on, or remove it`);
    }
  }
}

/** Images listed without a tag or digest (`latest`, which moves) are pulled once and then kept stale. */
export function checkPrePullImages(config: WorkspacesConfig, r: Reporters): void {
  config.nodes.workspaces.prePullImages.forEach((image, i) => {
    const lastPart = image.slice(image.lastIndexOf('/') + 1);
    if (!image.includes('@sha256:') && (!lastPart.includes(':') || lastPart.endsWith(':latest'))) {
      r.warning('pre-pull-image', ['nodes', 'workspaces', 'prePullImages', i],
        `${image} names no version (it means :latest): nodes keep the image they pulled first while the tag moves on; pin a tag or a digest, as the devfiles that use it should`);
    }
  });
}
