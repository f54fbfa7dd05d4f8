/**
 * The properties `convert` promises, over the public registry corpus and over generated devfiles: for
 * every devfile that loads in devfile mode, the converted devfile passes GitLab's rules; rendering it
 * gives the same user containers (images, commands, env, resources, ports, volume mounts, volumes) as
 * rendering the original in devfile mode; converting it again changes nothing.
 *
 * Two kinds of devfile that load in devfile mode are refused on purpose, because GitLab cannot run the
 * same container: container-overrides resources other than cpu and memory (e.g. a GPU), and a volume
 * mounted at /projects in a container kept off the project. The generator leaves them out; the fixtures
 * in ./convert-fixtures cover them.
 */
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { defaultAgentConfig } from '../../lib/agent-config';
import { Devfile, loadDevfile } from '../../lib/devfile';
import { convertDevfile } from '../../lib/devfile/convert';
import { DEFAULT_WORKSPACE_IDENTITY } from '../../lib/workspace/identity';
import type { Container, KubernetesObject } from '../../lib/workspace/kubernetes';
import { renderWorkspaceResult } from '../../lib/workspace/render';
import { YamlTextEditor } from '../../lib/common/yaml-edit';
import { asArray } from '../../lib/devfile/raw';
import { parse } from 'yaml';
import { devfileArb, devfileText } from './generated-devfiles';
import { CORPUS_AVAILABLE, CORPUS_DIR } from '../helpers/shared';
import { propertyRuns } from '../helpers/property-runs';

const CORPUS = CORPUS_DIR;
const corpus = CORPUS_AVAILABLE ? readdirSync(CORPUS).filter((f) => f.endsWith('.yaml')).sort() : [];

/** Env GitLab adds to every container or to the editor's; the rest is the user's. */
const gitlabEnv = (name: string) => name === 'PROJECTS_ROOT' || name === 'PROJECT_SOURCE' || name.startsWith('GL_');

/** What of a rendered workspace comes from the user's devfile: containers, init containers and volumes. */
function userWorkspace(devfile: Devfile) {
  const rendered = renderWorkspaceResult({ devfile, agentConfig: defaultAgentConfig(), workspace: DEFAULT_WORKSPACE_IDENTITY });
  if (!rendered.ok) throw new Error(`render failed: ${rendered.diagnostics.map((d) => d.message).join('; ')}`);
  const objects = rendered.value as Array<KubernetesObject & { spec?: Record<string, unknown> }>;
  const deployment = objects.find((o) => o.kind === 'Deployment') as unknown as { spec: { template: { spec: { containers: Container[]; initContainers?: Container[]; volumes?: Array<{ name: string }> } } } };
  const pod = deployment.spec.template.spec;
  const container = (c: Container) => ({
    name: c.name, image: c.image, command: c.command, args: c.args,
    env: (c.env ?? []).filter((e) => !gitlabEnv(e.name)),
    resources: c.resources,
    ports: (c.ports ?? []).map((p) => ({ name: p.name, containerPort: p.containerPort })),
    volumeMounts: (c.volumeMounts ?? []).filter((m) => !m.name.startsWith('gl-workspace-')),
  });
  return {
    containers: pod.containers.map(container),
    initContainers: (pod.initContainers ?? []).filter((c) => !c.name.startsWith('gl-')).map(container),
    volumes: (pod.volumes ?? []).filter((v) => !v.name.startsWith('gl-workspace-')),
    claims: objects.filter((o) => o.kind === 'PersistentVolumeClaim' && !o.metadata.name.endsWith('-gl-workspace-data')).map((o) => ({ name: o.metadata.name, spec: o.spec })),
  };
}

/** Checks every promised property for one devfile that loads in devfile mode. */
function checkConversion(text: string, file: string, editorComponent?: string): void {
  const options = editorComponent !== undefined ? { editorComponent } : {};
  const original = loadDevfile(text, { file, mode: 'devfile', ...options });
  if (!original.ok) throw new Error(`not a devfile-mode devfile: ${original.diagnostics.map((d) => d.message).join('; ')}`);
  const converted = convertDevfile(text, { file, ...options });
  expect(converted.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(converted.ok).toBe(true);
  const gitlab = loadDevfile(converted.text, { file, mode: 'gitlab' });
  expect(gitlab.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  if (!gitlab.ok) return;
  expect(gitlab.value.mainComponentName).toBe(original.value.mainComponentName);
  expect(userWorkspace(gitlab.value)).toEqual(userWorkspace(original.value));
  const again = convertDevfile(converted.text, { file });
  expect({ changed: again.changed, notes: again.diagnostics.filter((d) => d.severity === 'note') }).toEqual({ changed: false, notes: [] });
}

describe('the registry corpus', () => {
  if (corpus.length === 0) {
    it.skip(`corpus not found at ${CORPUS}`, () => undefined);
    return;
  }
  const loads = corpus.filter((f) => loadDevfile(readFileSync(join(CORPUS, f), 'utf8'), { file: f, mode: 'devfile' }).ok);

  it('has devfiles that load in devfile mode (and none that GitLab accepts as they are)', () => {
    expect(loads.length).toBeGreaterThan(20);
    for (const f of corpus) expect(loadDevfile(readFileSync(join(CORPUS, f), 'utf8'), { file: f, mode: 'gitlab' }).ok).toBe(false);
  });

  it.each(loads)('%s converts to a devfile GitLab accepts, with the same user containers', (f) => {
    checkConversion(readFileSync(join(CORPUS, f), 'utf8'), f);
  });

  it.each(corpus.filter((f) => !loads.includes(f)))('%s is refused naming each component GitLab cannot run', (f) => {
    const r = convertDevfile(readFileSync(join(CORPUS, f), 'utf8'), { file: f });
    expect(r.ok).toBe(false);
    for (const d of r.diagnostics) expect(d).toMatchObject({ severity: 'error', rule: 'convert/component-type' });
  });

  it('keeps every comment line of the corpus devfiles, except inside what it removes', () => {
    for (const f of loads) {
      const text = readFileSync(join(CORPUS, f), 'utf8');
      const out = convertDevfile(text, { file: f }).text;
      const editor = new YamlTextEditor(text);
      // What convert removes from corpus devfiles: projects and container-overrides.
      const removed = [['projects'], ['starterProjects'], ...asArray(parse(text).components).map((_, i) => ['components', i, 'attributes', 'container-overrides'])]
        .map((p) => editor.node(p)?.range).filter((r): r is [number, number, number] => r !== undefined);
      let offset = 0;
      for (const line of text.split('\n')) {
        const inside = removed.some(([start, , end]) => offset >= start && offset < end);
        if (/^\s*#/.test(line) && !inside) expect({ f, line, kept: out.includes(line) }).toEqual({ f, line, kept: true });
        offset += line.length + 1;
      }
    }
  });
});

it('every generated devfile that loads in devfile mode converts to one GitLab accepts, with the same user containers', () => {
  const numRuns = Number(process.env.CONVERT_PROPERTY_RUNS ?? propertyRuns(100, 25));
  let checked = 0;
  fc.assert(
    fc.property(devfileArb, (g) => {
      const text = devfileText(g);
      const loaded = loadDevfile(text, { file: 'gen.yaml', mode: 'devfile' });
      if (!loaded.ok) return; // e.g. the only container runs as an init container
      checked++;
      try {
        checkConversion(text, 'gen.yaml');
      } catch (err) {
        // The devfile text reads better than the generator's record.
        throw new Error(`${err instanceof Error ? err.message : String(err)}\n--- the generated devfile ---\n${text}`);
      }
    }),
    { numRuns },
  );
  // Most generated devfiles load in devfile mode (so most cases check the conversion).
  expect(checked).toBeGreaterThan(numRuns * 0.6);
}, 60_000);
