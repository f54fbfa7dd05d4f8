/**
 * The editor schema `schemas/gitlab-devfile.schema.json`: generated from the devfile schema the loader
 * uses (the committed file is what the generator writes now); read by ajv as draft-07 and by a real YAML
 * language server (`yaml-language-server`, as VS Code and GitLab's Web IDE run it, through the
 * `# yaml-language-server: $schema=...` modeline). Every devfile `validate` accepts passes it; every
 * invalid fixture whose rule JSON Schema can express fails it.
 */
import Ajv from 'ajv';
import fc from 'fast-check';
import { existsSync, readdirSync, readFileSync } from 'fs';
import { join, resolve } from 'path';
import { parse } from 'yaml';
import { getLanguageService, LanguageService } from 'yaml-language-server';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { loadDevfile } from '../../lib/devfile';
import { convertDevfile } from '../../lib/devfile/convert';
import { gitlabDevfileSchemaText } from '../../lib/devfile/editor-schema';
import { devfileArb, devfileText } from './generated-devfiles';
import { CORPUS_AVAILABLE, CORPUS_DIR, GOLDENS_AVAILABLE, GOLDENS_DIR } from '../helpers/shared';
import { propertyRuns } from '../helpers/property-runs';

const REPO = join(__dirname, '..', '..');
const SCHEMA_FILE = join(REPO, 'schemas', 'gitlab-devfile.schema.json');
const FIXTURES = join(__dirname, 'fixtures', 'gitlab');
const GOLDENS = resolve(GOLDENS_DIR, '18.9', 'devfiles');
const CORPUS = CORPUS_DIR;

const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as Record<string, unknown>;
const ajv = new Ajv({ allErrors: true, logger: false });
// The language servers' annotation keywords: no validation meaning.
ajv.addKeyword({ keyword: 'errorMessage', schemaType: 'string' });
ajv.addKeyword({ keyword: 'patternErrorMessage', schemaType: 'string' });
ajv.addKeyword({ keyword: 'doNotSuggest', schemaType: 'boolean' });
const validateSchema = ajv.compile(schema);
/** As the loader reads a devfile: YAML merge keys resolved. */
const passes = (text: string) => validateSchema(parse(text, { merge: true }));

/**
 * The schema is GitLab 18.9's: fixtures checked against an older GitLab (`<name>.options.json` with a
 * `gitlabVersion`, such as workingDir before 18.4) are left out.
 */
const fixtures = readdirSync(FIXTURES).filter((f) => f.endsWith('.yaml')).filter((f) => {
  const options = join(FIXTURES, f.replace(/\.yaml$/, '.options.json'));
  return !existsSync(options) || (JSON.parse(readFileSync(options, 'utf8')) as { gitlabVersion?: string }).gitlabVersion === undefined;
}).sort();
const valid = fixtures.filter((f) => f.startsWith('valid-'));
const readFixture = (f: string) => readFileSync(join(FIXTURES, f), 'utf8');

/**
 * The rules whose problems the schema can say. A fixture refused for one of them fails the schema,
 * unless its problem depends on what JSON Schema cannot see (listed with the reason).
 */
const EXPRESSIBLE = new Set([
  'devfile/schema', 'gitlab/schema-version', 'gitlab/unsupported-key', 'gitlab/overrides', 'gitlab/component-type',
  'gitlab/command-type', 'gitlab/exec-options', 'gitlab/hot-reload', 'gitlab/event-type', 'gitlab/dedicated-pod',
  'gitlab/reserved-prefix', 'gitlab/no-components', 'devfile/endpoint-port', 'devfile/gitlab-endpoint', 'devfile/mount-path',
]);
const NOT_EXPRESSIBLE: Record<string, string> = {
  'variable-substituted-into-reserved-label': 'the reserved prefix appears only after {{variable}} substitution',
  'many-problems': 'checked below with its own expressible problems',
};

function expectedErrors(f: string): string[] {
  const expected = JSON.parse(readFileSync(join(FIXTURES, f.replace(/\.yaml$/, '.expected.json')), 'utf8')) as { diagnostics: Array<{ severity: string; rule: string }> };
  return expected.diagnostics.filter((d) => d.severity === 'error').map((d) => d.rule);
}

describe('generation', () => {
  it('the committed schema is what the generator writes from the installed devfile schema (run `npm run schema:devfile`)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(gitlabDevfileSchemaText());
  });

  it('is draft-07 and compiles with ajv (unknown keywords refused)', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(typeof validateSchema).toBe('function');
  });
});

describe('ajv (draft-07)', () => {
  it.each(valid)('valid fixture %s passes', (f) => {
    expect(passes(readFixture(f))).toBe(true);
  });

  const refusedByExpressibleRule = fixtures.filter((f) => !f.startsWith('valid-') && !(f.replace(/\.yaml$/, '') in NOT_EXPRESSIBLE))
    .filter((f) => { try { parse(readFixture(f), { merge: true }); return true; } catch { return false; } })
    .filter((f) => expectedErrors(f).some((r) => EXPRESSIBLE.has(r)));

  it('covers the invalid fixtures of every expressible rule', () => {
    const rules = new Set(refusedByExpressibleRule.flatMap(expectedErrors));
    for (const r of EXPRESSIBLE) expect(rules).toContain(r);
  });

  it.each(refusedByExpressibleRule)('invalid fixture %s fails', (f) => {
    expect(passes(readFixture(f))).toBe(false);
  });

  const goldens = GOLDENS_AVAILABLE ? readdirSync(GOLDENS).filter((f) => f.startsWith('example.invalid-')).sort() : [];
  /** GitLab's invalid devfiles the schema cannot refuse, and why. */
  const GOLDENS_NOT_EXPRESSIBLE: Record<string, string> = {
    'example.invalid-attributes-tools-injector-multiple-devfile.yaml': 'two editor containers: draft-07 has no maxContains',
    'example.invalid-poststart-event-nonexistent-command-devfile.yaml': 'a reference to a command that does not exist',
    'example.invalid-unsupported-command-type-poststart-event-devfile.yaml': 'the kind of the command an event names',
  };

  (GOLDENS_AVAILABLE ? it.each(goldens) : it.skip.each(['(needs ../shared/reference/gitlab-goldens)']))('GitLab\'s invalid devfile %s fails (or is listed as beyond JSON Schema)', (f) => {
    const value = parse(readFileSync(join(GOLDENS, f), 'utf8'), { merge: true });
    // The listed ones pass the schema (validate refuses them); the list stays honest.
    expect(validateSchema(value)).toBe(f in GOLDENS_NOT_EXPRESSIBLE);
  });

  (GOLDENS_AVAILABLE ? it : it.skip)('GitLab\'s own example devfile passes', () => {
    expect(passes(readFileSync(join(GOLDENS, 'example.devfile.yaml'), 'utf8'))).toBe(true);
  });

  (CORPUS_AVAILABLE ? it : it.skip)('every corpus devfile convert turns into a GitLab devfile passes', () => {
    for (const f of readdirSync(CORPUS).filter((n) => n.endsWith('.yaml'))) {
      const r = convertDevfile(readFileSync(join(CORPUS, f), 'utf8'), { file: f });
      if (r.ok) expect({ f, passes: passes(r.text) }).toEqual({ f, passes: true });
    }
  });

  it('no generated devfile that validate accepts is refused by the schema', () => {
    const numRuns = propertyRuns(60, 20);
    let checked = 0;
    fc.assert(
      fc.property(devfileArb, (g) => {
        const converted = convertDevfile(devfileText(g), { file: 'gen.yaml' });
        if (!converted.ok || !loadDevfile(converted.text, { file: 'gen.yaml', mode: 'gitlab' }).ok) return;
        checked++;
        if (!passes(converted.text)) throw new Error(`${ajv.errorsText(validateSchema.errors)}\n${converted.text}`);
      }),
      { numRuns },
    );
    // Most generated devfiles convert to one validate accepts (so most cases check the schema).
    expect(checked).toBeGreaterThan(numRuns / 2);
  }, 60_000);
});

describe('yaml-language-server (the modeline, as in VS Code and the Web IDE)', () => {
  let service: LanguageService;
  let version = 0;
  beforeAll(() => {
    service = getLanguageService({
      schemaRequestService: async (uri) => readFileSync(new URL(uri), 'utf8'),
      workspaceContext: { resolveRelativePath: (relative, resource) => new URL(relative, resource).toString() },
    });
    service.configure({ validate: true, completion: true, hover: true, schemas: [] });
  });

  /** A `.devfile.yaml` at the repository root that names the schema by a relative path, as the README says. */
  function document(text: string): TextDocument {
    const body = text.replace(/^---\n/, '');
    const uri = new URL(`file://${REPO}/.devfile.yaml`).toString();
    return TextDocument.create(uri, 'yaml', ++version, `# yaml-language-server: $schema=./schemas/gitlab-devfile.schema.json\n${body}`);
  }
  const problems = async (text: string) => (await service.doValidation(document(text), false)).map((d) => d.message);

  it.each(valid)('valid fixture %s has no problem', async (f) => {
    expect(await problems(readFixture(f))).toEqual([]);
  });

  it.each([
    ['component-kubernetes.yaml', 'GitLab workspaces run only container and volume components, not kubernetes components'],
    ['exec-hot-reload.yaml', 'GitLab accepts hotReloadCapable only as false'],
    ['no-inject-editor.yaml', 'mark exactly one container component with the attribute gl/inject-editor: true; GitLab injects the editor into it'],
    ['schema-version-2-3-0.yaml', 'GitLab workspaces accept only schemaVersion 2.2.0'],
    ['parent.yaml', 'GitLab workspaces do not support a parent devfile; copy what you need into this file'],
    ['endpoint-gitlab-port-and-name.yaml', 'a port between 1 and 65535 other than 60001 (the web editor) and 60022 (SSH access), which GitLab uses in the same pod'],
    ['reserved-variable-underscore.yaml', 'variable names starting with "gl-" or "gl_" (any case) are GitLab\'s'],
  ])('%s is underlined with GitLab\'s rule', async (f, message) => {
    expect(await problems(readFixture(f))).toContain(message);
  });

  it('completes GitLab\'s attributes on a component and does not offer what GitLab refuses', async () => {
    const text = 'schemaVersion: 2.2.0\ncomponents:\n  - name: tools\n    attributes:\n      \n    container:\n      image: alpine:3\n      \n';
    const doc = document(text);
    const at = (line: number, character: number) => service.doComplete(doc, { line: line + 1, character }, false);
    const attributeLabels = (await at(4, 6)).items.map((i) => i.label);
    expect(attributeLabels).toEqual(expect.arrayContaining(['gl/inject-editor', 'overrideCommand']));
    const containerLabels = (await at(7, 6)).items.map((i) => i.label);
    expect(containerLabels).toEqual(expect.arrayContaining(['memoryLimit', 'endpoints']));
    expect(containerLabels).not.toContain('mountSources');
    expect(containerLabels).not.toContain('sourceMapping');
  });
});
