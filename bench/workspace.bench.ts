/**
 * Workspace renderer and `Workspace` construct benchmarks (issue 3), run by `npm run bench`:
 *
 * (a) render 1,000 workspaces (distinct names) from one already-loaded devfile, against
 *     `JSON.stringify` of the same output in the same run (target: render <= 10x stringify);
 * (b) a cdktf app with 200 `Workspace` constructs against one with the same objects as plain
 *     `kubernetes_manifest` resources (target: <= 1.5x), and 50 vs 500 workspaces: the time per
 *     workspace at 500 over the time per workspace at 50 (target ~1: linear growth).
 *
 * Render timings are medians of 7 runs after a warm-up; cdktf timings the fastest of interleaved runs
 * after a warm-up (the machine may be shared). cdktf apps synthesize into a temp dir.
 */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { App, TerraformStack } from 'cdktf';
import { defaultAgentConfig } from '../lib/agent-config';
import { loadDevfile } from '../lib/devfile';
import { DEFAULT_WORKSPACE_IDENTITY, WorkspaceIdentity } from '../lib/workspace/identity';
import type { KubernetesObject } from '../lib/workspace/kubernetes';
import { renderWorkspace } from '../lib/workspace/render';
import { escapeTerraformTemplates, Workspace } from '../lib/workspace/workspace-construct';
import type { Report } from './run';

/** A typical GitLab devfile: editor container, a database, an endpoint, a postStart command, a volume. */
const DEVFILE = `schemaVersion: 2.2.0
components:
  - name: tooling-container
    attributes:
      gl/inject-editor: true
    container:
      image: registry.gitlab.com/gitlab-org/workspaces/gitlab-workspaces-docs/ubuntu:22.04
      memoryLimit: 2048Mi
      cpuRequest: 500m
      env:
        - name: NODE_ENV
          value: development
      endpoints:
        - name: http-3000
          targetPort: 3000
      volumeMounts:
        - name: cache
          path: /home/gitlab-workspaces/.cache
  - name: database-container
    container:
      image: postgres:16
      env:
        - name: POSTGRES_PASSWORD
          value: example
      endpoints:
        - name: postgres
          targetPort: 5432
          exposure: internal
  - name: cache
    volume:
      size: 5Gi
commands:
  - id: install-dependencies
    exec:
      component: tooling-container
      commandLine: npm ci
events:
  postStart:
    - install-dependencies
`;

const loaded = loadDevfile(DEVFILE, { file: 'bench-devfile.yaml' });
if (!loaded.ok) throw new Error(`bench devfile does not load: ${loaded.diagnostics.map((d) => d.message).join('; ')}`);
const devfile = loaded.value;
const agentConfig = defaultAgentConfig({
  maxResourcesPerWorkspace: { requests: { cpu: '2', memory: '4Gi' }, limits: { cpu: '4', memory: '8Gi' } },
});

function identity(i: number): WorkspaceIdentity {
  const suffix = i.toString(36).padStart(6, '0');
  return {
    ...DEFAULT_WORKSPACE_IDENTITY,
    name: `workspace-7-42-${suffix}`,
    namespace: `gl-rd-ns-7-42-${suffix}`,
    id: 1000 + i,
    project: { url: 'https://gitlab.example.com/group/app.git', path: 'app', ref: 'main' },
    variables: [{ key: 'FEATURE_FLAG', value: 'on', type: 'env' }],
  };
}

function time(f: () => void): number {
  const start = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Median of `runs` timings after one warm-up run. */
function median(runs: number, f: () => void): number {
  f();
  const samples = Array.from({ length: runs }, () => time(f)).sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

/**
 * Fastest timing of each function over `rounds` interleaved rounds (a, b, a, b, ...): on a shared
 * machine the fastest run is the least disturbed one, and interleaving spreads drift over both.
 */
function fastestInterleaved(rounds: number, ...fs: Array<() => number>): number[] {
  const best = fs.map(() => Infinity);
  for (let r = 0; r < rounds; r++) fs.forEach((f, i) => (best[i] = Math.min(best[i], f())));
  return best;
}

function benchRender(report: Report): void {
  const count = 1000;
  const identities = Array.from({ length: count }, (_, i) => identity(i));
  let outputs: KubernetesObject[][] = [];
  const renderMs = median(7, () => {
    outputs = identities.map((workspace) => renderWorkspace({ devfile, agentConfig, workspace }));
  });
  let bytes = 0;
  const stringifyMs = median(7, () => {
    bytes = 0;
    for (const objects of outputs) bytes += JSON.stringify(objects).length;
  });
  if (bytes === 0) throw new Error('nothing was rendered');
  report({ name: 'workspace render 1000 workspaces', value: renderMs, unit: 'ms', target: 1000, better: 'lower' });
  report({ name: 'workspace JSON.stringify of the same 1000 outputs', value: stringifyMs, unit: 'ms', target: 500, better: 'lower' });
  report({ name: 'workspace render / JSON.stringify time ratio', value: renderMs / stringifyMs, unit: 'x', target: 10, better: 'lower' });
}

function synthApp(build: (stack: TerraformStack) => void): number {
  const outdir = mkdtempSync(join(tmpdir(), 'workspace-bench-'));
  try {
    return time(() => {
      const app = new App({ outdir });
      const stack = new TerraformStack(app, 'workspaces');
      new KubernetesProvider(stack, 'kubernetes', {});
      build(stack);
      app.synth();
    });
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function workspacesApp(count: number): number {
  return synthApp((stack) => {
    for (let i = 0; i < count; i++) new Workspace(stack, `ws-${i}`, { devfile, agentConfig, workspace: identity(i) });
  });
}

/** The same manifests (Namespace included, same logical ids), rendered beforehand, as plain resources. */
function plainApp(prepared: ReadonlyArray<{ namespace: string; objects: readonly KubernetesObject[] }>): number {
  return synthApp((stack) => {
    prepared.forEach(({ namespace, objects }, i) => {
      const ns = new Manifest(stack, `ws-${i}-Namespace-${namespace}`, {
        manifest: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
        fieldManager: { name: 'gitlab-workspaces-construct', forceConflicts: false },
      });
      for (const object of objects) {
        new Manifest(stack, `ws-${i}-${object.kind}-${object.metadata.name}`, {
          manifest: escapeTerraformTemplates(object) as Record<string, unknown>,
          fieldManager: { name: 'gitlab-workspaces-construct', forceConflicts: false },
          dependsOn: [ns],
        });
      }
    });
  });
}

function benchConstruct(report: Report): void {
  const count = 200;
  const prepared = Array.from({ length: count }, (_, i) => {
    const workspace = identity(i);
    return { namespace: workspace.namespace, objects: renderWorkspace({ devfile, agentConfig, workspace }) };
  });
  // Warm up both code paths (module loading, JIT) on small apps first.
  workspacesApp(20);
  plainApp(prepared.slice(0, 20));
  const [constructMs, plainMs] = fastestInterleaved(5, () => workspacesApp(count), () => plainApp(prepared));
  report({ name: 'workspace cdktf app, 200 Workspace constructs, synth', value: constructMs, unit: 'ms', target: 1.5 * plainMs, better: 'lower' });
  report({ name: 'workspace cdktf app, same objects as plain kubernetes_manifest, synth', value: plainMs, unit: 'ms', target: 15000, better: 'lower' });
  report({ name: 'workspace Workspace constructs / plain manifests synth ratio', value: constructMs / plainMs, unit: 'x', target: 1.5, better: 'lower' });

  const [small50, large500] = fastestInterleaved(2, () => workspacesApp(50), () => workspacesApp(500));
  const small = small50 / 50;
  const large = large500 / 500;
  report({ name: 'workspace synth time per workspace, 50 workspaces', value: small, unit: 'ms', target: 50, better: 'lower' });
  report({ name: 'workspace synth time per workspace, 500 workspaces', value: large, unit: 'ms', target: 1.5 * small, better: 'lower' });
  report({ name: 'workspace per-workspace synth time ratio 500/50 (1 = linear)', value: large / small, unit: 'x', target: 1.5, better: 'lower' });
}

export async function run(report: Report): Promise<void> {
  benchRender(report);
  benchConstruct(report);
}
