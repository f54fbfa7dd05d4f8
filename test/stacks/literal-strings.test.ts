/**
 * Every string of the stack config reaches Terraform as a literal: Terraform template syntax (`${...}`,
 * `%{...}`) in any key or value is refused at its position, before anything is synthesized. A property test
 * puts template syntax into every string field the config schema has (and into the free-form agent
 * settings, and map keys), and checks the config is refused there; the sinks the review found are
 * checked by name; and a config without it synthesizes with no interpolation but the stack's own references.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { loadConfigText } from '../../stacks/config/load';
import schema from '../../schemas/workspaces.config.schema.json';
import { GITLAB_CONFIG, REQUIRED_CONFIG, synthApp, TEST_DAY, configFromText } from './helpers';
import { parse } from 'yaml';
import { propertyRuns } from '../helpers/property-runs';

type Path = Array<string | number>;
interface SchemaNode {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
}
const definitions = (schema as { definitions: Record<string, SchemaNode> }).definitions;

/** Where a string can be written in a config: a value, or a key of a free-form mapping. */
interface Field { readonly path: Path; readonly key: boolean }

/** Every string field of the schema, with index 0 for list items and `k` for a map's keys. */
function stringFields(node: SchemaNode, path: Path = []): Field[] {
  while (node.$ref) node = definitions[node.$ref.replace('#/definitions/', '')];
  const types = node.type === undefined ? [] : Array.isArray(node.type) ? node.type : [node.type];
  const out: Field[] = types.includes('string') ? [{ path, key: false }] : [];
  for (const [k, child] of Object.entries(node.properties ?? {})) out.push(...stringFields(child, [...path, k]));
  if (typeof node.additionalProperties === 'object') {
    out.push({ path: [...path, 'k'], key: true }, ...stringFields(node.additionalProperties, [...path, 'k']));
  }
  if (node.items) out.push(...stringFields(node.items, [...path, 0]));
  return out;
}

/** The agent settings are free-form in the schema (lib/agent-config checks them): their string fields. */
const AGENT_SETTING_FIELDS: Field[] = [
  ['dns_zone'], ['shared_namespace'], ['default_runtime_class'], ['annotations', 'k'], ['labels', 'k'],
  ['image_pull_secrets', 0, 'name'], ['image_pull_secrets', 0, 'namespace'], ['gitlab_workspaces_proxy', 'namespace'],
  ['network_policy', 'egress', 0, 'allow'], ['network_policy', 'egress', 0, 'except', 0],
  ['default_resources_per_workspace_container', 'requests', 'cpu'], ['max_resources_per_workspace', 'limits', 'memory'],
].map((p) => ({ path: ['gitlab', 'remote_development', ...p], key: false }))
  .concat([['annotations', 'k'], ['labels', 'k']].map((p) => ({ path: ['gitlab', 'remote_development', ...p], key: true })));

const FIELDS = [...stringFields(schema as SchemaNode), ...AGENT_SETTING_FIELDS];
const BASE = parse(`${REQUIRED_CONFIG}${GITLAB_CONFIG}`) as Record<string, unknown>;

/** The base config with `text` written at a field (parents created as needed). */
function withText(field: Field, text: string): Record<string, unknown> {
  const config = structuredClone(BASE);
  let cur: Record<string | number, unknown> = config;
  const parents = field.path.slice(0, -1);
  parents.forEach((k, i) => {
    const next = field.path[i + 1];
    if (cur[k] === undefined || typeof cur[k] !== 'object' || cur[k] === null) cur[k] = typeof next === 'number' ? [] : {};
    cur = cur[k] as Record<string | number, unknown>;
  });
  const last = field.path[field.path.length - 1];
  if (field.key) cur[text] = 'v';
  else cur[last] = text;
  return config;
}

/** Text with Terraform template syntax somewhere in it. */
const templated = fc.tuple(fc.string({ maxLength: 8 }), fc.constantFrom('${', '%{', '$${', '%%{'), fc.constantFrom('file("/etc/hostname")}', 'if true}x%{endif}', 'var.x}', ''), fc.string({ maxLength: 8 }))
  .map(([a, opener, body, b]) => `${a}${opener}${body}${b}`);

describe('Terraform template syntax in the stack config', () => {
  it('covers the string fields of the schema', () => {
    const paths = FIELDS.map((f) => f.path.join('.'));
    for (const p of ['aws.defaultTags.k', 'aws.region', 'gitlab.url', 'gitlab.kasAddress', 'gitlab.agent.branch', 'gitlab.agent.project', 'cluster.name', 'state.bucket']) {
      expect(paths).toContain(p);
    }
    expect(FIELDS.length).toBeGreaterThan(60);
  });

  it('is refused in every string field and map key, at that field', () => {
    fc.assert(fc.property(fc.constantFrom(...FIELDS), templated, (field, text) => {
      const result = loadConfigText(stringify(withText(field, text)), 'c.yaml', { today: TEST_DAY });
      expect(result.ok).toBe(false);
      const at = field.key ? [...field.path.slice(0, -1), text] : field.path;
      const refused = result.diagnostics.filter((d) => d.rule === 'config/template-syntax');
      const where = (p: Path) => p.map((k) => (typeof k === 'number' ? `[${k}]` : /^[\w-]+$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`)).join('').replace(/^\./, '');
      expect(refused.map((d) => d.path)).toContain(where(at));
    }), { numRuns: propertyRuns(300, 100) });
  });

  it.each([
    ['a default tag value', 'aws:\n  defaultTags:\n    owner: ${file("/etc/hostname")}\n', 'aws.defaultTags.owner', 3, 12],
    ['the agent config branch', 'gitlab:\n  dnsZone: w.acme.dev\n  oauth: variables\n  agent:\n    project: a/b\n    branch: main${path.module}\n', 'gitlab.agent.branch', 6, 13],
    ['an annotation value', 'gitlab:\n  dnsZone: w.acme.dev\n  oauth: variables\n  remote_development:\n    annotations:\n      team: "%{ for x in [1] }x%{ endfor }"\n', 'gitlab.remote_development.annotations.team', 6, 13],
    ['the GitLab URL path', 'gitlab:\n  url: https://gitlab.acme.dev/${var.x}\n  dnsZone: w.acme.dev\n  oauth: variables\n', 'gitlab.url', 2, 8],
    ['the KAS address path', 'gitlab:\n  kasAddress: wss://gitlab.acme.dev/-/kubernetes-agent/${x}\n  dnsZone: w.acme.dev\n  oauth: variables\n', 'gitlab.kasAddress', 2, 15],
  ])('is refused in %s, with its line and column', (_what, section, path, line, column) => {
    const result = loadConfigText(`${REQUIRED_CONFIG}${section}`, 'c.yaml', { today: TEST_DAY });
    expect(result.ok).toBe(false);
    const d = result.diagnostics.find((x) => x.rule === 'config/template-syntax');
    expect(d).toMatchObject({ path, line: line + REQUIRED_CONFIG.split('\n').length - 1, column });
    expect(d!.message).toMatch(/Terraform reads as (an interpolation|a template directive).*write it without `\$\{` and `%\{`/);
  });

  it('leaves only the stack\'s own references as interpolations in the synthesized stacks', () => {
    const app = synthApp(configFromText(`${REQUIRED_CONFIG}${GITLAB_CONFIG}aws:\n  defaultTags:\n    owner: platform-team\n`));
    for (const stack of [app.cluster, app.platform]) {
      const interpolations = [...stack.json.matchAll(/\$\{([^}]*)/g)].map((m) => m[1]);
      // References to resources, data sources, variables, self; Terraform functions, conditions on variables and for expressions the constructs write.
      const unexpected = interpolations.filter((i) => !/^(data\.|\(?var\.|self\.|[a-z0-9_]+\.[A-Za-z0-9_-]+|[a-z0-9_]+\(|each\.|count\.|\$|[[{] for key, val in )/.test(i.trim()));
      expect(unexpected).toEqual([]);
      expect(stack.json).not.toContain('file(');
    }
  });
});
