/**
 * Each sudo runtime through the ready app: the workspace nodes it asks for (image, bootstrap, labels,
 * taints, autoscaler tags, the plan-time guard against changing runtime under running nodes) in the
 * cluster stack; its installer and RuntimeClass in the platform stack.
 */
import { RuntimeClass as K8sRuntimeClass } from 'kubernetes-models/node.k8s.io/v1/RuntimeClass';
import { base64encodeArgument } from '../helpers/hcl';
import { Block, Synthesized } from '../helpers/synthesized';
import { configFromText, loadExample, REQUIRED_CONFIG, synthApp } from './helpers';

/** Every DaemonSet but the image pre-puller (on every workspace node whatever the runtime: test/stacks/fast-start.test.ts). */
const notPrePuller = (d: Block) => d.metadata.name !== 'workspace-image-pre-puller';

const RETIRING = { key: 'gitlab-workspaces/retiring', operator: 'Equal', value: 'true', effect: 'NoSchedule' };

/** The workspace node groups, by name prefix. */
function workspaceGroups(s: Synthesized): Record<string, Block> {
  return Object.fromEntries(s.all('aws_eks_node_group').filter((g) => g.node_group_name_prefix.startsWith('workspaces-')).map((g) => [g.node_group_name_prefix, g]));
}

/** The launch template a node group uses. */
function launchTemplateOf(s: Synthesized, group: Block): Block {
  return s.deref(group.launch_template.id);
}

/** `key=value` of the autoscaler node-template tags of one node group's ASG. */
function autoscalerTemplate(s: Synthesized, group: Block, kind: 'label' | 'taint'): string[] {
  const address = s.addressOf('aws_eks_node_group', group);
  const prefix = `k8s.io/cluster-autoscaler/node-template/${kind}/`;
  return s.all('aws_autoscaling_group_tag')
    .filter((t) => t.autoscaling_group_name.startsWith(`\${${address}.`) && t.tag.key.startsWith(prefix))
    .map((t) => `${t.tag.key.slice(prefix.length)}=${t.tag.value}`).sort();
}

function runtimeClass(s: Synthesized): Record<string, unknown> {
  return s.onlyWhere('kubernetes_manifest', (m) => m.manifest.kind === 'RuntimeClass').manifest as Record<string, unknown>;
}

describe('runtime sysbox', () => {
  // Every reference resolves, to attributes the providers have: examples.test.ts checks each example.
  let c: Synthesized;
  let p: Synthesized;
  beforeAll(() => {
    ({ cluster: { s: c }, platform: { s: p } } = synthApp(loadExample('sysbox')));
  });

  it('runs workspace nodes on Canonical\'s Ubuntu 24.04 EKS image, looked up in SSM for the cluster\'s version, never a literal AMI id', () => {
    const ubuntu = Object.entries(c.data('aws_ssm_parameter')).filter(([, d]) => d.name.includes('/canonical/'));
    expect(ubuntu.map(([, d]) => d.name)).toEqual(['/aws/service/canonical/ubuntu/eks/24.04/1.35/stable/current/amd64/hvm/ebs-gp3/ami-id']);
    const groups = Object.values(workspaceGroups(c));
    expect(groups).toHaveLength(3);
    for (const group of groups) {
      expect(group).toMatchObject({ ami_type: 'CUSTOM', instance_types: ['m6i.2xlarge'] });
      expect(group.version).toBeUndefined();
      expect(group.release_version).toBeUndefined();
      const template = launchTemplateOf(c, group);
      expect(template.image_id).toBe(`\${data.aws_ssm_parameter.${ubuntu[0][0]}.insecure_value}`);
      // Still hardened: IMDSv2 with hop limit 1, encrypted gp3 root (Ubuntu's /dev/sda1).
      expect(template.metadata_options).toMatchObject({ http_tokens: 'required', http_put_response_hop_limit: 1 });
      expect(template.block_device_mappings).toEqual([{ device_name: '/dev/sda1', ebs: expect.objectContaining({ volume_type: 'gp3', encrypted: 'true', volume_size: 100 }) }]);
    }
  });

  it('bootstraps the custom AMI itself: bootstrap.sh with the cluster\'s endpoint, CA and DNS, the node\'s labels and taint', () => {
    const cluster = `aws_eks_cluster.${Object.keys(c.resources('aws_eks_cluster'))[0]}`;
    const script = base64encodeArgument(launchTemplateOf(c, workspaceGroups(c)['workspaces-g1-eu-west-1a-']).user_data);
    expect(script).toBe([
      '#!/bin/bash',
      'set -o errexit -o nounset -o pipefail',
      `/etc/eks/bootstrap.sh '\${${cluster}.name}' \\`,
      // Max pods for VPC CNI prefix delegation (lib/capacity), not bootstrap.sh's ENI formula.
      '  --use-max-pods false \\',
      `  --apiserver-endpoint '\${${cluster}.endpoint}' \\`,
      `  --b64-cluster-ca '\${${cluster}.certificate_authority[0].data}' \\`,
      `  --dns-cluster-ip '\${cidrhost(${cluster}.kubernetes_network_config[0].service_ipv4_cidr, 10)}' \\`,
      '  --kubelet-extra-args \'--node-labels=gitlab-workspaces/pool=workspaces,gitlab-workspaces/generation=1,gitlab-workspaces/runtime=sysbox,sysbox-install=yes --register-with-taints=gitlab-workspaces/runtime=sysbox:NoSchedule,sysbox-runtime=not-running:NoSchedule --seccomp-default --max-pods=110\'',
      '',
    ].join('\n'));
  });

  it('labels the nodes sysbox-install=yes for the installer and taints them so only Sysbox workspaces land there', () => {
    for (const group of Object.values(workspaceGroups(c))) {
      expect(group.labels).toEqual({ 'gitlab-workspaces/pool': 'workspaces', 'gitlab-workspaces/generation': '1', 'gitlab-workspaces/runtime': 'sysbox', 'sysbox-install': 'yes' });
      // The installer's taint from the first moment (it removes it once Sysbox runs: its readiness).
      expect(group.taint).toEqual([
        { key: 'gitlab-workspaces/runtime', value: 'sysbox', effect: 'NO_SCHEDULE' },
        { key: 'sysbox-runtime', value: 'not-running', effect: 'NO_SCHEDULE' },
      ]);
      // The autoscaler knows a new node will run Sysbox (the label the RuntimeClass selects), so it scales from zero.
      expect(autoscalerTemplate(c, group, 'label')).toEqual(expect.arrayContaining(['sysbox-install=yes', 'sysbox-runtime=running', 'gitlab-workspaces/runtime=sysbox']));
      expect(autoscalerTemplate(c, group, 'taint')).toEqual(['gitlab-workspaces/runtime=sysbox:NoSchedule', 'sysbox-runtime=not-running:NoSchedule']);
    }
  });

  it('tells the autoscaler the installer\'s taint is a startup taint, so a cold start adds one node while Sysbox installs, not one per loop', () => {
    const autoscaler = JSON.parse(p.all('helm_release').find((r) => r.name === 'cluster-autoscaler')!.values[0]);
    expect(autoscaler.extraArgs).toMatchObject({ 'startup-taint_1': 'sysbox-runtime' });
    // The DaemonSet tolerates it (it must run on the tainted node), and the node registers with it.
    expect(p.onlyWhere('kubernetes_daemon_set_v1', notPrePuller).spec.template.spec.toleration).toContainEqual({ key: 'sysbox-runtime', operator: 'Equal', value: 'not-running', effect: 'NoSchedule' });
    // Introducing the taint restarts the installer pods (EKS applies a group's new taints to its running
    // nodes too), which then remove it.
    expect(p.onlyWhere('kubernetes_daemon_set_v1', notPrePuller).spec.template.metadata.annotations).toEqual({ 'gitlab-workspaces/startup-taints': 'sysbox-runtime=not-running:NoSchedule' });
  });

  it('keeps the system nodes on AL2023 at the control plane\'s version', () => {
    const system = c.all('aws_eks_node_group').find((g) => g.node_group_name_prefix === 'system-')!;
    expect(system.ami_type).toBe('AL2023_x86_64_STANDARD');
    expect(system.version).toMatch(/^\$\{aws_eks_cluster\.[\w-]+\.version\}$/);
  });

  it('installs sysbox-deploy-k8s in kube-system: service account, RBAC, config map, privileged DaemonSet with the pinned image', () => {
    expect(p.only('kubernetes_service_account_v1').metadata).toMatchObject({ name: 'sysbox-label-node', namespace: 'kube-system' });
    const labeler = p.onlyWhere('kubernetes_cluster_role_v1', (r) => r.metadata.name === 'sysbox-node-labeler');
    expect(labeler).toMatchObject({
      metadata: { name: 'sysbox-node-labeler' },
      rule: [{ api_groups: [''], resources: ['nodes'], verbs: ['get', 'patch'] }, { api_groups: [''], resources: ['pods'], verbs: ['get', 'list', 'delete', 'watch'] }],
    });
    const binding = p.onlyWhere('kubernetes_cluster_role_binding_v1', (b) => b.role_ref.name.includes('kubernetes_cluster_role_v1.') && p.deref(b.role_ref.name) === labeler);
    expect(binding.role_ref).toMatchObject({ kind: 'ClusterRole', name: p.ref('kubernetes_cluster_role_v1', labeler, 'metadata[0].name') });
    expect(binding.subject).toEqual([{ kind: 'ServiceAccount', name: p.ref('kubernetes_service_account_v1', p.only('kubernetes_service_account_v1'), 'metadata[0].name'), namespace: 'kube-system' }]);
    expect(p.only('kubernetes_config_map_v1')).toMatchObject({ metadata: { name: 'sysbox-operational-attributes', namespace: 'kube-system' }, data: { SYSBOX_MGR_CONFIG: '', SYSBOX_FS_CONFIG: '' } });

    const ds = p.onlyWhere('kubernetes_daemon_set_v1', notPrePuller);
    expect(ds.metadata).toMatchObject({ name: 'sysbox-deploy-k8s', namespace: 'kube-system' });
    const pod = ds.spec.template.spec;
    expect(pod.node_selector).toEqual({ 'sysbox-install': 'yes' });
    expect(pod.toleration).toEqual([
      { key: 'sysbox-runtime', operator: 'Equal', value: 'not-running', effect: 'NoSchedule' },
      { key: 'gitlab-workspaces/runtime', operator: 'Equal', value: 'sysbox', effect: 'NoSchedule' },
      RETIRING,
    ]);
    const [container] = pod.container;
    expect(container.image).toBe('registry.nestybox.com/nestybox/sysbox-deploy-k8s:v0.7.1-0');
    expect(container.security_context).toEqual({ privileged: true });
    expect(container.command).toEqual(['bash', '-c', '/opt/sysbox/scripts/sysbox-deploy-k8s.sh ce install']);
    expect(container.env.map((e: { name: string }) => e.name)).toEqual(['NODE_NAME', 'SYSBOX_MGR_CONFIG', 'SYSBOX_FS_CONFIG', 'SYSBOX_USE_CRIO']);
    expect(pod.service_account_name).toBe(p.ref('kubernetes_service_account_v1', p.only('kubernetes_service_account_v1'), 'metadata[0].name'));
    const mounts = Object.fromEntries(container.volume_mount.map((m: { name: string; mount_path: string }) => [m.name, m.mount_path]));
    const volumes = Object.fromEntries(pod.volume.map((v: { name: string; host_path: { path: string } }) => [v.name, v.host_path.path]));
    expect(Object.keys(mounts).sort()).toEqual(Object.keys(volumes).sort());
    expect([mounts['host-etc'], volumes['host-etc']]).toEqual(['/mnt/host/etc', '/etc']);
  });

  it('creates RuntimeClass sysbox-runc scheduled onto nodes where Sysbox runs, tolerating their taint, after the installer', () => {
    const rc = runtimeClass(p);
    expect(rc).toEqual({
      apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'sysbox-runc' }, handler: 'sysbox-runc',
      scheduling: { nodeSelector: { 'sysbox-runtime': 'running' }, tolerations: [{ key: 'gitlab-workspaces/runtime', operator: 'Equal', value: 'sysbox', effect: 'NoSchedule' }] },
    });
    expect(() => new K8sRuntimeClass(rc as never).validate()).not.toThrow();
    expect(p.onlyWhere('kubernetes_manifest', (m) => m.manifest.kind === 'RuntimeClass').depends_on).toEqual([p.addressOf('kubernetes_daemon_set_v1', p.onlyWhere('kubernetes_daemon_set_v1', notPrePuller))]);
    expect(p.output('workspace_runtime_class').value).toBe('sysbox-runc');
  });

  it('outputs the agent settings Sysbox needs on CRI-O nodes (the example\'s): its class, privilege escalation, CRI-O\'s user-namespace annotation', () => {
    expect(p.onlyWhere('kubernetes_daemon_set_v1', notPrePuller).spec.template.spec.container[0].env).toContainEqual({ name: 'SYSBOX_USE_CRIO', value: 'true' });
    expect(p.output('workspace_agent_settings').value).toEqual({
      default_runtime_class: 'sysbox-runc', allow_privilege_escalation: true, use_kubernetes_user_namespaces: false,
      annotations: { 'io.kubernetes.cri-o.userns-mode': 'auto:size=65536' },
    });
  });

  it('defaults to installer v0.7.1-0 on CRI-O; containerd (acknowledged) keeps the nodes\' containerd and Kubernetes user namespaces', () => {
    const defaults = synthApp(configFromText(`${REQUIRED_CONFIG}runtime: sysbox\n`));
    const container = defaults.platform.s.onlyWhere('kubernetes_daemon_set_v1', notPrePuller).spec.template.spec.container[0];
    expect(container.image).toBe('registry.nestybox.com/nestybox/sysbox-deploy-k8s:v0.7.1-0');
    expect(container.env).toContainEqual({ name: 'SYSBOX_USE_CRIO', value: 'true' });
    const containerd = synthApp(configFromText(`${REQUIRED_CONFIG}runtime: sysbox\nruntimes:\n  sysbox: {containerRuntime: containerd, nodeImage: {serial: '20250611', kernel: '6.8'}}\n`));
    expect(containerd.platform.s.onlyWhere('kubernetes_daemon_set_v1', notPrePuller).spec.template.spec.container[0].env.map((e: { name: string }) => e.name)).not.toContain('SYSBOX_USE_CRIO');
    expect(containerd.platform.s.output('workspace_agent_settings').value).toEqual({ default_runtime_class: 'sysbox-runc', allow_privilege_escalation: true, use_kubernetes_user_namespaces: true });
    // The nodes take the pinned, dated Canonical build instead of `current` (read only for the image-age warning).
    const c = containerd.cluster.s;
    const imageParameters = new Set(c.all('aws_launch_template').map((t) => t.image_id).filter((id) => id !== undefined).map((id: string) => c.deref(id).name));
    expect([...imageParameters]).toEqual(['/aws/service/canonical/ubuntu/eks/24.04/1.35/stable/20250611/amd64/hvm/ebs-gp3/ami-id']);
  });
});

describe('runtime kata', () => {
  // Every reference resolves, to attributes the providers have: examples.test.ts checks each example.
  let c: Synthesized;
  let p: Synthesized;
  beforeAll(() => {
    ({ cluster: { s: c }, platform: { s: p } } = synthApp(loadExample('kata')));
  });

  it('puts workspaces on bare-metal AL2023 nodes labelled and tainted for Kata', () => {
    const groups = Object.values(workspaceGroups(c));
    expect(groups).toHaveLength(3);
    for (const group of groups) {
      expect(group).toMatchObject({ ami_type: 'AL2023_x86_64_STANDARD', instance_types: ['m7i.metal-24xl', 'm5.metal'] });
      expect(group.labels).toMatchObject({ 'gitlab-workspaces/runtime': 'kata' });
      // Registered with the startup taint kata-deploy removes once Kata is installed and the node labelled.
      expect(group.taint).toEqual([
        { key: 'gitlab-workspaces/runtime', value: 'kata', effect: 'NO_SCHEDULE' },
        { key: 'startup-taint.cluster-autoscaler.kubernetes.io/kata-runtime', value: 'installing', effect: 'NO_SCHEDULE' },
      ]);
      expect(autoscalerTemplate(c, group, 'label')).toEqual(expect.arrayContaining(['gitlab-workspaces/runtime=kata', 'katacontainers.io/kata-runtime=true']));
      expect(Buffer.from(launchTemplateOf(c, group).user_data, 'base64').toString()).toContain('seccompDefault: true');
    }
    expect(Object.values(c.data('aws_ssm_parameter')).map((d) => d.name).filter((n) => n.includes('canonical'))).toEqual([]);
  });

  it('installs the pinned kata-deploy chart on those nodes only, one shim, without the chart\'s toleration-less RuntimeClasses', () => {
    const release = p.all('helm_release').find((r) => r.name === 'kata-deploy')!;
    expect(release).toMatchObject({
      namespace: 'kube-system', repository: 'oci://ghcr.io/kata-containers/kata-deploy-charts', chart: 'kata-deploy', version: '4.1.0', atomic: true, wait: true,
    });
    expect(JSON.parse(release.values[0])).toEqual({
      k8sDistribution: 'k8s',
      nodeSelector: { 'gitlab-workspaces/runtime': 'kata' },
      tolerations: [
        { key: 'gitlab-workspaces/runtime', operator: 'Equal', value: 'kata', effect: 'NoSchedule' }, RETIRING,
        { key: 'startup-taint.cluster-autoscaler.kubernetes.io/kata-runtime', operator: 'Equal', value: 'installing', effect: 'NoSchedule' },
      ],
      // kata-deploy 4.1 removes it as its last install step (STARTUP_TAINTS).
      startupTaints: ['startup-taint.cluster-autoscaler.kubernetes.io/kata-runtime:NoSchedule'],
      shims: { disableAll: true, 'qemu-runtime-rs': { enabled: true } },
      defaultShim: { amd64: 'qemu-runtime-rs' },
      runtimeClasses: { enabled: false },
      'node-feature-discovery': { enabled: false },
    });
  });

  it('tells the autoscaler Kata\'s startup taint is one (its key has the autoscaler\'s startup prefix; given as a flag too)', () => {
    const autoscaler = JSON.parse(p.all('helm_release').find((r) => r.name === 'cluster-autoscaler')!.values[0]);
    expect(autoscaler.extraArgs).toMatchObject({ 'startup-taint_1': 'startup-taint.cluster-autoscaler.kubernetes.io/kata-runtime' });
  });

  it('creates RuntimeClass kata-qemu-runtime-rs with the VM\'s overhead, scheduled onto nodes where Kata runs', () => {
    const rc = runtimeClass(p);
    expect(rc).toEqual({
      apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'kata-qemu-runtime-rs' }, handler: 'kata-qemu-runtime-rs',
      overhead: { podFixed: { cpu: '250m', memory: '320Mi' } },
      scheduling: { nodeSelector: { 'katacontainers.io/kata-runtime': 'true' }, tolerations: [{ key: 'gitlab-workspaces/runtime', operator: 'Equal', value: 'kata', effect: 'NoSchedule' }] },
    });
    expect(() => new K8sRuntimeClass(rc as never).validate()).not.toThrow();
    expect(p.onlyWhere('kubernetes_manifest', (m) => m.manifest.kind === 'RuntimeClass').depends_on).toEqual([p.addressOf('helm_release', p.all('helm_release').find((r) => r.name === 'kata-deploy')!)]);
    expect(p.output('workspace_runtime_class').value).toBe('kata-qemu-runtime-rs');
    expect(p.output('workspace_agent_settings').value).toEqual({ default_runtime_class: 'kata-qemu-runtime-rs', allow_privilege_escalation: true });
  });

  it('names the RuntimeClass as configured, with the chosen shim\'s handler', () => {
    const named = synthApp(configFromText(`${REQUIRED_CONFIG}nodes:\n  workspaces: {instanceTypes: [c6i.metal]}\nruntime: kata\nruntimes:\n  kata: {shim: clh, runtimeClassName: kata}\n`));
    expect(runtimeClass(named.platform.s)).toMatchObject({ metadata: { name: 'kata' }, handler: 'kata-clh', overhead: { podFixed: { memory: '130Mi' } } });
    const values = JSON.parse(named.platform.s.all('helm_release').find((r) => r.name === 'kata-deploy')!.values[0]);
    expect(values.shims).toEqual({ disableAll: true, clh: { enabled: true } });
  });
});

describe('runtime user-namespaces', () => {
  it('example user-namespaces: plain AL2023 workspace nodes labelled for the runtime, nothing installed, no RuntimeClass', () => {
    const app = synthApp(loadExample('user-namespaces'));
    for (const group of Object.values(workspaceGroups(app.cluster.s))) {
      expect(group.ami_type).toBe('AL2023_x86_64_STANDARD');
      expect(group.labels).toEqual({ 'gitlab-workspaces/generation': '1', 'gitlab-workspaces/pool': 'workspaces', 'gitlab-workspaces/runtime': 'user-namespaces' });
      expect(group.taint).toBeUndefined();
    }
    expect(app.platform.s.all('kubernetes_manifest').filter((m) => m.manifest.kind === 'RuntimeClass')).toEqual([]);
    expect(app.platform.s.all('kubernetes_daemon_set_v1').filter(notPrePuller)).toEqual([]);
    expect(app.platform.s.doc.output.workspace_runtime_class).toBeUndefined();
    expect(app.platform.s.output('workspace_agent_settings').value).toEqual({ allow_privilege_escalation: true, use_kubernetes_user_namespaces: true });
  });

  it('on AL2023 asks nothing more of the nodes than the runtime label (the same image, template and taints as no runtime), only agent settings', () => {
    const none = synthApp(configFromText(REQUIRED_CONFIG));
    const userns = synthApp(configFromText(`${REQUIRED_CONFIG}runtime: user-namespaces\n`));
    const withoutRuntimeLabel = (s: Synthesized) => {
      const doc = JSON.parse(JSON.stringify(s.doc.resource));
      for (const group of Object.values<Block>(doc.aws_eks_node_group)) {
        if (group.labels) delete group.labels['gitlab-workspaces/runtime'];
        delete group.lifecycle.postcondition;
      }
      for (const template of Object.values<Block>(doc.aws_launch_template)) delete template.user_data;
      for (const [id, tag] of Object.entries<Block>(doc.aws_autoscaling_group_tag)) {
        if (tag.tag.key === 'k8s.io/cluster-autoscaler/node-template/label/gitlab-workspaces/runtime') delete doc.aws_autoscaling_group_tag[id];
      }
      return doc;
    };
    expect(withoutRuntimeLabel(userns.cluster.s)).toEqual(withoutRuntimeLabel(none.cluster.s));
    // The platform stack differs only by the runtime's smoke test (its namespace and Job).
    // (and the destroy guard's dependencies on them).
    const withoutSmokeTest = (resources: Record<string, Record<string, unknown>>) => JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(resources)
      .map(([type, byId]) => [type, Object.fromEntries(Object.entries(byId).filter(([id]) => !id.startsWith('runtime-smoke-test_')))])
      .filter(([, byId]) => Object.keys(byId as object).length > 0))), (_, v) => (Array.isArray(v) ? v.filter((x) => typeof x !== 'string' || !x.includes('runtime-smoke-test_')) : v));
    expect(withoutSmokeTest(userns.platform.s.doc.resource)).toEqual(none.platform.s.doc.resource);
    const { workspace_agent_settings: settings, ...rest } = userns.platform.s.doc.output;
    expect(rest).toEqual(none.platform.s.doc.output);
    expect(settings.value).toEqual({ allow_privilege_escalation: true, use_kubernetes_user_namespaces: true });
  });

  it('on Bottlerocket raises user.max_user_namespaces in the nodes\' settings, with both volumes encrypted', () => {
    const app = synthApp(configFromText(`${REQUIRED_CONFIG}nodes:\n  workspaces: {amiType: BOTTLEROCKET_x86_64}\nruntime: user-namespaces\n`));
    const c = app.cluster.s;
    for (const group of Object.values(workspaceGroups(c))) {
      expect(group.ami_type).toBe('BOTTLEROCKET_x86_64');
      expect(c.deref(group.release_version).name).toBe('/aws/service/bottlerocket/aws-k8s-1.35/x86_64/latest/image_version');
      expect(group.labels).toMatchObject({ 'gitlab-workspaces/runtime': 'user-namespaces' });
      expect(group.taint).toBeUndefined();
      const template = launchTemplateOf(c, group);
      expect(Buffer.from(template.user_data, 'base64').toString()).toBe('[settings.kubernetes]\nmax-pods = 110\n\n[settings.kernel.sysctl]\n"user.max_user_namespaces" = "65536"\n');
      expect(template.block_device_mappings.map((b: Block) => [b.device_name, b.ebs.encrypted, b.ebs.volume_size])).toEqual([['/dev/xvdb', 'true', 100], ['/dev/xvda', 'true', undefined]]);
    }
    expect(app.platform.s.all('kubernetes_manifest').filter((m) => m.manifest.kind === 'RuntimeClass')).toEqual([]);
  });

  it('leaves Bottlerocket nodes without a runtime at its default (no user namespaces)', () => {
    const app = synthApp(configFromText(`${REQUIRED_CONFIG}nodes:\n  workspaces: {amiType: BOTTLEROCKET_x86_64}\n`));
    for (const group of Object.values(workspaceGroups(app.cluster.s))) expect(Buffer.from(launchTemplateOf(app.cluster.s, group).user_data, 'base64').toString()).toBe('[settings.kubernetes]\nseccomp-default = true\nmax-pods = 110\n');
  });
});

/**
 * A workspace group's postcondition, evaluated as Terraform would against the labels of the group in
 * state (`labels` are ignored after creation, so the planned labels are the running group's).
 */
function conditionHolds(group: Block, labels: Record<string, string>): boolean {
  const [{ condition }] = group.lifecycle.postcondition as Array<{ condition: string }>;
  const body = /^\$\{(.*)\}$/.exec(condition)![1];
  return body.split(' && ').every((term) => {
    const m = /^try\(self\.labels\[("[^"]*")\], ""\) == ("[^"]*")$/.exec(term);
    if (!m) throw new Error(`unexpected condition term: ${term}`);
    return (labels[JSON.parse(m[1]) as string] ?? '') === JSON.parse(m[2]);
  });
}

/** The workspace groups of a config on a single group per generation. */
function groupsOf(text: string): Record<string, Block> {
  return workspaceGroups(synthApp(configFromText(`${REQUIRED_CONFIG}${text}`)).cluster.s);
}

const RUNTIME_CONFIGS: Record<string, string> = {
  none: '',
  sysbox: 'runtime: sysbox\n',
  kata: 'runtime: kata\nnodes:\n  workspaces: {perZone: false, instanceTypes: [m6i.metal]}\n',
  'user-namespaces': 'runtime: user-namespaces\n',
  'user-namespaces on Bottlerocket': 'runtime: user-namespaces\nnodes:\n  workspaces: {perZone: false, amiType: BOTTLEROCKET_x86_64}\n',
};
/** A runtime config on one group per generation, at a generation, with retiring entries. */
function runtimeConfig(name: string, generation = 1, retiring = '[]'): string {
  const text = RUNTIME_CONFIGS[name];
  const ws = `generation: ${generation}, retiringGenerations: ${retiring}`;
  return text.includes('workspaces: {') ? text.replace('workspaces: {perZone: false', `workspaces: {perZone: false, ${ws}`) : `${text}nodes:\n  workspaces: {perZone: false, ${ws}}\n`;
}

describe('changing runtime under running nodes', () => {
  it('fixes every workspace group\'s labels and checks its runtime label (absent for none) at plan time', () => {
    const expected: Record<string, string> = { none: '', sysbox: 'sysbox', kata: 'kata', 'user-namespaces': 'user-namespaces', 'user-namespaces on Bottlerocket': 'user-namespaces' };
    for (const [name, label] of Object.entries(expected)) {
      const group = groupsOf(runtimeConfig(name))['workspaces-g1-'];
      expect(group.lifecycle.ignore_changes).toContain('labels');
      expect(group.lifecycle.postcondition[0]).toEqual(expect.objectContaining({ condition: `\${try(self.labels["gitlab-workspaces/runtime"], "") == "${label}"}` }));
      expect(group.labels['gitlab-workspaces/runtime'] ?? '').toBe(label);
    }
  });

  it('refuses every runtime change in the same generation, in both directions, and accepts the same runtime', () => {
    const names = Object.keys(RUNTIME_CONFIGS);
    const built = Object.fromEntries(names.map((n) => [n, groupsOf(runtimeConfig(n))['workspaces-g1-']]));
    for (const before of names) {
      for (const after of names) {
        // The running group keeps the labels it was created with; the new config's condition judges them.
        const sameRuntime = before.split(' ')[0] === after.split(' ')[0];
        expect([before, after, conditionHolds(built[after], built[before].labels)]).toEqual([before, after, sameRuntime]);
      }
    }
  });

  it('says which generation to create when the current one was built for another runtime', () => {
    const current = groupsOf(runtimeConfig('none', 2, '[1]'))['workspaces-g2-'];
    expect(current.lifecycle.postcondition[0]).toEqual({
      condition: '${try(self.labels["gitlab-workspaces/runtime"], "") == ""}',
      error_message: 'Workspace node group workspaces-g2 has nodes built for runtime ${try(self.labels["gitlab-workspaces/runtime"], "none")}, and the config asks for runtime: none. '
        + 'A running node group keeps its nodes (replacing them would kill the workspaces on them), so a runtime change goes through a new generation: '
        + 'set nodes.workspaces.generation to 3, add 2 to nodes.workspaces.retiringGenerations, and deploy again.',
    });
  });

  it('keeps a retiring generation\'s runtime taint when its entry names the runtime it was built for (sysbox -> none)', () => {
    const before = groupsOf(runtimeConfig('sysbox'))['workspaces-g1-'];
    const groups = groupsOf(runtimeConfig('none', 2, '[{generation: 1, runtime: sysbox}]'));
    const [current, retiring] = [groups['workspaces-g2-'], groups['workspaces-g1-']];
    expect(current.taint).toBeUndefined();
    expect(current.labels['gitlab-workspaces/runtime']).toBeUndefined();
    expect(retiring.taint).toEqual([{ key: 'gitlab-workspaces/runtime', value: 'sysbox', effect: 'NO_SCHEDULE' }, { key: 'gitlab-workspaces/retiring', value: 'true', effect: 'NO_SCHEDULE' }]);
    expect(retiring.labels).toEqual(before.labels);
    expect(retiring.lifecycle.ignore_changes).toContain('labels');
    expect(conditionHolds(retiring, before.labels)).toBe(true);
    expect([retiring.scaling_config.min_size, retiring.scaling_config.desired_size]).toEqual([0, 0]);
  });

  it('keeps the taints of each runtime a retiring generation was built for: kata -> user-namespaces, none -> kata', () => {
    const fromKata = groupsOf(runtimeConfig('user-namespaces', 2, '[{generation: 1, runtime: kata}]'));
    expect(fromKata['workspaces-g2-'].taint).toBeUndefined();
    expect(fromKata['workspaces-g1-'].taint).toEqual([{ key: 'gitlab-workspaces/runtime', value: 'kata', effect: 'NO_SCHEDULE' }, { key: 'gitlab-workspaces/retiring', value: 'true', effect: 'NO_SCHEDULE' }]);
    expect(fromKata['workspaces-g1-'].labels['gitlab-workspaces/runtime']).toBe('kata');
    const fromNone = groupsOf(runtimeConfig('kata', 2, '[{generation: 1, runtime: none}]'));
    // The current generation registers with Kata's startup taint too; a retiring one starts no nodes.
    expect(fromNone['workspaces-g2-'].taint).toEqual([
      { key: 'gitlab-workspaces/runtime', value: 'kata', effect: 'NO_SCHEDULE' },
      { key: 'startup-taint.cluster-autoscaler.kubernetes.io/kata-runtime', value: 'installing', effect: 'NO_SCHEDULE' },
    ]);
    expect(fromNone['workspaces-g1-'].taint).toEqual([{ key: 'gitlab-workspaces/retiring', value: 'true', effect: 'NO_SCHEDULE' }]);
    expect(fromNone['workspaces-g1-'].lifecycle.postcondition[0].condition).toBe('${try(self.labels["gitlab-workspaces/runtime"], "") == ""}');
  });

  it('tells the autoscaler what a retiring generation\'s nodes carry: its own runtime\'s labels and taint', () => {
    const app = synthApp(configFromText(`${REQUIRED_CONFIG}${runtimeConfig('none', 2, '[{generation: 1, runtime: sysbox}]')}`));
    const retiring = workspaceGroups(app.cluster.s)['workspaces-g1-'];
    expect(autoscalerTemplate(app.cluster.s, retiring, 'taint')).toEqual(['gitlab-workspaces/retiring=true:NoSchedule', 'gitlab-workspaces/runtime=sysbox:NoSchedule']);
    expect(autoscalerTemplate(app.cluster.s, retiring, 'label')).toContain('sysbox-runtime=running');
  });

  it('refuses a retiring generation given a runtime its nodes were not built for (a bare number: the current runtime), saying what to write', () => {
    const before = groupsOf(runtimeConfig('sysbox'))['workspaces-g1-'];
    const retiring = groupsOf(runtimeConfig('none', 2, '[1]'))['workspaces-g1-'];
    // Without the check the sysbox nodes would lose their taint in place.
    expect(retiring.taint).toEqual([{ key: 'gitlab-workspaces/retiring', value: 'true', effect: 'NO_SCHEDULE' }]);
    expect(conditionHolds(retiring, before.labels)).toBe(false);
    expect(retiring.lifecycle.postcondition[0].error_message).toBe(
      'Workspace node group workspaces-g1 (retiring generation 1) has nodes built for runtime ${try(self.labels["gitlab-workspaces/runtime"], "none")}, '
      + 'and nodes.workspaces.retiringGenerations has it built for runtime: none (an entry written as a bare number: the current runtime). '
      + 'A retiring generation keeps the taint of the runtime its nodes were built for: write its entry as {generation: 1, runtime: ${try(self.labels["gitlab-workspaces/runtime"], "none")}}, and deploy again.');
    // A bare number is right when the runtime did not change (a template change only).
    const same = groupsOf(runtimeConfig('sysbox', 2, '[1]'))['workspaces-g1-'];
    expect(conditionHolds(same, before.labels)).toBe(true);
    expect(same.taint).toEqual([{ key: 'gitlab-workspaces/runtime', value: 'sysbox', effect: 'NO_SCHEDULE' }, { key: 'gitlab-workspaces/retiring', value: 'true', effect: 'NO_SCHEDULE' }]);
  });

  it('builds one group per zone for a retiring generation too, each with its runtime', () => {
    const groups = workspaceGroups(synthApp(configFromText(`${REQUIRED_CONFIG}nodes:\n  workspaces: {generation: 3, retiringGenerations: [{generation: 1, runtime: kata}, 2]}\nruntime: sysbox\n`)).cluster.s);
    const runtimeTaint = (g: Block) => (g.taint as Block[]).find((t) => t.key === 'gitlab-workspaces/runtime')?.value;
    expect(Object.fromEntries(Object.entries(groups).map(([name, g]) => [name, runtimeTaint(g)]))).toEqual({
      'workspaces-g3-eu-west-1a-': 'sysbox', 'workspaces-g3-eu-west-1b-': 'sysbox', 'workspaces-g3-eu-west-1c-': 'sysbox',
      'workspaces-g1-eu-west-1a-': 'kata', 'workspaces-g1-eu-west-1b-': 'kata', 'workspaces-g1-eu-west-1c-': 'kata',
      'workspaces-g2-eu-west-1a-': 'sysbox', 'workspaces-g2-eu-west-1b-': 'sysbox', 'workspaces-g2-eu-west-1c-': 'sysbox',
    });
  });
});
