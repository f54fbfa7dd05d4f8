/**
 * The sudo runtimes' answers (pure): what nodes, which RuntimeClass, which agent settings; the agent
 * settings pass GitLab's rules; and `gitlab-workspaces render --agent-config` with each example's agent
 * config shows the runtime in the workspace's pod spec.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parseAllDocuments, stringify } from 'yaml';
import { RuntimeClass as K8sRuntimeClass } from 'kubernetes-models/node.k8s.io/v1/RuntimeClass';
import { parseAgentConfig } from '../../lib/agent-config';
import { runRender } from '../../lib/cli/render';
import { mergeRuntimeAgentSettings, runtimeAgentSettings } from '../../lib/runtimes/agent-settings';
import { KATA_SHIM_NAMES, KATA_SHIMS, kataRuntimeClassName } from '../../lib/runtimes/kata';
import { runtimeClassObject } from '../../lib/runtimes/runtime-class';
import { NO_RUNTIME, sudoRuntime } from '../../lib/runtimes/sudo-runtime';
import { installerImageTag, SYSBOX_DEPLOY_IMAGE, sysboxUpstreamReports } from '../../lib/runtimes/sysbox';
import { RUNTIME_NAMES, RuntimeName } from '../../lib/runtimes/types';
import { loadExample, ROOT, synthApp } from '../stacks/helpers';

const AL2023 = { kind: 'eks-optimized', amiType: 'AL2023_x86_64_STANDARD' } as const;
const BOTTLEROCKET = { kind: 'eks-optimized', amiType: 'BOTTLEROCKET_x86_64' } as const;

describe('the runtimes behind one interface', () => {
  it('offers none, sysbox, kata and user-namespaces, as the stack config does', () => {
    expect([...RUNTIME_NAMES]).toEqual(['none', 'sysbox', 'kata', 'user-namespaces']);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const schema = require('../../schemas/workspaces.config.schema.json') as { properties: { runtime: { enum: string[] } } };
    expect(schema.properties.runtime.enum).toEqual([...RUNTIME_NAMES]);
    expect(RUNTIME_NAMES.map((n) => sudoRuntime(n).name)).toEqual([...RUNTIME_NAMES]);
  });

  it('labels nodes with the runtime they were built for, whatever the image (none: no label), and taints them by that label', () => {
    // The stack relies on it: a group's runtime label names its runtime, so a retiring generation's
    // taint and the plan-time runtime checks follow from the runtime alone.
    const images = [AL2023, BOTTLEROCKET, { kind: 'ubuntu-eks', release: '24.04', arch: 'amd64' } as const];
    for (const name of RUNTIME_NAMES) {
      for (const image of images) {
        const nodes = sudoRuntime(name).nodes(image);
        const label = nodes.templateLabels['gitlab-workspaces/runtime'];
        expect([name, label]).toEqual([name, name === 'none' ? undefined : name]);
        for (const taint of nodes.taints) expect(taint).toEqual({ key: 'gitlab-workspaces/runtime', value: name, effect: 'NoSchedule' });
      }
    }
  });

  it('offers the same runtimes for a retiring generation\'s entry', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const schema = require('../../schemas/workspaces.config.schema.json') as { definitions: { nodes: { properties: { workspaces: { properties: { retiringGenerations: { items: { properties: { runtime: { enum: string[] } } } } } } } } } };
    expect(schema.definitions.nodes.properties.workspaces.properties.retiringGenerations.items.properties.runtime.enum).toEqual([...RUNTIME_NAMES]);
  });

  it('none: plain nodes, no RuntimeClass, no agent setting', () => {
    expect(sudoRuntime('none')).toBe(NO_RUNTIME);
    expect(NO_RUNTIME.nodes(AL2023)).toEqual({ templateLabels: {}, taints: [], autoscalerLabels: {}, seccompDefault: true });
    expect(NO_RUNTIME.runtimeClass).toBeUndefined();
    expect(runtimeAgentSettings('none')).toEqual({});
  });

  it('sysbox: Ubuntu nodes labelled for the installer and tainted; sysbox-runc scheduled where Sysbox runs', () => {
    const sysbox = sudoRuntime('sysbox');
    expect(sysbox.requiredImage).toEqual({ kind: 'ubuntu-eks', release: '24.04', arch: 'amd64' });
    expect(sysbox.nodes(sysbox.requiredImage!)).toEqual({
      templateLabels: { 'gitlab-workspaces/runtime': 'sysbox', 'sysbox-install': 'yes' },
      taints: [{ key: 'gitlab-workspaces/runtime', value: 'sysbox', effect: 'NoSchedule' }],
      autoscalerLabels: { 'sysbox-runtime': 'running' },
      startupTaints: [{ key: 'sysbox-runtime', value: 'not-running', effect: 'NoSchedule' }],
      seccompDefault: true,
    });
    expect(sysbox.runtimeClass).toEqual({
      name: 'sysbox-runc', handler: 'sysbox-runc',
      nodeSelector: { 'sysbox-runtime': 'running' },
      tolerations: [{ key: 'gitlab-workspaces/runtime', operator: 'Equal', value: 'sysbox', effect: 'NoSchedule' }],
    });
    expect(sysbox.kubernetesVersions).toMatchObject({ min: '1.32', max: '1.35' });
  });

  it('sysbox: pods in Kubernetes user namespaces on containerd, CRI-O\'s annotation on CRI-O', () => {
    expect(runtimeAgentSettings('sysbox', { sysbox: { containerRuntime: 'containerd' } })).toEqual({ defaultRuntimeClass: 'sysbox-runc', allowPrivilegeEscalation: true, useKubernetesUserNamespaces: true });
    // CRI-O is the default (the path without an upstream failure report on Canonical's EKS nodes).
    expect(runtimeAgentSettings('sysbox')).toEqual(runtimeAgentSettings('sysbox', { sysbox: { containerRuntime: 'cri-o' } }));
    expect(runtimeAgentSettings('sysbox', { sysbox: { containerRuntime: 'cri-o' } })).toEqual({
      defaultRuntimeClass: 'sysbox-runc', allowPrivilegeEscalation: true, useKubernetesUserNamespaces: false,
      annotations: { 'io.kubernetes.cri-o.userns-mode': 'auto:size=65536' },
    });
  });

  it('sysbox: names the upstream reports a combination matches (installer, container runtime, pinned kernel)', () => {
    const issues = (o: Parameters<typeof sysboxUpstreamReports>[0]) => sysboxUpstreamReports(o).flatMap((r) => r.issues);
    expect(issues({})).toEqual([]); // v0.7.1-0 on CRI-O
    expect(issues({ containerRuntime: 'containerd' })).toEqual([1035, 1025]); // kernel not pinned: the current build (6.17 in #1035)
    expect(issues({ containerRuntime: 'containerd', nodeImage: { serial: '20250611', kernel: '6.8' } })).toEqual([]);
    expect(issues({ containerRuntime: 'containerd', nodeImage: { serial: '20260801', kernel: '6.17' } })).toEqual([1035, 1025]);
    const v070 = 'registry.nestybox.com/nestybox/sysbox-deploy-k8s:v0.7.0-0';
    expect(issues({ installerImage: v070, containerRuntime: 'containerd', nodeImage: { serial: '20250611', kernel: '6.8' } })).toEqual([1013, 1025, 997]);
    expect(issues({ installerImage: v070, containerRuntime: 'cri-o' })).toEqual([]);
    expect(issues({ installerImage: `${v070}@sha256:${'a'.repeat(64)}`, containerRuntime: 'containerd' })).toEqual([1013, 1025, 997]);
    expect(issues({ installerImage: 'my.registry/sysbox-deploy-k8s:custom', containerRuntime: 'containerd' })).toEqual([]);
    expect(installerImageTag(SYSBOX_DEPLOY_IMAGE)).toBe('v0.7.1-0');
  });

  it('kata: nodes labelled and tainted for it; the shim\'s class, named as configured, with the VM\'s overhead', () => {
    const kata = sudoRuntime('kata');
    expect(kata.requiredImage).toBeUndefined();
    expect(kata.nodes(AL2023)).toEqual({
      templateLabels: { 'gitlab-workspaces/runtime': 'kata' },
      taints: [{ key: 'gitlab-workspaces/runtime', value: 'kata', effect: 'NoSchedule' }],
      autoscalerLabels: { 'katacontainers.io/kata-runtime': 'true' },
      startupTaints: [{ key: 'startup-taint.cluster-autoscaler.kubernetes.io/kata-runtime', value: 'installing', effect: 'NoSchedule' }],
      seccompDefault: true,
    });
    expect(kata.runtimeClass).toEqual({
      name: 'kata-qemu-runtime-rs', handler: 'kata-qemu-runtime-rs',
      nodeSelector: { 'katacontainers.io/kata-runtime': 'true' },
      tolerations: [{ key: 'gitlab-workspaces/runtime', operator: 'Equal', value: 'kata', effect: 'NoSchedule' }],
      overhead: { memory: '320Mi', cpu: '250m' },
    });
    expect(runtimeAgentSettings('kata')).toEqual({ defaultRuntimeClass: 'kata-qemu-runtime-rs', allowPrivilegeEscalation: true });
    const clh = sudoRuntime('kata', { kata: { shim: 'clh', runtimeClassName: 'kata' } });
    expect(clh.runtimeClass).toMatchObject({ name: 'kata', handler: 'kata-clh', overhead: { memory: '130Mi', cpu: '250m' } });
    expect(clh.agentSettings.defaultRuntimeClass).toBe('kata');
    expect(KATA_SHIM_NAMES.map((shim) => kataRuntimeClassName({ shim }))).toEqual(KATA_SHIM_NAMES.map((s) => `kata-${s}`));
  });

  it('kata: each shim\'s overhead is kata-deploy 4.1.0\'s (the QEMU shims 320Mi: 160Mi gets the VMM OOM-killed), and every shim is one the chart knows', () => {
    // kata-containers tag 4.1.0, tools/packaging/kata-deploy/helm-chart/kata-deploy/templates/_helpers.tpl
    const chart410: Record<string, { memory: string; cpu: string }> = {
      qemu: { memory: '320Mi', cpu: '250m' }, 'qemu-runtime-rs': { memory: '320Mi', cpu: '250m' },
      clh: { memory: '130Mi', cpu: '250m' }, 'clh-runtime-rs': { memory: '130Mi', cpu: '250m' }, dragonball: { memory: '130Mi', cpu: '250m' },
    };
    for (const shim of KATA_SHIM_NAMES) {
      expect([shim, sudoRuntime('kata', { kata: { shim } }).runtimeClass?.overhead]).toEqual([shim, chart410[shim]]);
    }
  });

  it('user-namespaces: only the runtime label on AL2023 nodes; Bottlerocket nodes get user.max_user_namespaces raised, fixed for their life', () => {
    const userns = sudoRuntime('user-namespaces');
    expect(userns.nodes(AL2023)).toEqual({ templateLabels: { 'gitlab-workspaces/runtime': 'user-namespaces' }, taints: [], autoscalerLabels: {}, seccompDefault: false });
    expect(userns.nodes(BOTTLEROCKET)).toEqual({
      templateLabels: { 'gitlab-workspaces/runtime': 'user-namespaces' }, taints: [], autoscalerLabels: {}, seccompDefault: false,
      bottlerocketSysctl: { 'user.max_user_namespaces': '65536' },
    });
    expect(userns.runtimeClass).toBeUndefined();
    expect(userns.kubernetesVersions).toMatchObject({ min: '1.33' });
    expect(runtimeAgentSettings('user-namespaces')).toEqual({ useKubernetesUserNamespaces: true, allowPrivilegeEscalation: true });
  });

  it('emits RuntimeClass objects valid against the Kubernetes schema', () => {
    const specs = [sudoRuntime('sysbox').runtimeClass!, ...KATA_SHIM_NAMES.map((shim) => sudoRuntime('kata', { kata: { shim } }).runtimeClass!)];
    for (const spec of specs) {
      const object = runtimeClassObject(spec);
      expect(() => new K8sRuntimeClass(object as never).validate()).not.toThrow();
      expect(object).toMatchObject({ apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', handler: spec.handler, scheduling: { nodeSelector: spec.nodeSelector } });
    }
    expect(Object.keys(KATA_SHIMS)).toEqual(KATA_SHIM_NAMES);
  });
});

describe('a runtime\'s agent settings added to the user\'s (mergeRuntimeAgentSettings)', () => {
  const criO = runtimeAgentSettings('sysbox', { sysbox: { containerRuntime: 'cri-o' } });

  it('fills in what the user left out and merges annotations key by key, keeping the user\'s own', () => {
    const user = { dns_zone: 'workspaces.example.dev', annotations: { team: 'a' }, workspaces_quota: 5 };
    const merged = mergeRuntimeAgentSettings(user, criO);
    expect(merged.settings).toEqual({
      dns_zone: 'workspaces.example.dev', workspaces_quota: 5,
      default_runtime_class: 'sysbox-runc', allow_privilege_escalation: true, use_kubernetes_user_namespaces: false,
      annotations: { team: 'a', 'io.kubernetes.cri-o.userns-mode': 'auto:size=65536' },
    });
    expect(merged.conflicts).toEqual([]);
    expect(merged.fromRuntime).toEqual([['default_runtime_class'], ['allow_privilege_escalation'], ['use_kubernetes_user_namespaces'], ['annotations', 'io.kubernetes.cri-o.userns-mode']]);
    // The user's mapping is not changed.
    expect(user).toEqual({ dns_zone: 'workspaces.example.dev', annotations: { team: 'a' }, workspaces_quota: 5 });
  });

  it('refuses a user setting that contradicts the runtime, scalar or annotation, and takes the runtime\'s value', () => {
    const user = { default_runtime_class: 'mine', allow_privilege_escalation: true, annotations: { team: 'a', 'io.kubernetes.cri-o.userns-mode': 'host' } };
    const merged = mergeRuntimeAgentSettings(user, criO);
    expect(merged.conflicts).toEqual([
      { path: ['default_runtime_class'], written: 'mine', wanted: 'sysbox-runc' },
      { path: ['annotations', 'io.kubernetes.cri-o.userns-mode'], written: 'host', wanted: 'auto:size=65536' },
    ]);
    expect(merged.settings).toMatchObject({ default_runtime_class: 'sysbox-runc', allow_privilege_escalation: true, annotations: { team: 'a', 'io.kubernetes.cri-o.userns-mode': 'auto:size=65536' } });
  });

  it('treats null as left out, and leaves a value of another type for the agent config checker', () => {
    expect(mergeRuntimeAgentSettings({ default_runtime_class: null, annotations: null }, criO).settings)
      .toMatchObject({ default_runtime_class: 'sysbox-runc', annotations: { 'io.kubernetes.cri-o.userns-mode': 'auto:size=65536' } });
    const wrongTypes = mergeRuntimeAgentSettings({ allow_privilege_escalation: 'yes', annotations: ['x'] }, criO);
    expect(wrongTypes.conflicts).toEqual([]);
    expect(wrongTypes.settings).toMatchObject({ allow_privilege_escalation: 'yes', annotations: ['x'] });
  });

  it('none adds nothing', () => {
    const user = { dns_zone: 'workspaces.example.dev', default_runtime_class: 'mine' };
    expect(mergeRuntimeAgentSettings(user, runtimeAgentSettings('none'))).toEqual({ settings: user, fromRuntime: [], conflicts: [] });
  });

  it.each(RUNTIME_NAMES)('%s: pass GitLab\'s rules (privilege escalation only with a runtime class or user namespaces)', (name) => {
    for (const options of [{}, { sysbox: { containerRuntime: 'cri-o' as const } }]) {
      const runtime = runtimeAgentSettings(name, options);
      const { settings } = mergeRuntimeAgentSettings({ enabled: true, dns_zone: 'workspaces.example.dev' }, runtime);
      const parsed = parseAgentConfig(stringify({ remote_development: settings }), 'config.yaml');
      expect(parsed.diagnostics).toEqual([]);
      expect(parsed.ok && parsed.value).toMatchObject(runtime);
    }
  });
});

describe('render --agent-config with each example\'s runtime', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'runtime-render-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const devfile = join(ROOT, 'examples', 'smoke-workspace', 'devfile.yaml');

  /**
   * The workspace Deployment's pod spec rendered with the agent config the example's stack writes (the
   * platform stack's `agent_config` output: the runtime's settings over the user's and the stack's).
   */
  async function renderPodSpec(example: string) {
    const config = loadExample(example);
    const { platform } = synthApp(config);
    const text = platform.s.output('agent_config').value as string;
    // The stack's agent config carries the runtime's settings, added by mergeRuntimeAgentSettings.
    const parsed = parseAgentConfig(text, 'agent_config');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) throw new Error('agent_config does not parse');
    expect(parsed.value).toMatchObject(runtimeAgentSettings(config.runtime, config.runtimes));
    const agentConfig = join(tmp, `${example}.yaml`);
    writeFileSync(agentConfig, text);
    let stdout = '';
    let stderr = '';
    const code = await runRender([devfile, '--agent-config', agentConfig], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const deployment = parseAllDocuments(stdout).map((d) => d.toJS()).find((o) => o.kind === 'Deployment');
    return deployment.spec.template.spec as {
      runtimeClassName?: string; hostUsers?: boolean;
      containers: Array<{ securityContext: { allowPrivilegeEscalation: boolean } }>;
      initContainers: Array<{ securityContext: { allowPrivilegeEscalation: boolean } }>;
    };
  }
  const escalation = (spec: Awaited<ReturnType<typeof renderPodSpec>>) =>
    [...spec.containers, ...spec.initContainers].map((c) => c.securityContext.allowPrivilegeEscalation);

  const cases: Array<[string, RuntimeName, string | undefined, boolean | undefined, boolean]> = [
    ['default', 'none', undefined, undefined, false],
    ['sysbox', 'sysbox', 'sysbox-runc', undefined, true], // on CRI-O: its user-namespace annotation instead of hostUsers
    ['kata', 'kata', 'kata-qemu-runtime-rs', undefined, true],
    ['user-namespaces', 'user-namespaces', undefined, false, true],
  ];
  it.each(cases)('example %s (runtime %s): runtimeClassName %s, hostUsers %s, allowPrivilegeEscalation %s', async (example, runtime, runtimeClassName, hostUsers, escalate) => {
    expect(loadExample(example).runtime).toBe(runtime);
    const spec = await renderPodSpec(example);
    expect(spec.runtimeClassName).toBe(runtimeClassName);
    expect(spec.hostUsers).toBe(hostUsers);
    expect(new Set(escalation(spec))).toEqual(new Set([escalate]));
  });
});
