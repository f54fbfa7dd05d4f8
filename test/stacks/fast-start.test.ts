/**
 * Fast start and no lost work in the ready app: warm headroom (PriorityClass, a placeholder Deployment per
 * zone sized like a default workspace), the image pre-puller DaemonSet, the Bottlerocket data volume
 * snapshot, the start case printed at synth, and AWS Backup of workspace volumes (vault, plan, selection,
 * role, and the StorageClass tag it selects by), with the config refusals.
 */
import { AnnotationMetadataEntryType } from 'cdktf';
import { loadConfigText } from '../../stacks/config/load';
import { headroomRequests, workspaceStartCase, START_STEP_SECONDS } from '../../stacks/config/fast-start';
import {
  AUTOSCALER_EXPENDABLE_PODS_PRIORITY_CUTOFF,
  HEADROOM_PRIORITY,
  PAUSE_IMAGE,
  STATIC_BUSYBOX_IMAGE,
  WORKSPACE_BACKUP_TAG,
} from '../../lib/cluster';
import { gitlabBehaviour } from '../../lib/common/gitlab-version';
import { configFromText, GITLAB_CONFIG, REQUIRED_CONFIG, synthApp, TEST_DAY } from './helpers';


const TOOLS_18_9 = gitlabBehaviour('18.9').toolsInjectorImage;
const TOOLS_18_3 = gitlabBehaviour('18.3').toolsInjectorImage;

function errors(text: string): string[] {
  const result = loadConfigText(text, 'test.yaml', { today: TEST_DAY });
  return result.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.path}: ${d.message}`);
}
function warnings(text: string): string[] {
  const result = loadConfigText(text, 'test.yaml', { today: TEST_DAY });
  return result.diagnostics.filter((d) => d.severity === 'warning').map((d) => `${d.path}: ${d.message}`);
}

const HEADROOM = `${REQUIRED_CONFIG}nodes:
  workspaces:
    headroom: 2
    prePullImages:
      - registry.example.com/team/base:2026.11@sha256:${'a'.repeat(64)}
storage:
  backups:
    enabled: true
    schedule: cron(0 */6 * * ? *)
    retentionDays: 30
${GITLAB_CONFIG}  remote_development:
    default_resources_per_workspace_container:
      requests: {cpu: "1", memory: 2Gi}
      limits: {cpu: "2", memory: 4Gi}
`;

describe('warm headroom', () => {
  const app = synthApp(configFromText(HEADROOM));
  const p = app.platform.s;

  it('has a PriorityClass below every workspace (0) and above the autoscaler\'s expendable cutoff, that never preempts', () => {
    const pc = p.only('kubernetes_priority_class_v1');
    expect(pc.value).toBe(-5);
    // Below a workspace's 0 and above the cutoff below which the autoscaler neither scales up for a pod nor keeps its node.
    expect(pc.value).toBe(HEADROOM_PRIORITY);
    expect(pc.value).toBeLessThan(0);
    expect(pc.value).toBeGreaterThan(AUTOSCALER_EXPENDABLE_PODS_PRIORITY_CUTOFF);
    expect(app.platform.s.all('helm_release').map((r) => r.values?.[0] ?? '').join('')).not.toContain('expendable-pods-priority-cutoff');
    expect(pc.preemption_policy).toBe('Never');
    expect(pc.global_default).toBe(false);
  });

  it('runs one placeholder Deployment per zone, pinned to that zone\'s current-generation workspace nodes', () => {
    const deployments = p.all('kubernetes_deployment_v1').filter((d) => d.metadata.name.startsWith('workspace-headroom-'));
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(['workspace-headroom-eu-west-1a', 'workspace-headroom-eu-west-1b', 'workspace-headroom-eu-west-1c']);
    for (const d of deployments) {
      expect(d.metadata.namespace).toBe('${kubernetes_namespace_v1.warm-namespace.metadata[0].name}');
      expect(d.spec.replicas).toBe('2');
      const pod = d.spec.template.spec;
      expect(pod.priority_class_name).toMatch(/^\$\{kubernetes_priority_class_v1\.[^.]+\.metadata\[0\]\.name\}$/);
      expect(p.only('kubernetes_priority_class_v1').metadata.name).toBe('gitlab-workspaces-headroom');
      expect(pod.node_selector).toMatchObject({ 'gitlab-workspaces/pool': 'workspaces', 'gitlab-workspaces/generation': '1' });
      // The zone, fixed at synth (the Deployment's name ends with it).
      expect(d.metadata.name).toBe(`workspace-headroom-${pod.node_selector['topology.kubernetes.io/zone']}`);
      expect(pod.automount_service_account_token).toBe(false);
      expect(pod.termination_grace_period_seconds).toBe(0);
      expect(pod.container[0].image).toBe(PAUSE_IMAGE);
      expect(PAUSE_IMAGE).toMatch(/^registry\.k8s\.io\/pause:[\d.]+@sha256:[0-9a-f]{64}$/);
    }
    const zones = new Set(deployments.map((d) => d.spec.template.spec.node_selector['topology.kubernetes.io/zone']));
    expect(zones.size).toBe(3);
  });

  it('sizes each placeholder like a default workspace as GitLab renders it (1 CPU / 2Gi main container; tools injector 100m/256Mi runs before it)', () => {
    for (const d of p.all('kubernetes_deployment_v1').filter((x) => x.metadata.name.startsWith('workspace-headroom-'))) {
      expect(d.spec.template.spec.container[0].resources.requests).toEqual({ cpu: '1', memory: '2Gi' });
    }
  });

  it('keeps the placeholders out of GitLab\'s reach: their own namespace, without GitLab\'s agent label', () => {
    const ns = p.onlyWhere('kubernetes_namespace_v1', (n) => n.metadata.name === 'gitlab-workspaces-warm');
    expect(Object.keys(ns.metadata.labels ?? {}).some((k) => k.includes('gitlab.com'))).toBe(false);
    expect(ns.metadata.name.startsWith('gl-rd-ns-')).toBe(false);
    // Pod Security restricted: the placeholders and the pre-puller pass it.
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  it('with Kata, adds the RuntimeClass overhead and schedules like a Kata workspace (its node labels and tolerations)', () => {
    const kata = synthApp(configFromText(`${REQUIRED_CONFIG}runtime: kata
nodes:
  workspaces:
    instanceTypes: [m7i.metal-24xl]
    headroom: 1
    perZone: false
`)).platform.s;
    const d = kata.onlyWhere('kubernetes_deployment_v1', (x) => x.metadata.name === 'workspace-headroom-all');
    const pod = d.spec.template.spec;
    // 500m / 1Gi (the stack's default requests) + the qemu-runtime-rs overhead (250m / 320Mi, kata-deploy 4.1.0's).
    expect(pod.container[0].resources.requests).toEqual({ cpu: '750m', memory: '1344Mi' });
    expect(pod.node_selector).toEqual({ 'gitlab-workspaces/pool': 'workspaces', 'gitlab-workspaces/generation': '1', 'katacontainers.io/kata-runtime': 'true' });
    expect(pod.toleration).toEqual([expect.objectContaining({ key: 'gitlab-workspaces/runtime', value: 'kata', effect: 'NoSchedule' })]);
    expect(pod.runtime_class_name).toBeUndefined(); // no VM per placeholder
    // The pre-puller goes on the Kata nodes too (their runtime taint) and on a retiring generation's.
    const ds = kata.onlyWhere('kubernetes_daemon_set_v1', (x) => x.metadata.name === 'workspace-image-pre-puller');
    expect(ds.spec.template.spec.toleration.map((t: { key: string }) => t.key).sort()).toEqual(['gitlab-workspaces/retiring', 'gitlab-workspaces/runtime']);
  });
});

describe('image pre-puller', () => {
  it('pulls the tools injector image of gitlab.version and the listed images on every workspace node, with minimal requests', () => {
    const p = synthApp(configFromText(HEADROOM)).platform.s;
    const ds = p.onlyWhere('kubernetes_daemon_set_v1', (d) => d.metadata.name === 'workspace-image-pre-puller');
    const pod = ds.spec.template.spec;
    expect(pod.node_selector).toEqual({ 'gitlab-workspaces/pool': 'workspaces' });
    expect(pod.toleration).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'gitlab-workspaces/retiring' })]));
    const inits = pod.init_container;
    expect(inits[0]).toMatchObject({ image: STATIC_BUSYBOX_IMAGE, command: ['/bin/busybox', 'cp', '/bin/busybox', '/prepull/true'] });
    expect(inits.slice(1).map((c: { image: string }) => c.image)).toEqual([TOOLS_18_9, `registry.example.com/team/base:2026.11@sha256:${'a'.repeat(64)}`]);
    for (const c of inits.slice(1)) expect(c.command).toEqual(['/prepull/true']);
    for (const c of [...inits, ...pod.container]) expect(c.resources.requests).toEqual({ cpu: '1m', memory: '16Mi' });
    expect(pod.container.map((c: { image: string }) => c.image)).toEqual([PAUSE_IMAGE]);
    expect(pod.automount_service_account_token).toBe(false);
  });

  it('is on by default with the tools image alone (the default config), and follows gitlab.version', () => {
    const p = synthApp(configFromText(`${REQUIRED_CONFIG}${GITLAB_CONFIG}  version: "18.3"\n`)).platform.s;
    const ds = p.onlyWhere('kubernetes_daemon_set_v1', (d) => d.metadata.name === 'workspace-image-pre-puller');
    expect(ds.spec.template.spec.init_container.slice(1).map((c: { image: string }) => c.image)).toEqual([TOOLS_18_3]);
    // No headroom by default: scale-to-zero is kept.
    expect(p.all('kubernetes_priority_class_v1')).toEqual([]);
    expect(p.all('kubernetes_deployment_v1').filter((d) => d.metadata.name.startsWith('workspace-headroom'))).toEqual([]);
  });

  it('is absent with prePullToolsImage: false and no images', () => {
    const p = synthApp(configFromText(`${REQUIRED_CONFIG}nodes:\n  workspaces:\n    prePullToolsImage: false\n`)).platform.s;
    expect(p.all('kubernetes_daemon_set_v1').filter((d) => d.metadata.name === 'workspace-image-pre-puller')).toEqual([]);
    expect(p.all('kubernetes_namespace_v1').filter((n) => n.metadata.name === 'gitlab-workspaces-warm')).toEqual([]);
  });
});

describe('Bottlerocket data volume snapshot', () => {
  it('creates every workspace node\'s data volume (/dev/xvdb) from the snapshot', () => {
    const c = synthApp(configFromText(`${REQUIRED_CONFIG}nodes:\n  workspaces:\n    amiType: BOTTLEROCKET_x86_64\n    dataVolumeSnapshotId: snap-0123456789abcdef0\n`)).cluster.s;
    const templates = c.all('aws_launch_template').filter((t) => t.name_prefix.includes('-workspaces-g'));
    expect(templates.length).toBe(3);
    for (const t of templates) {
      const data = t.block_device_mappings.find((m: { device_name: string }) => m.device_name === '/dev/xvdb');
      expect(data.ebs).toMatchObject({ snapshot_id: 'snap-0123456789abcdef0', encrypted: 'true' });
    }
  });

  it('is refused on Amazon Linux nodes', () => {
    expect(errors(`${REQUIRED_CONFIG}nodes:\n  workspaces:\n    dataVolumeSnapshotId: snap-0123456789abcdef0\n`)).toEqual([
      expect.stringMatching(/^nodes\.workspaces\.dataVolumeSnapshotId: a data volume snapshot needs Bottlerocket workspace nodes/),
    ]);
  });
});

describe('workspace start case', () => {
  it('is fully cold by default, printed at synth as a note of the platform stack and as an output', () => {
    const config = configFromText(REQUIRED_CONFIG);
    const start = workspaceStartCase(config);
    const s = START_STEP_SECONDS;
    // agent 5 + autoscaler scan 5 + node 55 + schedule 1 + volume 6 + image pull 50 (tools pre-pulled by the
    // DaemonSet: no gain on a new node, but its pull is counted as overlapping) + injector 2 + start 1.
    expect(start.case).toBe('cold');
    expect(start.seconds).toBe(s.agentCycle + s.autoscalerScan + s.newNode + s.schedule + s.volume + s.imagePull + s.toolsInjector + s.containerStart);
    expect(start.seconds).toBe(125);
    expect(start.message).toMatch(/^workspace start: fully cold .*~125 s to Running/);
    const app = synthApp(config);
    const notes = app.built.platform.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.INFO).map((m) => String(m.data));
    expect(notes).toEqual([start.message]);
    expect(JSON.parse(app.platform.json).output.workspace_start.value).toEqual({ case: 'cold', seconds_to_running: 125 });
  });

  it('is warm with headroom and pre-pulled images: within the 15 s goal', () => {
    const start = workspaceStartCase(configFromText(HEADROOM));
    expect(start.case).toBe('warm');
    // agent 5 + preemption 1 + volume 6 + injector 2 + start 1, no pull.
    expect(start.seconds).toBe(15);
    expect(start.beyondHeadroomSeconds).toBe(125);
    expect(start.message).toMatch(/^workspace start: warm \(2 placeholders per zone, the tools injector image and 1 listed image pre-pulled\): ~15 s/);
  });

  it('is warm but pays the devfile image pull with headroom and no listed images', () => {
    const start = workspaceStartCase(configFromText(`${REQUIRED_CONFIG}nodes:\n  workspaces:\n    headroom: 1\n`));
    expect(start.case).toBe('warm');
    expect(start.seconds).toBe(65);
  });

  it('is a new node with pre-pulled images with a Bottlerocket data volume snapshot: within 90 s', () => {
    const start = workspaceStartCase(configFromText(`${REQUIRED_CONFIG}nodes:\n  workspaces:\n    amiType: BOTTLEROCKET_x86_64\n    dataVolumeSnapshotId: snap-0123456789abcdef0\n`));
    expect(start.case).toBe('new-node-pre-pulled');
    expect(start.seconds).toBe(75); // within docs/start-time.md's 90 s budget
  });
});

describe('headroom refusals', () => {
  it('refuses a negative headroom (schema)', () => {
    expect(errors(`${REQUIRED_CONFIG}nodes:\n  workspaces:\n    headroom: -1\n`).join('\n')).toMatch(/nodes\.workspaces\.headroom/);
  });

  it('sizes placeholders by the tools injector when the agent gives containers no default requests (what the scheduler counts)', () => {
    const config = configFromText(`${REQUIRED_CONFIG}nodes:\n  workspaces:\n    headroom: 1\n${GITLAB_CONFIG}  remote_development:\n    default_resources_per_workspace_container: {}\n`);
    expect(headroomRequests(config)).toEqual({ cpu: '100m', memory: '256Mi' });
  });

  it('refuses more headroom than the group can ever hold, naming the figures', () => {
    // m6i.2xlarge, as the capacity counts it: (8000m - 110m kube-reserved - 190m DaemonSets) / 500m = 15 per
    // node (not the 16 its 8 vCPUs suggest); maxSize 2 -> 30.
    expect(errors(`${REQUIRED_CONFIG}nodes:\n  workspaces:\n    maxSize: 2\n    headroom: 31\n`)).toEqual([
      'nodes.workspaces.headroom: headroom 31 asks for more room than each zone\'s workspace node group can ever have: 2 m6i.2xlarge nodes (nodes.workspaces.maxSize) hold at most 30 placeholders of 500m CPU and 1Gi memory (a default-sized workspace\'s requests; 15 per node, as `gitlab-workspaces capacity` counts them); lower headroom or raise maxSize',
    ]);
    expect(errors(`${REQUIRED_CONFIG}nodes:\n  workspaces:\n    maxSize: 2\n    headroom: 30\n`)).toEqual([]);
  });

  it('counts memory too: a memory-heavy default fits fewer per node than its CPU says', () => {
    // 500m / 8Gi on m6i.2xlarge (32 GiB): memory allows 3 per node (32768 - 1465 - 100 - DaemonSets) / 8192.
    const heavy = `${GITLAB_CONFIG}  remote_development:\n    default_resources_per_workspace_container:\n      requests: {cpu: 500m, memory: 8Gi}\n      limits: {cpu: "2", memory: 8Gi}\n    max_resources_per_workspace:\n      requests: {cpu: "8", memory: 32Gi}\n      limits: {cpu: "8", memory: 32Gi}\n`;
    expect(errors(`${REQUIRED_CONFIG}nodes:\n  workspaces:\n    maxSize: 2\n    headroom: 7\n${heavy}`).join('\n')).toMatch(/hold at most 6 placeholders of 500m CPU and 8Gi memory .*3 per node/);
    expect(errors(`${REQUIRED_CONFIG}nodes:\n  workspaces:\n    maxSize: 2\n    headroom: 6\n${heavy}`)).toEqual([]);
  });

  it('refuses a placeholder bigger than a node', () => {
    expect(errors(`${REQUIRED_CONFIG}nodes:\n  workspaces:\n    instanceTypes: [m6i.large]\n    headroom: 1\n${GITLAB_CONFIG}  remote_development:\n    default_resources_per_workspace_container:\n      requests: {cpu: "4", memory: 2Gi}\n      limits: {cpu: "4", memory: 4Gi}\n    max_resources_per_workspace:\n      requests: {cpu: "8", memory: 8Gi}\n      limits: {cpu: "8", memory: 16Gi}\n`).join('\n'))
      .toMatch(/nodes\.workspaces\.headroom: a placeholder requests 4 CPU and 2Gi memory, a default-sized workspace's, and a m6i\.large node has room for none/);
  });

  it('warns about a pre-pulled image without a version', () => {
    expect(warnings(`${REQUIRED_CONFIG}nodes:\n  workspaces:\n    prePullImages: [registry.example.com/team/base, "registry.example.com/team/tools:latest", "registry.example.com/team/ok:1.2"]\n`)
      .filter((w) => w.startsWith('nodes.workspaces.prePullImages'))).toEqual([
      expect.stringMatching(/^nodes\.workspaces\.prePullImages\[0\]: registry\.example\.com\/team\/base names no version/),
      expect.stringMatching(/^nodes\.workspaces\.prePullImages\[1\]: /),
    ]);
  });

  it('refuses an image reference with template syntax or spaces (schema)', () => {
    expect(errors(`${REQUIRED_CONFIG}nodes:\n  workspaces:\n    prePullImages: ["registry.example.com/\${var.x}:1"]\n`).join('\n')).toMatch(/prePullImages/);
  });
});

describe('workspace volume backups', () => {
  const app = synthApp(configFromText(HEADROOM));
  const c = app.cluster.s;

  it('tags every volume the StorageClass creates for the backup selection', () => {
    const sc = app.platform.s.only('kubernetes_storage_class_v1');
    expect(sc.parameters.tagSpecification_1).toBe(`${WORKSPACE_BACKUP_TAG}=gitlab-workspaces`);
  });

  it('has a vault encrypted with the volume key, a plan with the schedule and retention, and a tag selection of EBS volumes', () => {
    const vault = c.only('aws_backup_vault');
    expect(vault.kms_key_arn).toMatch(/aws_kms_key\..*\.arn/);
    const plan = c.only('aws_backup_plan');
    expect(plan.rule).toEqual([expect.objectContaining({ schedule: 'cron(0 */6 * * ? *)', lifecycle: { delete_after: 30 } })]);
    expect(plan.rule[0].target_vault_name).toMatch(/aws_backup_vault\..*\.name/);
    const selection = c.only('aws_backup_selection');
    expect(selection.resources).toEqual(['arn:${data.aws_partition.partition.partition}:ec2:*:*:volume/*']);
    expect(selection.condition).toEqual([{ string_equals: [{ key: `aws:ResourceTag/${WORKSPACE_BACKUP_TAG}`, value: 'gitlab-workspaces' }] }]);
    expect(selection.plan_id).toMatch(/aws_backup_plan\./);
  });

  it('gives AWS Backup a role with the backup (and restore) service policies and the volume key through EBS only', () => {
    const attachments = c.all('aws_iam_role_policy_attachment').map((a) => a.policy_arn).filter((a: string) => a.includes('AWSBackup'));
    expect(attachments.sort()).toEqual([
      'arn:${data.aws_partition.partition.partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup',
      'arn:${data.aws_partition.partition.partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores',
    ]);
    const doc = c.doc.data.aws_iam_policy_document;
    const keyUse = Object.entries(doc).find(([k]) => k.includes('key-use'))![1] as { statement: Array<{ condition: unknown[]; resources: string[] }> };
    expect(keyUse.statement[0].condition).toEqual([{ test: 'StringLike', variable: 'kms:ViaService', values: ['ec2.*.amazonaws.com'] }]);
    expect(keyUse.statement.every((st) => st.resources.length === 1 && /aws_kms_key/.test(st.resources[0]))).toBe(true);
  });

  it('is off by default: no backup resources, no tag', () => {
    const d = synthApp(configFromText(REQUIRED_CONFIG));
    expect(d.cluster.s.all('aws_backup_plan')).toEqual([]);
    expect(d.platform.s.only('kubernetes_storage_class_v1').parameters.tagSpecification_1).toBeUndefined();
  });

  it('refuses schedule or retention written while backups are off', () => {
    expect(errors(`${REQUIRED_CONFIG}storage:\n  backups:\n    retentionDays: 7\n`)).toEqual([
      'storage.backups.retentionDays: `retentionDays` applies only with storage.backups.enabled: true; turn backups on, or remove it',
    ]);
  });

  it('refuses a schedule that is not an AWS Backup expression (schema)', () => {
    expect(errors(`${REQUIRED_CONFIG}storage:\n  backups:\n    enabled: true\n    schedule: "0 3 * * *"\n`).join('\n')).toMatch(/storage\.backups\.schedule/);
  });
});
