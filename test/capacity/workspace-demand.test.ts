/**
 * The default-sized workspace: the stack's figures from the settings (lib/capacity/default-workspace.ts)
 * agree with GitLab's default devfile rendered through lib/workspace (init containers as the scheduler
 * counts them: max of the largest init container and the sum of the containers).
 */
import { resolveAgentConfig, withSecureAgentDefaults } from '../../lib/agent-config';
import { settingsWorkspaceDemand } from '../../lib/capacity';
import { defaultWorkspaceDemand, podRequests } from '../../lib/capacity/workspace-demand';

function settings(extra: Record<string, unknown> = {}) {
  const r = resolveAgentConfig({ remote_development: withSecureAgentDefaults({ enabled: true, dns_zone: 'workspaces.example.dev', ...extra }) });
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  return r.value;
}

describe('default-sized workspace', () => {
  it.each([
    ['the stack\'s defaults (500m / 1Gi): the main container counts', {}, { cpuMilli: 500, memoryMiB: 1024 }],
    ['1 CPU / 3Gi', { default_resources_per_workspace_container: { requests: { cpu: '1', memory: '3Gi' }, limits: { cpu: '2', memory: '4Gi' } } }, { cpuMilli: 1000, memoryMiB: 3072 }],
    // Below the tools injector's 100m / 256Mi: the init container counts.
    ['50m / 128Mi: the tools injector init container counts', { default_resources_per_workspace_container: { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '1', memory: '1Gi' } } }, { cpuMilli: 100, memoryMiB: 256 }],
  ])('%s', (_name, extra, expected) => {
    const s = settings(extra);
    const rendered = defaultWorkspaceDemand(s);
    const computed = settingsWorkspaceDemand(s);
    expect(rendered).toMatchObject({ ...expected, volumes: 1, volumeGiB: 50 });
    expect({ ...computed, source: '' }).toEqual({ ...rendered, source: '' });
  });

  it('counts a pod as the scheduler does', () => {
    const c = (cpu: string, memory: string) => ({ name: 'c', image: 'i', resources: { requests: { cpu, memory } } }) as never;
    expect(podRequests([c('500m', '1Gi'), c('250m', '512Mi')], [c('1', '256Mi')])).toEqual({ cpuMilli: 1000, memoryMiB: 1536 });
  });
});
