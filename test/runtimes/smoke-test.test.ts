/**
 * The runtimes' deploy-time smoke test: a Job as a workspace would run on the runtime, whose apply waits
 * for it to complete, so a broken node fails the deploy.
 */
import { Job } from 'kubernetes-models/batch/v1/Job';
import { RUNTIME_SMOKE_TEST_IMAGE, runtimeSmokeJobObject, runtimeSmokeTestScript } from '../../lib/runtimes/smoke-test';
import { sudoRuntime } from '../../lib/runtimes/sudo-runtime';
import { RuntimeName } from '../../lib/runtimes/types';
import { Synthesized } from '../helpers/synthesized';
import { configFromText, loadExample, REQUIRED_CONFIG, synthApp } from '../stacks/helpers';

const AL2023 = { kind: 'eks-optimized', amiType: 'AL2023_x86_64_STANDARD' } as const;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = any;

function jobFor(runtime: RuntimeName, options: Parameters<typeof sudoRuntime>[1] = {}): Obj {
  const r = sudoRuntime(runtime, options);
  return runtimeSmokeJobObject({ runtime: r, nodes: r.nodes(r.requiredImage ?? AL2023) });
}

function smokeJob(s: Synthesized): Obj | undefined {
  return s.all('kubernetes_manifest').find((m) => m.manifest.kind === 'Job');
}

describe('the smoke test Job', () => {
  it('has none for a runtime without sudo', () => {
    expect(jobFor('none')).toBeUndefined();
  });

  it.each([
    // runtime, RuntimeClass, hostUsers, annotations, node selector, checks root is mapped off the node's
    ['sysbox on CRI-O (default)', 'sysbox', {}, 'sysbox-runc', undefined, { 'io.kubernetes.cri-o.userns-mode': 'auto:size=65536' }, undefined, true],
    ['sysbox on containerd', 'sysbox', { sysbox: { containerRuntime: 'containerd' } }, 'sysbox-runc', false, undefined, undefined, true],
    ['kata', 'kata', {}, 'kata-qemu-runtime-rs', undefined, undefined, undefined, false],
    ['user-namespaces', 'user-namespaces', {}, undefined, false, undefined, { 'gitlab-workspaces/runtime': 'user-namespaces' }, true],
  ] as const)('%s: a pod as the runtime\'s workspaces run, checking what sudo gives', (_, runtime, options, runtimeClassName, hostUsers, annotations, nodeSelector, mapped) => {
    const job = jobFor(runtime, options as never);
    expect(() => new Job(job).validate()).not.toThrow();
    expect(job.metadata).toMatchObject({ namespace: 'gitlab-workspaces-smoke-test', name: expect.stringMatching(/^runtime-smoke-test-[0-9a-f]{10}$/) });
    const pod = job.spec.template.spec;
    expect(pod.runtimeClassName).toBe(runtimeClassName);
    expect(pod.hostUsers).toBe(hostUsers);
    expect(job.spec.template.metadata.annotations).toEqual(annotations);
    expect(pod.nodeSelector).toEqual(nodeSelector);
    expect(pod).toMatchObject({ restartPolicy: 'Never', automountServiceAccountToken: false });
    const [container] = pod.containers;
    // Pinned by digest, small, root with privilege escalation as GitLab's sudo settings have it; nothing
    // baseline Pod Security refuses (no privileged, host namespaces, host paths, added capabilities).
    expect(container.image).toBe(RUNTIME_SMOKE_TEST_IMAGE);
    expect(container.image).toMatch(/@sha256:[0-9a-f]{64}$/);
    expect(container.resources).toEqual({ requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '64Mi' } });
    expect(container.securityContext).toEqual({ runAsUser: 0, runAsNonRoot: false, allowPrivilegeEscalation: true });
    expect(JSON.stringify(job)).not.toMatch(/privileged|hostPath|hostNetwork|hostPID|hostIPC|capabilities/);
    expect(container.command).toEqual(['sh', '-c', runtimeSmokeTestScript(mapped)]);
    // The Job fails (DeadlineExceeded) a minute before the apply stops waiting (30 minutes by default).
    expect(job.spec).toMatchObject({ backoffLimit: 1, activeDeadlineSeconds: 1740 });
  });

  it('checks root, writing /etc, chown, a user namespace with its own mounts and, with a user namespace, root mapped off the node', () => {
    const script = runtimeSmokeTestScript(true);
    expect(script).toContain('[ "$(id -u)" = 0 ]');
    expect(script).toContain('echo ok > /etc/gitlab-workspaces-smoke-test');
    expect(script).toContain("unshare -U -r -m sh -c 'mount -t tmpfs tmpfs /mnt && touch /mnt/ok'");
    expect(script).toContain('/proc/self/uid_map');
    expect(runtimeSmokeTestScript(false)).not.toContain('$2 == 0');
    expect(script.startsWith('set -eu\n')).toBe(true);
  });

  it('is renamed when what it tests changes (a Job\'s pod template cannot change in place)', () => {
    const names = [jobFor('sysbox'), jobFor('sysbox', { sysbox: { containerRuntime: 'containerd' } }), jobFor('kata'), jobFor('kata', { kata: { shim: 'clh' } })]
      .map((j) => j.metadata.name);
    expect(new Set(names).size).toBe(4);
    expect(jobFor('kata').metadata.name).toBe(jobFor('kata').metadata.name);
  });
});

describe('the smoke test in the platform stack', () => {
  it.each(['sysbox', 'kata', 'user-namespaces'])('example %s: the apply waits for the Job to complete, after the installer, the RuntimeClass and the autoscaler', (example) => {
    const p = synthApp(loadExample(example)).platform.s;
    const job = smokeJob(p)!;
    expect(job).toBeDefined();
    expect(job.wait).toEqual({ condition: [{ type: 'Complete', status: 'True' }] });
    expect(job.timeouts).toEqual({ create: '30m', update: '30m' });
    expect(job.computed_fields).toContain('spec.template.metadata.labels');
    const namespace = p.onlyWhere('kubernetes_namespace_v1', (n) => n.metadata.name === 'gitlab-workspaces-smoke-test');
    expect(namespace.metadata.labels).toEqual({ 'pod-security.kubernetes.io/enforce': 'baseline' });
    const deps: string[] = job.depends_on;
    expect(deps).toContain(p.addressOf('kubernetes_namespace_v1', namespace));
    expect(deps).toContain(p.addressOf('helm_release', p.all('helm_release').find((r) => r.name === 'cluster-autoscaler')!));
    if (example !== 'user-namespaces') {
      expect(deps).toContain(p.addressOf('kubernetes_manifest', p.onlyWhere('kubernetes_manifest', (m) => m.manifest.kind === 'RuntimeClass')));
    }
  });

  it('runs again on new workspace nodes: a new generation (image roll, minor upgrade) gets a Job of its own, held to that generation', () => {
    const gen = (generation: number, retiring = '') => {
      const p = synthApp(configFromText(`${REQUIRED_CONFIG}runtime: kata\nnodes:\n  workspaces:\n    instanceTypes: [m7i.metal-24xl]\n    generation: ${generation}\n${retiring}`)).platform.s;
      return smokeJob(p)!.manifest;
    };
    const first = gen(1);
    const second = gen(2, '    retiringGenerations: [1]\n');
    expect(first.metadata.name).not.toBe(second.metadata.name);
    expect(first.spec.template.spec.nodeSelector).toEqual({ 'gitlab-workspaces/generation': '1' });
    expect(second.spec.template.spec.nodeSelector).toEqual({ 'gitlab-workspaces/generation': '2' });
    expect(gen(1).metadata.name).toBe(first.metadata.name);
  });

  it('has none without a sudo runtime, and none when turned off; the timeout and image are configurable', () => {
    expect(smokeJob(synthApp(loadExample('default')).platform.s)).toBeUndefined();
    const off = synthApp(configFromText(`${REQUIRED_CONFIG}runtime: user-namespaces\nruntimes:\n  smokeTest: {enabled: false}\n`)).platform.s;
    expect(smokeJob(off)).toBeUndefined();
    expect(off.all('kubernetes_namespace_v1').map((n) => n.metadata.name)).not.toContain('gitlab-workspaces-smoke-test');
    const image = `registry.example.com/mirror/busybox@sha256:${'b'.repeat(64)}`;
    const tuned = smokeJob(synthApp(configFromText(`${REQUIRED_CONFIG}runtime: user-namespaces\nruntimes:\n  smokeTest: {timeoutMinutes: 45, image: '${image}'}\n`)).platform.s)!;
    expect(tuned.timeouts).toEqual({ create: '45m', update: '45m' });
    expect(tuned.manifest.spec.activeDeadlineSeconds).toBe(2640);
    expect(tuned.manifest.spec.template.spec.containers[0].image).toBe(image);
  });
});
