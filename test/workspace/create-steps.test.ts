/**
 * GitLab's create steps, one at a time, against GitLab's own per-step fixtures
 * (`../shared/reference/gitlab-goldens/18.9/devfiles/example.*-devfile.yaml`): each step turns one
 * fixture into the next. GitLab's internal commands are compared by id, component, label and
 * workingDir; their command lines are scripts whose wording is ours.
 */
import { defaultAgentConfig } from '../../lib/agent-config';
import { loadProcessedDevfile } from '../../lib/devfile';
import type { Devfile } from '../../lib/devfile/model';
import { buildContext, RenderContext, RenderOptions } from '../../lib/workspace/context';
import {
  DevfileStep,
  insertDataVolume,
  insertInternalPostStartCommands,
  insertToolsInjector,
  processDevfile,
  updateContainerCommands,
  updateMainComponent,
} from '../../lib/workspace/devfile-steps';
import { DEFAULT_WORKSPACE_IDENTITY, WorkspaceIdentity } from '../../lib/workspace/identity';
import { processWorkspaceDevfile } from '../../lib/workspace/render';
import { readGolden } from '../helpers/gitlab-goldens';
import { describeWithGoldens } from '../helpers/shared';

function fixture(name: string): Devfile {
  const loaded = loadProcessedDevfile(readGolden('18.9', 'devfiles', `example.${name}.yaml`), { file: name });
  if (!loaded.ok) throw new Error(`${name}: ${loaded.diagnostics.map((d) => d.message).join('\n')}`);
  return loaded.value;
}

/** The workspace of GitLab's fixtures: project test-project of https://example.com/test-group/test-project.git, ref master. */
const WORKSPACE: WorkspaceIdentity = {
  ...DEFAULT_WORKSPACE_IDENTITY,
  project: { url: 'https://example.com/test-group/test-project.git', path: 'test-project', ref: 'master' },
};

function context(mode: Devfile['mode'], options: RenderOptions = {}, agentConfig = defaultAgentConfig()): RenderContext {
  return buildContext(mode, agentConfig, WORKSPACE, options).context;
}

/** GitLab's internal commands (`gl-` ids) with their script text replaced: the wording is ours. */
function comparable(devfile: Devfile): Devfile {
  return {
    ...devfile,
    commands: devfile.commands.map((c) => (c.kind === 'exec' && c.id.startsWith('gl-') ? { ...c, exec: { ...c.exec, commandLine: '<GitLab script>' } } : c)),
  };
}

const STEPS: ReadonlyArray<readonly [string, DevfileStep, string, string]> = [
  ['ToolsInjectorComponentInserter', insertToolsInjector, 'flattened-devfile', 'tools-injector-inserted-devfile'],
  ['MainComponentUpdater', updateMainComponent, 'tools-injector-inserted-devfile', 'main-container-updated-devfile'],
  ['ContainerCommandUpdater', updateContainerCommands, 'main-container-updated-devfile', 'container-commands-updated-devfile'],
  ['InternalPoststartCommandsInserter', insertInternalPostStartCommands, 'container-commands-updated-devfile', 'internal-poststart-commands-inserted-devfile'],
  ['VolumeComponentInserter', insertDataVolume, 'internal-poststart-commands-inserted-devfile', 'processed-devfile'],
];

describeWithGoldens('GitLab 18.9 create steps, fixture by fixture', () => {
  it.each(STEPS)('%s turns %s into %s', (_step, step, input, output) => {
    const from = fixture(input);
    expect(comparable(step(from, context(from.mode)))).toEqual(comparable(fixture(output)));
  });

  it('run in order, turn the flattened devfile into the processed devfile', () => {
    const from = fixture('flattened-devfile');
    expect(comparable(processDevfile(from, context(from.mode)))).toEqual(comparable(fixture('processed-devfile')));
  });

  it('insert the agentw start first when the instance serves the workspace (proxy without HTTP)', () => {
    const from = fixture('container-commands-updated-devfile');
    const agent = defaultAgentConfig({ gitlabWorkspacesProxy: { namespace: 'gitlab-workspaces', httpEnabled: false, sshEnabled: true } });
    const ctx = context(from.mode, { workspacesHost: 'workspaces.gitlab.example.com' }, agent);
    expect(comparable(insertInternalPostStartCommands(from, ctx))).toEqual(comparable(fixture('internal-poststart-commands-inserted-devfile-with-agentw')));
  });

  it('use the 18.9 tools injector image by default', () => {
    const injector = fixture('tools-injector-inserted-devfile').components.find((c) => c.name === 'gl-tools-injector');
    expect(injector?.kind === 'container' && injector.container.image).toBe(context('gitlab').instance.toolsInjectorImage);
  });
});

describeWithGoldens('the same steps for older GitLab', () => {
  const from = fixture('flattened-devfile');

  it('18.2: the main component\'s command is replaced by MainComponentUpdater; no overrideCommand defaults, no workingDir', () => {
    const processed = processDevfile(from, context(from.mode, { gitlabVersion: '18.2' }));
    const main = processed.components.find((c) => c.name === 'tooling-container');
    expect(main?.kind === 'container' && [main.container.command, main.container.args]).toEqual([['/bin/sh', '-c'], ['tail -f /dev/null\n']]);
    // Only the devfile's own overrideCommand attribute (which 18.2 does not read) is there.
    expect(processed.components.filter((c) => 'overrideCommand' in c.attributes).map((c) => c.name)).toEqual(['user-defined-entrypoint-cmd-component']);
    expect(processed.commands.filter((c) => c.kind === 'exec' && c.id.startsWith('gl-')).every((c) => c.kind === 'exec' && c.exec.workingDir === undefined)).toBe(true);
  });

  it('18.4: GitLab\'s commands run in /projects, logs in the logs directory itself (per component from 18.5)', () => {
    const at = (gitlabVersion: '18.4' | '18.5') => processDevfile(from, context(from.mode, { gitlabVersion }));
    const sshd = (d: Devfile) => d.commands.find((c) => c.id === 'gl-start-sshd-command');
    expect(sshd(at('18.4'))).toMatchObject({ exec: { workingDir: '/projects', commandLine: expect.stringContaining('log_file="${GL_WORKSPACE_LOGS_DIR}/start-sshd.log"') } });
    expect(sshd(at('18.5'))).toMatchObject({ exec: { commandLine: expect.stringContaining('log_file="${GL_WORKSPACE_LOGS_DIR}/tooling-container/start-sshd.log"') } });
  });
});

describeWithGoldens('processWorkspaceDevfile', () => {
  it('gives the processed devfile of a workspace, or the diagnostics of its identity', () => {
    const devfile = fixture('flattened-devfile');
    const ok = processWorkspaceDevfile({ devfile, agentConfig: defaultAgentConfig(), workspace: WORKSPACE });
    expect(ok.ok && comparable(ok.value)).toEqual(comparable(fixture('processed-devfile')));
    const bad = processWorkspaceDevfile({ devfile, agentConfig: defaultAgentConfig(), workspace: { ...WORKSPACE, name: 'Not_A_Name' } });
    expect(bad.ok).toBe(false);
  });
});
