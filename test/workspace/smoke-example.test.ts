/**
 * examples/smoke-workspace: a cdktf app that applies one workspace's objects to a cluster and waits
 * for them, as a smoke test of the runtime, storage and network policy.
 */
import { Testing } from 'cdktf';
import { SmokeWorkspaceStack } from '../../examples/smoke-workspace/main';
import { Synthesized } from '../helpers/synthesized';
import { unresolvedReferences } from '../helpers/terraform-references';

describe('example smoke-workspace', () => {
  let json: string;
  let s: Synthesized;
  let stack: SmokeWorkspaceStack;
  beforeAll(() => {
    stack = new SmokeWorkspaceStack(Testing.app(), 'smoke-workspace', '/tmp/kubeconfig');
    json = Testing.synth(stack);
    s = new Synthesized(json);
  });

  it('applies every rendered object plus the namespace, and resolves every reference', () => {
    const manifests = s.all('kubernetes_manifest');
    expect(manifests).toHaveLength(stack.workspace.objects.length + 1);
    expect(manifests.map((m) => m.manifest.kind)).toEqual(expect.arrayContaining(['Namespace', 'Deployment', 'NetworkPolicy', 'PersistentVolumeClaim']));
    expect(unresolvedReferences(json)).toEqual([]);
  });

  it('waits for the Deployment to roll out, so a broken runtime, volume or policy fails the deploy', () => {
    const deployment = s.all('kubernetes_manifest').find((m) => m.manifest.kind === 'Deployment');
    expect(deployment?.wait).toEqual({ rollout: true });
    expect(deployment?.manifest.metadata.namespace).toBe('gl-rd-ns-smoke-test');
  });

  it('closes the instance metadata service in the workspace network policy', () => {
    const policy = s.all('kubernetes_manifest').find((m) => m.manifest.kind === 'NetworkPolicy');
    const ipBlocks = policy?.manifest.spec.egress.flatMap((r: { to: Array<{ ipBlock?: unknown }> }) => r.to.map((t) => t.ipBlock)).filter(Boolean);
    expect(ipBlocks).toContainEqual(expect.objectContaining({ cidr: '0.0.0.0/0', except: expect.arrayContaining(['169.254.169.254/32']) }));
  });

  it('talks to the cluster through the kubeconfig the update-kubeconfig command writes', () => {
    expect(JSON.parse(json).provider.kubernetes).toEqual([expect.objectContaining({ config_path: '/tmp/kubeconfig' })]);
  });
});
