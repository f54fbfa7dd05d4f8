import { resolveAgentConfig } from '../../lib/agent-config';
import { defaultWorkspaceRequests, podSchedulingRequests } from '../../lib/workspace/pod-requests';

const container = (name: string, cpu?: string, memory?: string) => ({
  name, image: 'x', resources: { requests: { ...(cpu && { cpu }), ...(memory && { memory }) } },
}) as never;

describe('podSchedulingRequests', () => {
  it('counts max(sum of app containers, largest init container) plus the overhead, as the scheduler does', () => {
    // apps: 500m + 250m = 750m CPU, 1Gi + 512Mi = 1.5Gi; largest init: 1 CPU, 256Mi.
    const spec = { containers: [container('a', '500m', '1Gi'), container('b', '250m', '512Mi')], initContainers: [container('i', '1', '256Mi'), container('j', '100m', '64Mi')] };
    expect(podSchedulingRequests(spec)).toEqual({ cpu: '1', memory: '1536Mi' });
    // Kata's overhead (250m, 160Mi) on top.
    expect(podSchedulingRequests(spec, { cpu: '250m', memory: '160Mi' })).toEqual({ cpu: '1250m', memory: '1696Mi' });
  });

  it('leaves out a resource nothing requests', () => {
    expect(podSchedulingRequests({ containers: [container('a', '500m')], initContainers: [] })).toEqual({ cpu: '500m' });
  });
});

describe('defaultWorkspaceRequests', () => {
  const settings = (extra: Record<string, unknown>) => {
    const r = resolveAgentConfig({ remote_development: { enabled: true, dns_zone: 'ws.example.com', ...extra } });
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    return r.value;
  };

  it('renders the default-sized workspace: the main container gets the default requests, the tools injector (100m/256Mi) runs before it', () => {
    const s = settings({ default_resources_per_workspace_container: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '4Gi' } } });
    expect(defaultWorkspaceRequests(s)).toEqual({ cpu: '500m', memory: '1Gi' });
  });

  it('takes the tools injector when the defaults are smaller than it', () => {
    const s = settings({ default_resources_per_workspace_container: { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '1', memory: '1Gi' } } });
    expect(defaultWorkspaceRequests(s)).toEqual({ cpu: '100m', memory: '256Mi' });
  });
});
