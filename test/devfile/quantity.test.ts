/**
 * `devfile/quantity`: the loader (what `validate` runs) refuses every container resource, volume size and
 * container-overrides value the renderer could not print as a Kubernetes quantity, so `validate` and
 * `render` agree on CLI input. The renderer keeps its own check for hand-built models.
 */
import fc from 'fast-check';
import { defaultAgentConfig } from '../../lib/agent-config';
import { Diagnostic } from '../../lib/common/diagnostics';
import { DevfileMode, loadDevfile } from '../../lib/devfile';
import { DEFAULT_WORKSPACE_IDENTITY } from '../../lib/workspace/identity';
import { renderWorkspaceResult } from '../../lib/workspace/render';

function devfileText(field: 'memoryLimit' | 'cpuRequest' | 'size' | 'override', value: string): string {
  const q = JSON.stringify(value);
  return [
    'schemaVersion: 2.2.0',
    'components:',
    '  - name: tooling',
    '    attributes:',
    '      gl/inject-editor: true',
    ...(field === 'override' ? ['      container-overrides:', '        resources:', '          limits:', `            memory: ${q}`] : []),
    '    container:',
    '      image: alpine',
    ...(field === 'memoryLimit' || field === 'cpuRequest' ? [`      ${field}: ${q}`] : []),
    '      volumeMounts:',
    '        - name: cache',
    '  - name: cache',
    '    volume:',
    `      size: ${field === 'size' ? q : '1Gi'}`,
  ].join('\n');
}

function render(text: string, mode: DevfileMode): { loaded: boolean; rendered?: boolean; diagnostics: readonly Diagnostic[] } {
  const loaded = loadDevfile(text, { file: 'devfile.yaml', mode });
  if (!loaded.ok) return { loaded: false, diagnostics: loaded.diagnostics };
  const rendered = renderWorkspaceResult({ devfile: loaded.value, agentConfig: defaultAgentConfig(), workspace: DEFAULT_WORKSPACE_IDENTITY });
  return { loaded: true, rendered: rendered.ok, diagnostics: rendered.diagnostics };
}

const quantityLike = fc.oneof(
  fc.constantFrom('512Mi', '2Gi', '500m', '1.5', '0', '1e3', '1n', '-1', 'abc', 'lots', '1GB', '1 Gi', '1.2.3', 'Mi', '1K', '.5', '5.'),
  fc.stringMatching(/^[-+]?[0-9]{0,4}(\.[0-9]{0,3})?(Ki|Mi|Gi|m|k|M|G|e[0-9]|E|i|x)?$/),
);

describe('devfile/quantity', () => {
  it.each([
    ['memoryLimit', 'abc', 'components[0].container.memoryLimit'],
    ['cpuRequest', '1.5.0', 'components[0].container.cpuRequest'],
    ['size', 'lots', 'components[1].volume.size'],
  ] as const)('refuses %s: %s in both modes, naming the field and the allowed form', (field, value, path) => {
    for (const mode of ['gitlab', 'devfile'] as const) {
      const result = loadDevfile(devfileText(field, value), { file: 'devfile.yaml', mode });
      expect(result.ok).toBe(false);
      const d = result.diagnostics.find((x) => x.rule === 'devfile/quantity');
      expect(d?.path).toBe(path);
      expect(d?.message).toContain(`"${value}"`);
      expect(d?.message).toMatch(/512Mi, 2Gi, 500m or 1\.5/);
    }
  });

  it('checks container-overrides resources in devfile mode only (gitlab mode refuses the attribute)', () => {
    const text = devfileText('override', '12GB');
    const devfileMode = loadDevfile(text, { file: 'devfile.yaml', mode: 'devfile' });
    expect(devfileMode.diagnostics.map((d) => [d.rule, d.path])).toContainEqual(
      ['devfile/quantity', 'components[0].attributes.container-overrides.resources.limits.memory']);
    const gitlabMode = loadDevfile(text, { file: 'devfile.yaml', mode: 'gitlab' });
    expect(gitlabMode.diagnostics.map((d) => d.rule)).toEqual(['gitlab/overrides']);
  });

  it.each(['memoryLimit', 'size'] as const)('treats an empty %s as not set, in the loader and the renderer', (field) => {
    expect(render(devfileText(field, ''), 'gitlab')).toMatchObject({ loaded: true, rendered: true });
  });

  it('validate and render agree: a devfile the loader accepts renders without a quantity problem', () => {
    fc.assert(
      fc.property(quantityLike, fc.constantFrom('memoryLimit', 'cpuRequest', 'size', 'override'), fc.constantFrom<DevfileMode>('gitlab', 'devfile'),
        (value, field, mode) => {
          const result = render(devfileText(field, value), mode);
          if (result.loaded) {
            expect(result.rendered).toBe(true);
          } else if (!(field === 'override' && mode === 'gitlab')) {
            expect(result.diagnostics.map((d) => d.rule)).toContain('devfile/quantity');
          }
        }),
      { numRuns: 150 },
    );
  });

  it('the renderer still refuses a hand-built model with a value that is not a quantity', () => {
    const loaded = loadDevfile(devfileText('memoryLimit', '1Gi'), { file: 'devfile.yaml', mode: 'gitlab' });
    if (!loaded.ok) throw new Error('fixture does not load');
    const devfile = {
      ...loaded.value,
      components: loaded.value.components.map((c) => (c.kind === 'container' ? { ...c, container: { ...c.container, memoryLimit: 'abc' } } : c)),
    };
    const rendered = renderWorkspaceResult({ devfile, agentConfig: defaultAgentConfig(), workspace: DEFAULT_WORKSPACE_IDENTITY });
    expect(rendered.ok).toBe(false);
    expect(rendered.diagnostics.map((d) => d.rule)).toContain('render/quantity');
  });
});
