/**
 * Composite expansion has one implementation (`expandComposites`): the rules' `expandCommand`, the
 * public `commandsRunBy` and the renderer (which uses `commandsRunBy`) expand the same way.
 */
import { defaultAgentConfig } from '../../lib/agent-config';
import { commandsRunBy, loadDevfile } from '../../lib/devfile';
import { expandComposites } from '../../lib/devfile/commands';
import type { Command, Devfile } from '../../lib/devfile/model';
import { DEFAULT_WORKSPACE_IDENTITY } from '../../lib/workspace/identity';
import { renderWorkspace } from '../../lib/workspace/render';

const exec = (id: string): Command => ({ kind: 'exec', id, attributes: {}, exec: { component: 'c', commandLine: id } });
const composite = (id: string, commands: string[]): Command => ({ kind: 'composite', id, attributes: {}, composite: { commands } });

function model(commands: Command[]): Devfile {
  return {
    mode: 'devfile', schemaVersion: '2.2.2', metadata: {}, attributes: {}, variables: {}, components: [], commands,
    events: { preStart: [], postStart: [], preStop: [], postStop: [] }, mainComponentName: 'c',
  };
}

describe('expandComposites', () => {
  const table: Record<string, string[] | undefined> = { a: ['b', 'c'], b: ['d', 'a'], c: undefined, d: undefined };
  const expand = (id: string) =>
    expandComposites(id, (i) => (i in table ? i : undefined), (i) => table[i]).map(({ command, via }) => `${via.join('>')}|${command}`);

  it('expands depth-first, with the composite chain of each leaf, and cuts cycles', () => {
    expect(expand('a')).toEqual(['a>b|d', 'a|c']);
    expect(expand('c')).toEqual(['|c']);
    expect(expand('nope')).toEqual([]);
  });
});

describe('commandsRunBy', () => {
  it('expands composites (a member named on two branches runs twice, as in devfile/library)', () => {
    const devfile = model([exec('x'), exec('y'), composite('both', ['x', 'y']), composite('twice', ['both', 'x'])]);
    expect(commandsRunBy(devfile, 'twice').map((c) => c.id)).toEqual(['x', 'y', 'x']);
    expect(commandsRunBy(devfile, 'y').map((c) => c.id)).toEqual(['y']);
  });

  it('matches ids in any letter case, as devfile/library does, and skips unknown ids and cycles', () => {
    const devfile = model([exec('x'), composite('loop', ['LOOP', 'X', 'missing'])]);
    expect(commandsRunBy(devfile, 'Loop').map((c) => c.id)).toEqual(['x']);
    expect(commandsRunBy(devfile, 'missing')).toEqual([]);
  });

  it('is what the renderer runs: a preStart composite gives its init containers in order', () => {
    const text = `schemaVersion: 2.2.2
components:
  - name: main
    container: {image: alpine}
  - name: init-a
    container: {image: alpine}
  - name: init-b
    container: {image: alpine}
commands:
  - id: a
    apply: {component: init-a}
  - id: b
    apply: {component: init-b}
  - id: setup
    composite: {commands: [b, a]}
events:
  preStart: [setup]
`;
    const result = loadDevfile(text, { file: 'f', mode: 'devfile' });
    if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
    expect(result.value.events.preStart.flatMap((id) => commandsRunBy(result.value, id)).map((c) => c.id)).toEqual(['b', 'a']);
    const objects = renderWorkspace({ devfile: result.value, agentConfig: defaultAgentConfig(), workspace: DEFAULT_WORKSPACE_IDENTITY });
    const deployment = objects.find((o) => o.kind === 'Deployment') as unknown as { spec: { template: { spec: { initContainers: Array<{ name: string }>; containers: Array<{ name: string }> } } } };
    const pod = deployment.spec.template.spec;
    expect(pod.initContainers.map((c) => c.name)).toEqual(['init-b-b-1', 'init-a-a-2', 'gl-tools-injector-gl-tools-injector-command-3']);
    expect(pod.containers.map((c) => c.name)).toEqual(['main']);
  });
});
