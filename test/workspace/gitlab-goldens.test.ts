/**
 * GitLab's own expected outputs (`../shared/reference/gitlab-goldens/<version>/desired-config`, the seven
 * cases of GitLab's `DesiredConfig::Main` integration spec) reproduced from GitLab's processed devfiles:
 * GitLab 18.9 by default, 18.2 with `gitlabVersion: '18.2'`. Every field must match, except the wording
 * of GitLab's scripts (runner scripts and postStart hooks): for those the behaviour must match (the
 * scripts run, in order, in which directory, logging to which files). GitLab's Secrets carry `data: {}`
 * at that stage, so Secret data is compared by key elsewhere (render tests), not here.
 */
import { defaultAgentConfig, parseAgentConfig, RemoteDevelopmentSettings } from '../../lib/agent-config';
import type { GitLabVersion } from '../../lib/common/gitlab-version';
import { loadDevfile, loadProcessedDevfile } from '../../lib/devfile';
import type { KubernetesObject } from '../../lib/workspace/kubernetes';
import { renderProcessedDevfileResult, renderWorkspace } from '../../lib/workspace/render';
import { DESIRED_CONFIG_CASES, GOLDEN_VERSIONS, GOLDEN_WORKSPACE, readGolden, withoutNoise } from '../helpers/gitlab-goldens';
import { describeWithGoldens } from '../helpers/shared';
import { allKubernetesProblems } from './helpers';

type Json = Record<string, unknown>;

/** The objects for one case, rendered for `version` from GitLab's processed devfile and agent settings. */
function render(version: GitLabVersion, c: (typeof DESIRED_CONFIG_CASES)[number], options: { gitlabVersion?: GitLabVersion } = { gitlabVersion: version }): KubernetesObject[] {
  const dir = [version, 'desired-config'];
  const devfile = loadProcessedDevfile(readGolden(...dir, c.processedDevfile), { file: c.processedDevfile });
  if (!devfile.ok) throw new Error(devfile.diagnostics.map((d) => d.message).join('\n'));
  const agent = parseAgentConfig(readGolden(...dir, c.agentConfig), c.agentConfig);
  if (!agent.ok) throw new Error(agent.diagnostics.map((d) => d.message).join('\n'));
  // GitLab's spec sets the shared namespace on these settings directly (its checker would refuse the
  // max resources that stay in them; their digest is in the expected annotations).
  const agentConfig: RemoteDevelopmentSettings = c.sharedNamespace ? { ...agent.value, sharedNamespace: GOLDEN_WORKSPACE.sharedNamespace } : agent.value;
  const result = renderProcessedDevfileResult({
    processedDevfile: devfile.value,
    agentConfig,
    workspace: {
      name: GOLDEN_WORKSPACE.name,
      namespace: GOLDEN_WORKSPACE.namespace,
      id: GOLDEN_WORKSPACE.id,
      agentId: GOLDEN_WORKSPACE.agentId,
      desiredState: c.desiredState,
      variables: [],
    },
    options,
  });
  if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
  return result.value;
}

/**
 * What a script does, independent of its wording: the scripts of the scripts volume it runs, in order
 * (each with the directory it runs in), and the log files it writes.
 */
function scriptBehaviour(script: string): { runs: string[]; logs: string[] } {
  const component = /component_name="([^"]+)"/.exec(script)?.[1];
  const text = component ? script.replace(/\$\{component_name\}/g, component) : script;
  const runs: string[] = [];
  for (const m of text.matchAll(/(?:\(cd (\S+) && )?"?(\/workspace-scripts\/[A-Za-z0-9._/-]+)"?\)?(?:\s*\|\| true| 1>>| &)/g)) {
    runs.push(m[1] ? `${m[2]} in ${m[1]}` : m[2]);
  }
  const logs = [...new Set([...text.matchAll(/\$\{GL_WORKSPACE_LOGS_DIR\}[A-Za-z0-9._/-]*\/poststart-std(?:out|err)\.log/g)].map((m) => m[0]))].sort();
  return { runs, logs };
}

/** The objects with script texts replaced by what they do, and Secret data (empty at GitLab's stage) dropped. */
function comparable(objects: readonly unknown[]): Json[] {
  return (withoutNoise(JSON.parse(JSON.stringify(objects))) as Json[]).map((o) => {
    const kind = o.kind as string;
    const name = (o.metadata as Json).name as string;
    if (kind === 'Secret') return { ...o, data: {} };
    if (kind === 'ConfigMap' && o.data && name.endsWith('-scripts-configmap')) {
      const data = o.data as Record<string, string>;
      return { ...o, data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, k.endsWith('.sh') ? scriptBehaviour(v) : v])) };
    }
    if (kind === 'Deployment') {
      const spec = ((o.spec as Json).template as Json).spec as Json;
      const containers = (spec.containers as Json[]).map((c) => {
        const hook = ((c.lifecycle as Json | undefined)?.postStart as Json | undefined)?.exec as Json | undefined;
        if (!hook) return c;
        const command = hook.command as string[];
        return { ...c, lifecycle: { postStart: { exec: { command: [...command.slice(0, 2), scriptBehaviour(command[2])] } } } };
      });
      return { ...o, spec: { ...(o.spec as Json), template: { ...((o.spec as Json).template as Json), spec: { ...spec, containers } } } };
    }
    return o;
  });
}

describeWithGoldens.each(GOLDEN_VERSIONS)('GitLab %s expected outputs', (version) => {
  describe.each(DESIRED_CONFIG_CASES.map((c) => [c.expected.replace(/^expected_desired_config_array_|\.json$/g, ''), c] as const))('%s', (_name, c) => {
    const expected = JSON.parse(readGolden(version, 'desired-config', c.expected)) as unknown[];
    const actual = render(version, c);

    it('matches GitLab field for field (scripts by behaviour)', () => {
      expect(comparable(actual)).toEqual(comparable(expected));
    });

    it('emits the same objects in the same order', () => {
      const ids = (objects: readonly unknown[]) => (objects as Json[]).map((o) => `${o.kind as string}/${(o.metadata as Json).name as string}`);
      expect(ids(actual)).toEqual(ids(expected));
    });

    it('emits only objects Kubernetes accepts', () => {
      expect(allKubernetesProblems(actual)).toEqual([]);
    });
  });
});

describeWithGoldens('versions differ where GitLab changed', () => {
  const running = DESIRED_CONFIG_CASES[0];
  const userNamespaces = DESIRED_CONFIG_CASES[2];

  it('renders 18.9 by default', () => {
    expect(comparable(render('18.9', running, {}))).toEqual(comparable(JSON.parse(readGolden('18.9', 'desired-config', running.expected)) as unknown[]));
  });

  it('does not reproduce 18.2 with the 18.9 defaults (postStart layout, hostUsers)', () => {
    const expected = comparable(JSON.parse(readGolden('18.2', 'desired-config', userNamespaces.expected)) as unknown[]);
    expect(comparable(render('18.2', userNamespaces, {}))).not.toEqual(expected);
    expect(comparable(render('18.2', userNamespaces, { gitlabVersion: '18.2' }))).toEqual(expected);
  });
});

describeWithGoldens('the full pipeline on GitLab\'s example devfile', () => {
  const workspace = {
    name: GOLDEN_WORKSPACE.name, namespace: GOLDEN_WORKSPACE.namespace, id: GOLDEN_WORKSPACE.id, agentId: GOLDEN_WORKSPACE.agentId,
    desiredState: 'Running' as const, variables: [],
    project: { url: 'https://example.com/test-group/test-project.git', path: 'test-project', ref: 'master' },
  };
  const agentConfig = defaultAgentConfig();
  /** GitLab's internal commands are scripts whose wording is ours: compared by key only. */
  const masked = (objects: readonly unknown[]) => comparable(objects).map((o) => {
    const data = o.data as Record<string, unknown> | undefined;
    if (o.kind !== 'ConfigMap' || !data) return o;
    return { ...o, data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, k.startsWith('gl-') ? '<GitLab script>' : v])) };
  });

  it('renders from example.devfile.yaml what GitLab\'s desired config renders from its processed devfile', () => {
    const devfile = loadDevfile(readGolden('18.9', 'devfiles', 'example.devfile.yaml'), { file: 'example.devfile.yaml' });
    const processed = loadProcessedDevfile(readGolden('18.9', 'devfiles', 'example.processed-devfile.yaml'), { file: 'example.processed-devfile.yaml' });
    if (!devfile.ok || !processed.ok) throw new Error('GitLab\'s example devfiles did not load');
    const fromGitLabsProcessedDevfile = renderProcessedDevfileResult({ processedDevfile: processed.value, agentConfig, workspace });
    if (!fromGitLabsProcessedDevfile.ok) throw new Error(fromGitLabsProcessedDevfile.diagnostics.map((d) => d.message).join('\n'));
    expect(masked(renderWorkspace({ devfile: devfile.value, agentConfig, workspace }))).toEqual(masked(fromGitLabsProcessedDevfile.value));
  });
});
