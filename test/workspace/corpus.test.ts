/**
 * The public devfile registry corpus (../shared/corpus/devfile-registry, next to the repository): every
 * devfile whose components are all containers and volumes renders in devfile mode to objects Kubernetes
 * accepts. Skipped, with a note, when the corpus folder is absent.
 */
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import { defaultAgentConfig } from '../../lib/agent-config';
import { loadDevfile } from '../../lib/devfile';
import { DEFAULT_WORKSPACE_IDENTITY } from '../../lib/workspace/identity';
import { renderWorkspaceResult } from '../../lib/workspace/render';
import { allKubernetesProblems, find } from './helpers';
import { CORPUS_AVAILABLE, CORPUS_DIR } from '../helpers/shared';

const CORPUS = CORPUS_DIR;

function onlyContainersAndVolumes(text: string): boolean {
  const doc = parse(text) as { components?: Array<Record<string, unknown>> } | null;
  const components = doc?.components ?? [];
  return components.length > 0 && components.every((c) => 'container' in c || 'volume' in c);
}

const files = CORPUS_AVAILABLE ? readdirSync(CORPUS).filter((f) => /\.ya?ml$/.test(f)).sort() : [];
const eligible = files.filter((f) => onlyContainersAndVolumes(readFileSync(join(CORPUS, f), 'utf8')));

if (files.length === 0) {
  it.skip(`devfile registry corpus not found at ${CORPUS}`, () => undefined);
} else {
  it('finds devfiles with only container and volume components', () => {
    expect(eligible.length).toBeGreaterThan(10);
  });

  describe.each(eligible)('%s in devfile mode', (file) => {
    it('renders to objects Kubernetes accepts', () => {
      const loaded = loadDevfile(readFileSync(join(CORPUS, file), 'utf8'), { file, mode: 'devfile' });
      if (!loaded.ok) throw new Error(loaded.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join('\n'));
      const rendered = renderWorkspaceResult({ devfile: loaded.value, agentConfig: defaultAgentConfig(), workspace: DEFAULT_WORKSPACE_IDENTITY });
      if (!rendered.ok) throw new Error(rendered.diagnostics.map((d) => `${d.path}: ${d.message}`).join('\n'));
      expect(allKubernetesProblems(rendered.value)).toEqual([]);
      const pod = find(rendered.value, 'Deployment').spec.template.spec;
      const main = pod.containers.find((c) => c.name === loaded.value.mainComponentName);
      expect(main?.ports?.map((p) => p.containerPort)).toEqual(expect.arrayContaining([60001, 60022]));
    });
  });
}
