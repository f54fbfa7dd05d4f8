/**
 * Runtime combinations the config accepts (the refused ones are fixtures in fixtures/invalid/runtime-*),
 * and the warnings it gives about them.
 */
import { formatDiagnostic } from '../../lib/common/diagnostics';
import { loadConfigText } from '../../stacks/config/load';
import { configRuntime, workspaceNodeImage } from '../../stacks/config/runtime';
import { compareGitLabVersions, SUPPORTED_GITLAB_VERSIONS } from '../../lib/common/gitlab-version';
import { GITLAB_CONFIG, REQUIRED_CONFIG, TEST_DAY } from './helpers';

const load = (text: string, version = '1.35') =>
  loadConfigText(`${REQUIRED_CONFIG.replace('cluster:\n', `cluster:\n  kubernetesVersion: "${version}"\n`)}${text}`, 'c.yaml', { today: TEST_DAY });
// The unpinned-image warning every Sysbox config without runtimes.sysbox.nodeImage draws has a test of its own.
const UNPINNED = 'config/sysbox-node-image-unpinned';
const messages = (text: string, version?: string) => load(text, version).diagnostics.filter((d) => d.rule !== UNPINNED).map(formatDiagnostic);

describe('runtime combinations the config accepts', () => {
  it.each([
    ['sysbox with Graviton system nodes (the workspace image is Ubuntu amd64 whatever nodes.amiType says)',
      'runtime: sysbox\nnodes:\n  amiType: AL2023_ARM_64_STANDARD\n  system: {instanceTypes: [m7g.large]}\n  workspaces: {instanceTypes: [m7i.2xlarge]}\n'],
    ['kata on metal types', 'runtime: kata\nnodes:\n  workspaces: {instanceTypes: [c8i.metal-48xl, m6i.metal]}\nruntimes:\n  kata: {shim: dragonball, runtimeClassName: kata.sandbox}\n'],
    ['user namespaces on AL2023', 'runtime: user-namespaces\n'],
    ['user namespaces on Bottlerocket', 'runtime: user-namespaces\nnodes:\n  workspaces: {amiType: BOTTLEROCKET_x86_64}\n'],
    ['Bottlerocket workspace nodes without a runtime', 'nodes:\n  workspaces: {amiType: BOTTLEROCKET_x86_64}\n'],
    ['sysbox on Kubernetes 1.34 with its settings', 'runtime: sysbox\nruntimes:\n  sysbox: {containerRuntime: cri-o}\n', '1.34'],
  ])('%s', (_, text, version = '1.35') => {
    const r = load(text, version);
    // No runtime diagnostic (1.34 draws the end-of-standard-support warning on the test day).
    expect(r.diagnostics.filter((d) => d.path !== 'cluster.kubernetesVersion' && d.rule !== UNPINNED).map(formatDiagnostic)).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it('leaves runtime settings out of the config unless written: each runtime has its own defaults', () => {
    const none = load('');
    expect(none.ok && none.value.runtimes).toBeUndefined();
    const sysbox = load('runtime: sysbox\nruntimes:\n  sysbox: {containerRuntime: cri-o}\n');
    expect(sysbox.ok && sysbox.value.runtimes).toEqual({ sysbox: { containerRuntime: 'cri-o', installerImage: 'registry.nestybox.com/nestybox/sysbox-deploy-k8s:v0.7.1-0' } });
    const kata = load('runtime: kata\nnodes:\n  workspaces: {instanceTypes: [m6i.metal]}\nruntimes:\n  kata: {}\n');
    expect(kata.ok && kata.value.runtimes).toEqual({ kata: { chartVersion: '4.1.0', shim: 'qemu-runtime-rs', nestedVirtualization: false } });
  });

  it('asks the runtime for the workspace image: Ubuntu for Sysbox, the pool\'s AMI type otherwise', () => {
    const sysbox = load('runtime: sysbox\n');
    const bottlerocket = load('runtime: user-namespaces\nnodes:\n  workspaces: {amiType: BOTTLEROCKET_x86_64}\n');
    if (!sysbox.ok || !bottlerocket.ok) throw new Error('configs should load');
    expect(workspaceNodeImage(sysbox.value)).toEqual({ kind: 'ubuntu-eks', release: '24.04', arch: 'amd64' });
    expect(workspaceNodeImage(bottlerocket.value)).toEqual({ kind: 'eks-optimized', amiType: 'BOTTLEROCKET_x86_64' });
    expect(configRuntime(bottlerocket.value).name).toBe('user-namespaces');
  });
});

describe('runtime warnings', () => {
  it('warns when Sysbox nodes have fewer than 4 vCPUs, and the synth goes on', () => {
    expect(messages('runtime: sysbox\nnodes:\n  workspaces: {instanceTypes: [m6i.large, m6i.xlarge]}\n')).toEqual([
      'c.yaml:11:32: warning: nodes.workspaces.instanceTypes[0]: m6i.large has 2 vCPUs; Sysbox recommends at least 4 per node (its sysbox-mgr and sysbox-fs run beside the workspaces); use an xlarge or larger type',
      expect.stringMatching(/^c\.yaml:11:43: warning: nodes\.workspaces\.instanceTypes\[1\]: m6i\.xlarge \(4 vCPU, 16 GiB\) differs in size from m6i\.large/),
    ]);
    expect(load('runtime: sysbox\nnodes:\n  workspaces: {instanceTypes: [m6i.large]}\n').ok).toBe(true);
  });

  it('warns when Sysbox nodes run the newest Canonical build (kernel not pinned), naming how to list and pin the dated builds', () => {
    const unpinned = (text: string) => load(text).diagnostics.filter((d) => d.rule === UNPINNED);
    const [w] = unpinned('runtime: sysbox\n');
    expect([w.severity, w.path]).toEqual(['warning', 'runtime']);
    expect(w.message).toContain('/aws/service/canonical/ubuntu/eks/24.04/1.35/stable/current/amd64/hvm/ebs-gp3/ami-id');
    expect(w.message).toContain('runtimes.sysbox.nodeImage: {serial: "YYYYMMDD", kernel: "6.8"}');
    expect(w.message).toContain('aws ssm get-parameters-by-path --path /aws/service/canonical/ubuntu/eks/24.04/1.35/stable --recursive');
    expect(w.message).toContain('aws ec2 describe-images --owners 099720109477 --include-deprecated --filters "Name=name,Values=ubuntu-eks/k8s_1.35/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*"');
    expect(w.message).toContain('nestybox/sysbox#1035');
    expect(load('runtime: sysbox\n').ok).toBe(true);
    // At the settings when they are written; none once a dated build is pinned.
    expect(unpinned('runtime: sysbox\nruntimes:\n  sysbox: {containerRuntime: cri-o}\n').map((d) => d.path)).toEqual(['runtimes.sysbox']);
    expect(unpinned('runtime: sysbox\nruntimes:\n  sysbox: {nodeImage: {serial: "20250611", kernel: "6.8"}}\n')).toEqual([]);
    // containerd on an unpinned kernel is refused already (#1035): no second diagnostic; acknowledged, the warning stays.
    expect(unpinned('runtime: sysbox\nruntimes:\n  sysbox: {containerRuntime: containerd}\n')).toEqual([]);
    expect(unpinned('runtime: sysbox\nruntimes:\n  sysbox: {containerRuntime: containerd, acknowledgeUpstreamIssues: [1035, 1025]}\n')).toHaveLength(1);
    // Other runtimes have no Canonical image to pin.
    expect(unpinned('runtime: user-namespaces\n')).toEqual([]);
  });

  it('reports the runtime\'s own Kubernetes limit beside the stack\'s', () => {
    expect(messages('runtime: sysbox\n', '1.36').filter((m) => m.includes('runtime sysbox'))).toEqual([
      'c.yaml:4:22: error: cluster.kubernetesVersion: runtime sysbox cannot run on Kubernetes 1.36: sysbox-deploy-k8s v0.7.x supports Kubernetes 1.32 to 1.35, and workspaces would wait for nodes that never run it; use Kubernetes 1.35, or another runtime',
    ]);
  });
});

describe('runtimes that put workspaces in user namespaces need GitLab 18.6 (hostUsers: false)', () => {
  const gitlab = (version?: string) => `${GITLAB_CONFIG}${version === undefined ? '' : `  version: "${version}"\n`}`;
  const refusals = (text: string) => load(text).diagnostics.filter((d) => d.rule === 'config/runtime-gitlab-version');
  const before = SUPPORTED_GITLAB_VERSIONS.filter((v) => compareGitLabVersions(v, '18.6') < 0);
  const from = SUPPORTED_GITLAB_VERSIONS.filter((v) => compareGitLabVersions(v, '18.6') >= 0);

  it.each(before)('refuses user-namespaces and Sysbox on containerd with GitLab %s, at `runtime` (Sysbox: at containerRuntime)', (version) => {
    const sysboxOnContainerd = 'runtime: sysbox\nruntimes:\n  sysbox: {containerRuntime: containerd, acknowledgeUpstreamIssues: [1035, 1025]}\n';
    for (const [config, path] of [['runtime: user-namespaces\n', 'runtime'], [sysboxOnContainerd, 'runtimes.sysbox.containerRuntime']]) {
      const found = refusals(`${config}${gitlab(version)}`);
      expect(found.map((d) => [d.severity, d.path])).toEqual([['error', path]]);
      expect(found[0].message).toContain(`needs GitLab 18.6 or later`);
      expect(found[0].message).toContain(`GitLab ${version} (gitlab.version) renders their pods with hostUsers: true`);
    }
    // Sysbox's default container runtime, CRI-O, needs no Kubernetes user namespace.
    expect(refusals(`runtime: sysbox\n${gitlab(version)}`)).toEqual([]);
  });

  it.each(from)('accepts them with GitLab %s', (version) => {
    expect(refusals(`runtime: user-namespaces\n${gitlab(version)}`)).toEqual([]);
    expect(refusals(`runtime: sysbox\n${gitlab(version)}`)).toEqual([]);
  });

  it('takes the default GitLab version (18.9) without a gitlab section or gitlab.version', () => {
    expect(load('runtime: user-namespaces\n').ok).toBe(true);
    expect(refusals(`runtime: user-namespaces\n${gitlab()}`)).toEqual([]);
  });

  it('accepts the runtimes that need no Kubernetes user namespace with older GitLab', () => {
    expect(refusals(`runtime: sysbox\nruntimes:\n  sysbox: {containerRuntime: cri-o}\n${gitlab('18.2')}`)).toEqual([]);
    expect(refusals(`runtime: kata\nnodes:\n  workspaces: {instanceTypes: [m6i.metal]}\n${gitlab('18.2')}`)).toEqual([]);
    expect(refusals(`${gitlab('18.2')}`)).toEqual([]);
  });

  it('leaves a version it cannot read to the gitlab.version rule', () => {
    const r = load(`runtime: user-namespaces\n${gitlab('17.11')}`);
    expect(r.diagnostics.map((d) => d.path)).toEqual(['gitlab.version']);
  });
});
