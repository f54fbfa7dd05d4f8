/**
 * The default-sized workspace: the stack's figures from the settings (lib/capacity/default-workspace.ts,
 * which the capacity and the warm headroom use) agree with a default-sized devfile rendered through
 * lib/workspace and counted as the scheduler counts a pod (lib/workspace/pod-requests.ts: max of the
 * largest init container and the sum of the containers).
 */
import { resolveAgentConfig, withSecureAgentDefaults } from '../../lib/agent-config';
import { settingsWorkspaceDemand } from '../../lib/capacity';
import { loadDevfile } from '../../lib/devfile/load';
import { DEFAULT_WORKSPACE_IDENTITY, renderWorkspace } from '../../lib/workspace';
import type { PersistentVolumeClaim } from '../../lib/workspace/kubernetes';
import { DEFAULT_SIZED_DEVFILE, defaultWorkspaceRequests } from '../../lib/workspace/pod-requests';
import { cpuMillicores, memoryMebibytes } from '../../lib/capacity/default-workspace';

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
    const rendered = defaultWorkspaceRequests(s);
    expect({ cpuMilli: cpuMillicores(rendered.cpu), memoryMiB: memoryMebibytes(rendered.memory) }).toEqual(expected);
    expect(settingsWorkspaceDemand(s)).toMatchObject({ ...expected, volumes: 1, volumeGiB: 50 });
  });

  it('claims one 50Gi data volume, as the settings-based figure says', () => {
    const devfile = loadDevfile(DEFAULT_SIZED_DEVFILE, { file: 'd.yaml' });
    if (!devfile.ok) throw new Error('the default-sized devfile does not load');
    const claims = renderWorkspace({ devfile: devfile.value, agentConfig: settings(), workspace: DEFAULT_WORKSPACE_IDENTITY })
      .filter((o): o is PersistentVolumeClaim => o.kind === 'PersistentVolumeClaim');
    expect(claims.map((c) => c.spec.resources?.requests?.storage)).toEqual(['50Gi']);
  });
});
