/**
 * The `Workspace` construct: one kubernetes_manifest per rendered object, stable logical ids from kind
 * and name, an optional Namespace, synth-time errors for inputs that cannot render.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { App, TerraformStack, Testing } from 'cdktf';
import { DiagnosticsError } from '../../lib/common/diagnostics';
import { renderWorkspace } from '../../lib/workspace/render';
import { escapeTerraformTemplates, Workspace } from '../../lib/workspace/workspace-construct';
import { unresolvedReferences } from '../helpers/terraform-references';
import { FIXTURES, loadFixtureCase } from './helpers';

interface SynthManifest {
  manifest: { kind: string; metadata: { name: string; namespace?: string } };
  depends_on?: string[];
  field_manager?: { name: string; force_conflicts: boolean };
  wait?: { rollout: boolean };
  provider?: string;
}

function synthManifests(build: (stack: TerraformStack) => void): Record<string, SynthManifest> {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test');
  new KubernetesProvider(stack, 'kubernetes', {});
  build(stack);
  const synthesized = JSON.parse(Testing.synth(stack)) as { resource: { kubernetes_manifest: Record<string, SynthManifest> } };
  return synthesized.resource.kubernetes_manifest;
}

Testing.setupJest();

const c = loadFixtureCase('project-poststart');

describe('Workspace construct', () => {
  it('emits one kubernetes_manifest per rendered object, plus the Namespace', () => {
    const manifests = synthManifests((stack) => new Workspace(stack, 'smoke', { devfile: c.devfile, agentConfig: c.agentConfig, workspace: c.workspace }));
    const objects = renderWorkspace({ devfile: c.devfile, agentConfig: c.agentConfig, workspace: c.workspace });
    const kinds = Object.values(manifests).map((m) => `${m.manifest.kind}/${m.manifest.metadata.name}`);
    // Terraform JSON lists resources by logical id; the construct keeps GitLab's order in `objects`.
    expect(kinds.sort()).toEqual(['Namespace/gl-rd-ns-7-42-abc123', ...objects.map((o) => `${o.kind}/${o.metadata.name}`)].sort());
    const deployment = Object.values(manifests).find((m) => m.manifest.kind === 'Deployment');
    expect(deployment?.manifest).toEqual(escapeTerraformTemplates(JSON.parse(JSON.stringify(objects[1]))));
  });

  it('matches the rendered objects with the cdktf matchers', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'test');
    new Workspace(stack, 'smoke', { devfile: c.devfile, agentConfig: c.agentConfig, workspace: c.workspace });
    const synthesized = Testing.synth(stack);
    expect(synthesized).toHaveResourceWithProperties(Manifest, {
      manifest: expect.objectContaining({ kind: 'Service', metadata: expect.objectContaining({ name: 'workspace-7-42-abc123' }) }),
    });
    expect(synthesized).toHaveResourceWithProperties(Manifest, {
      field_manager: { name: 'gitlab-workspaces-construct', force_conflicts: false },
    });
  });

  it('derives logical ids from kind and name, so adding an object renames none of the others', () => {
    const base = synthManifests((stack) => new Workspace(stack, 'ws', { devfile: c.devfile, agentConfig: c.agentConfig, workspace: c.workspace }));
    const withVolume = loadFixtureCase('volume-components');
    const more = synthManifests((stack) => new Workspace(stack, 'ws', { devfile: withVolume.devfile, agentConfig: c.agentConfig, workspace: c.workspace }));
    const idOf = (m: Record<string, SynthManifest>, kind: string, name: string) =>
      Object.entries(m).find(([, v]) => v.manifest.kind === kind && v.manifest.metadata.name === name)?.[0];
    for (const [kind, name] of [['Deployment', 'workspace-7-42-abc123'], ['Secret', 'workspace-7-42-abc123-file'], ['ServiceAccount', 'workspace-7-42-abc123']]) {
      expect(idOf(base, kind, name)).toBeDefined();
      expect(idOf(more, kind, name)).toBe(idOf(base, kind, name));
    }
    expect(Workspace.logicalIdOf({ kind: 'Deployment', metadata: { name: 'x' } as never })).toBe('Deployment-x');
  });

  it('makes every object depend on the Namespace it creates, and waits for the rollout when asked', () => {
    const manifests = Object.values(synthManifests((stack) => new Workspace(stack, 'ws', { devfile: c.devfile, workspace: c.workspace, waitForRollout: true })));
    for (const m of manifests.filter((x) => x.manifest.kind !== 'Namespace')) {
      expect(m.depends_on).toEqual([expect.stringMatching(/^kubernetes_manifest\.ws_Namespace-gl-rd-ns-7-42-abc123/)]);
    }
    expect(manifests.find((m) => m.manifest.kind === 'Deployment')?.wait).toEqual({ rollout: true });
    expect(manifests.find((m) => m.manifest.kind === 'Service')?.wait).toBeUndefined();
  });

  it('creates no Namespace in a shared namespace, or when told not to', () => {
    const shared = loadFixtureCase('shared-namespace');
    const sharedManifests = Object.values(synthManifests((stack) => new Workspace(stack, 'ws', { devfile: shared.devfile, agentConfig: shared.agentConfig, workspace: shared.workspace })));
    expect(sharedManifests.map((m) => m.manifest.kind)).not.toContain('Namespace');
    const off = Object.values(synthManifests((stack) => new Workspace(stack, 'ws', { devfile: c.devfile, createNamespace: false })));
    expect(off.map((m) => m.manifest.kind)).not.toContain('Namespace');
    expect(off.every((m) => m.depends_on === undefined)).toBe(true);
  });

  it('takes devfile text and uses the given provider', () => {
    const text = readFileSync(join(FIXTURES, 'basic', 'devfile.yaml'), 'utf8');
    const manifests = synthManifests((stack) => {
      const provider = new KubernetesProvider(stack, 'other', { alias: 'other' });
      const ws = new Workspace(stack, 'ws', { devfile: { text }, provider });
      expect(ws.manifest('Deployment', 'workspace-7-42-abc123')).toBeDefined();
      expect(ws.namespace).toBe('gl-rd-ns-7-42-abc123');
    });
    expect(Object.values(manifests).every((m) => m.provider === 'kubernetes.other')).toBe(true);
  });

  it('renders for the GitLab version it is given (default: the newest), and checks devfile text against it', () => {
    const text = readFileSync(join(FIXTURES, 'gitlab-18-4', 'devfile.yaml'), 'utf8');
    const stack = new TerraformStack(new App(), 'versions');
    const newest = new Workspace(stack, 'newest', { devfile: { text }, agentConfig: c.agentConfig, workspace: c.workspace });
    const old = new Workspace(stack, 'old', { devfile: { text }, agentConfig: c.agentConfig, workspace: c.workspace, gitlabVersion: '18.4' });
    const scriptKeys = (ws: Workspace) =>
      Object.keys((ws.objects.find((o) => o.metadata.name.endsWith('-scripts-configmap')) as { data?: Record<string, string> }).data ?? {}).filter((k) => k.endsWith('.sh'));
    expect(scriptKeys(newest)).toContain('tooling-container-gl-run-internal-blocking-poststart-commands.sh');
    expect(scriptKeys(old)).toEqual(['gl-run-internal-blocking-poststart-commands.sh', 'gl-run-non-blocking-poststart-commands.sh']);
    // The devfile's workingDir is refused for 18.3, which does not read it.
    expect(() => new Workspace(stack, 'older', { devfile: { text }, gitlabVersion: '18.3' })).toThrow(/GitLab 18\.3 refuses it/);
  });

  it('fails at synth time with the diagnostics when the input cannot render', () => {
    const stack = new TerraformStack(new App(), 'bad');
    expect(() => new Workspace(stack, 'ws', { devfile: { text: 'schemaVersion: 2.2.0\ncomponents: []\n', file: 'bad.yaml' } })).toThrow(DiagnosticsError);
    expect(() => new Workspace(stack, 'ws2', { devfile: c.devfile, workspace: { ...c.workspace, name: `w${'x'.repeat(60)}` } })).toThrow(/at most 43/);
  });
});

describe('Terraform templates in manifests', () => {
  it('escapes the scripts\' ${VAR}s so Terraform passes them through, and every reference resolves', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'test');
    new KubernetesProvider(stack, 'kubernetes', {});
    new Workspace(stack, 'ws', { devfile: c.devfile, agentConfig: c.agentConfig, workspace: c.workspace });
    const synthesized = Testing.synth(stack);
    expect(unresolvedReferences(synthesized)).toEqual([]);
    const manifests = (JSON.parse(synthesized) as { resource: { kubernetes_manifest: Record<string, SynthManifest & { manifest: { data?: Record<string, string> } }> } }).resource.kubernetes_manifest;
    const scripts = Object.values(manifests).find((m) => m.manifest.metadata.name === 'workspace-7-42-abc123-scripts-configmap');
    expect(scripts?.manifest.data?.['gl-start-sshd-command']).toContain('-p "$${GL_SSH_PORT}"');
    expect(escapeTerraformTemplates({ 'a${b}': ['%{if}', '${x} and $${y}', 1] })).toEqual({ 'a$${b}': ['%%{if}', '$${x} and $$${y}', 1] });
  });
});
