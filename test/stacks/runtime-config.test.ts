/**
 * Runtime combinations the config accepts (the refused ones are fixtures in fixtures/invalid/runtime-*),
 * and the warnings it gives about them.
 */
import { formatDiagnostic } from '../../lib/common/diagnostics';
import { loadConfigText } from '../../stacks/config/load';
import { configRuntime, workspaceNodeImage } from '../../stacks/config/runtime';
import { REQUIRED_CONFIG, TEST_DAY } from './helpers';

const load = (text: string, version = '1.35') =>
  loadConfigText(`${REQUIRED_CONFIG.replace('cluster:\n', `cluster:\n  kubernetesVersion: "${version}"\n`)}${text}`, 'c.yaml', { today: TEST_DAY });
const messages = (text: string, version?: string) => load(text, version).diagnostics.map(formatDiagnostic);

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
    expect(r.diagnostics.filter((d) => d.path !== 'cluster.kubernetesVersion').map(formatDiagnostic)).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it('leaves runtime settings out of the config unless written: each runtime has its own defaults', () => {
    const none = load('');
    expect(none.ok && none.value.runtimes).toBeUndefined();
    const sysbox = load('runtime: sysbox\nruntimes:\n  sysbox: {containerRuntime: cri-o}\n');
    expect(sysbox.ok && sysbox.value.runtimes).toEqual({ sysbox: { containerRuntime: 'cri-o', installerImage: 'registry.nestybox.com/nestybox/sysbox-deploy-k8s:v0.7.0-0' } });
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
      'c.yaml:9:32: warning: nodes.workspaces.instanceTypes[0]: m6i.large has 2 vCPUs; Sysbox recommends at least 4 per node (its sysbox-mgr and sysbox-fs run beside the workspaces); use an xlarge or larger type',
    ]);
    expect(load('runtime: sysbox\nnodes:\n  workspaces: {instanceTypes: [m6i.large]}\n').ok).toBe(true);
  });

  it('reports the runtime\'s own Kubernetes limit beside the stack\'s', () => {
    expect(messages('runtime: sysbox\n', '1.36').filter((m) => m.includes('runtime sysbox'))).toEqual([
      'c.yaml:2:22: error: cluster.kubernetesVersion: runtime sysbox cannot run on Kubernetes 1.36: sysbox-deploy-k8s v0.7.0 supports Kubernetes 1.32 to 1.35, and workspaces would wait for nodes that never run it; use Kubernetes 1.35, or another runtime',
    ]);
  });
});
