/**
 * Golden fixtures: each folder of test/workspace/fixtures is a case (devfile.yaml, optional
 * agent-config.yaml, workspace.yaml and case.yaml with loader options, GitLab version and instance settings) whose rendered YAML must equal
 * its expected.yaml byte for byte, and whose every object must be valid Kubernetes. Adding a case is
 * adding a folder. Regenerate after a deliberate change (then review the diff by hand):
 *   UPDATE_GOLDEN=1 npx jest test/workspace/golden.test.ts
 */
import { existsSync, readFileSync, writeFileSync } from 'fs';
import { renderWorkspace } from '../../lib/workspace/render';
import { toYamlStream } from '../../lib/workspace/serialize';
import { allKubernetesProblems, fixtureCaseNames, loadFixtureCase } from './helpers';

const update = process.env.UPDATE_GOLDEN === '1';

describe.each(fixtureCaseNames())('fixture %s', (name) => {
  const c = loadFixtureCase(name);
  const objects = renderWorkspace({ devfile: c.devfile, agentConfig: c.agentConfig, workspace: c.workspace, options: c.options });
  const yaml = toYamlStream(objects);

  it('renders its expected.yaml', () => {
    if (update) writeFileSync(c.expectedPath, yaml);
    if (!existsSync(c.expectedPath)) throw new Error(`${name}: no expected.yaml yet; run with UPDATE_GOLDEN=1, then review it by hand`);
    expect(yaml).toBe(readFileSync(c.expectedPath, 'utf8'));
  });

  it('emits only objects Kubernetes accepts', () => {
    expect(allKubernetesProblems(objects)).toEqual([]);
  });

  // Rendering twice from the same objects in one process proves little; this changes what could leak in:
  // the order keys were inserted in (YAML and JSON loaders, or code building the inputs, may differ) and
  // the inputs themselves (frozen: a renderer that mutated them would throw, or render differently next time).
  it('does not depend on the key order of its inputs, nor change them', () => {
    const input = { devfile: reversedFrozen(c.devfile), agentConfig: reversedFrozen(c.agentConfig), workspace: reversedFrozen(c.workspace), options: reversedFrozen(c.options) };
    expect(toYamlStream(renderWorkspace(input))).toBe(yaml);
    expect(toYamlStream(renderWorkspace(input))).toBe(yaml);
  });
});

/** A deep copy whose objects have their keys inserted in reverse order, deeply frozen. Arrays keep their order. */
function reversedFrozen<T>(value: T): T {
  if (Array.isArray(value)) return Object.freeze(value.map(reversedFrozen)) as T;
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).reverse()) out[key] = reversedFrozen((value as Record<string, unknown>)[key]);
  return Object.freeze(out) as T;
}
