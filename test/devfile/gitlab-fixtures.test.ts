/**
 * GitLab's own devfile fixtures (`../shared/reference/gitlab-goldens/18.9/devfiles`): every
 * `example.invalid-*` devfile is refused through `gitlab-workspaces validate`, each for the reason its
 * name gives (the rule of GitLab's restrictions enforcer spec, mapped to this project's rule ids), and
 * GitLab's valid user devfiles pass. A new invalid fixture without a reason here fails the test.
 */
import { join } from 'path';
import { runValidate } from '../../lib/cli/validate';
import { loadDevfile } from '../../lib/devfile';
import { goldenFiles, goldenPath, readGolden } from '../helpers/gitlab-goldens';
import { describeWithGoldens, GOLDENS_AVAILABLE } from '../helpers/shared';

const DIR = ['18.9', 'devfiles'];

/** Why GitLab refuses each fixture: the rule that must report it, and where (a path fragment). */
const REASONS: Record<string, { readonly rule: string; readonly path?: RegExp; readonly message?: RegExp }> = {
  'attributes-override-command-with-command-args-present': { rule: 'gitlab/override-command', path: /components\[0\]\.container\.(command|args)/, message: /overrideCommand: false/ },
  'attributes-override-command-with-non-boolean-value': { rule: 'gitlab/override-command', path: /components\[0\]\.attributes\.overrideCommand/, message: /must be true or false/ },
  'attributes-tools-injector-absent': { rule: 'gitlab/editor-component', message: /no component has the attribute "gl\/inject-editor: true"/ },
  'attributes-tools-injector-multiple': { rule: 'gitlab/editor-component', path: /components\[1\]/, message: /exactly one component may have it/ },
  'command-field-type': { rule: 'devfile/schema', path: /^commands\[0\]$/ },
  'command-missing-component': { rule: 'devfile/schema', path: /^commands\[0\]\.exec$/, message: /missing the required key "component"/ },
  'commands-field-type': { rule: 'devfile/schema', path: /^commands$/ },
  'component-attributes-field-type': { rule: 'devfile/schema', path: /^components\[0\]\.attributes$/ },
  'component-field-type': { rule: 'devfile/schema', path: /^components\[0\]$/ },
  'component-missing-name': { rule: 'devfile/schema', message: /missing the required key "name"/ },
  'component-name-field-type': { rule: 'devfile/schema', path: /^components\[0\]\.name$/ },
  'components-attributes-container-overrides': { rule: 'gitlab/overrides', path: /container-overrides/ },
  'components-attributes-pod-overrides': { rule: 'gitlab/overrides', path: /components\[0\]\.attributes\.pod-overrides/ },
  'components-entry-empty': { rule: 'gitlab/no-components' },
  'components-entry-missing': { rule: 'gitlab/no-components' },
  'components-field-type': { rule: 'devfile/schema', path: /^components$/ },
  'container-field-type': { rule: 'devfile/schema', path: /^components\[0\]\.container$/ },
  'endpoints-field-type': { rule: 'devfile/schema', path: /\.container\.endpoints$/ },
  'events-field-type': { rule: 'devfile/schema', path: /^events$/ },
  'extra-field': { rule: 'devfile/schema', message: /unknown key "random"/ },
  'invalid-schema-version': { rule: 'gitlab/schema-version', message: /"example"/ },
  'multi-command': { rule: 'gitlab/reserved-prefix', path: /^commands\[1\]\.apply\.component$/ },
  'multi-component': { rule: 'gitlab/reserved-prefix', path: /^components\[1\]\.name$/ },
  'multi-endpoint': { rule: 'gitlab/reserved-prefix', path: /^components\[1\]\.container\.endpoints\[1\]\.name$/ },
  'multi-event': { rule: 'gitlab/reserved-prefix', path: /^events\.preStart\[1\]$/ },
  'multi-variable': { rule: 'gitlab/reserved-prefix', path: /^variables\.gl-example-invalid$/ },
  'multiple-errors': { rule: 'gitlab/reserved-prefix', path: /^(components\[1\]\.container\.endpoints\[1\]\.name|events\.preStart\[1\])$/ },
  'no-elements': { rule: 'gitlab/no-components' },
  'no-elements-flattened': { rule: 'gitlab/no-components' },
  'poststart-event-nonexistent-command': { rule: 'devfile/unknown-command', path: /^events\.postStart\[0\]$/ },
  'restricted-prefix-command-apply-component-name': { rule: 'gitlab/reserved-prefix', path: /^commands\[0\]\.apply\.component$/ },
  'restricted-prefix-command-apply-label': { rule: 'gitlab/reserved-prefix', path: /^commands\[0\]\.apply\.label$/ },
  'restricted-prefix-command-exec-component-name': { rule: 'gitlab/reserved-prefix', path: /^commands\[0\]\.exec\.component$/ },
  'restricted-prefix-command-exec-label': { rule: 'gitlab/reserved-prefix', path: /^commands\[0\]\.exec\.label$/ },
  'restricted-prefix-command-name': { rule: 'gitlab/reserved-prefix', path: /^commands\[0\]\.id$/ },
  'restricted-prefix-component-container-endpoint-name': { rule: 'gitlab/reserved-prefix', path: /\.endpoints\[0\]\.name$/ },
  'restricted-prefix-component-name': { rule: 'gitlab/reserved-prefix', path: /^components\[0\]\.name$/ },
  'restricted-prefix-event-type-prestart-name': { rule: 'gitlab/reserved-prefix', path: /^events\.preStart\[1\]$/ },
  'restricted-prefix-event-type-prestop-name': { rule: 'gitlab/reserved-prefix', path: /^events\.preStop\[1\]$/ },
  'restricted-prefix-variable-name': { rule: 'gitlab/reserved-prefix', path: /^variables\.gl-example$/ },
  'restricted-prefix-variable-name-with-underscore': { rule: 'gitlab/reserved-prefix', path: /^variables\.gl_example$/, message: /"gl_"/ },
  'root-attributes-field-type': { rule: 'devfile/schema', path: /^attributes$/ },
  'root-attributes-pod-overrides': { rule: 'gitlab/overrides', path: /^attributes\.pod-overrides$/ },
  'schema-version-field-type': { rule: 'devfile/schema', path: /^schemaVersion$/ },
  'unsupported-command-exec-hot-reload-capable-option': { rule: 'gitlab/hot-reload' },
  'unsupported-command-exec-options': { rule: 'gitlab/exec-options', path: /\.exec\.unsupportedOption$/ },
  'unsupported-command-type': { rule: 'gitlab/command-type' },
  'unsupported-command-type-poststart-event': { rule: 'gitlab/event-command-kind', path: /^events\.postStart\[0\]$/ },
  'unsupported-component-container-dedicated-pod': { rule: 'gitlab/dedicated-pod' },
  'unsupported-component-container-mount-sources': { rule: 'gitlab/mount-sources', path: /\.container\.mountSources$/ },
  'unsupported-component-container-source-mapping': { rule: 'gitlab/mount-sources', path: /\.container\.sourceMapping$/ },
  'unsupported-component-type-image': { rule: 'gitlab/component-type', path: /\.image$/ },
  'unsupported-component-type-kubernetes': { rule: 'gitlab/component-type', path: /\.kubernetes$/ },
  'unsupported-component-type-openshift': { rule: 'gitlab/component-type', path: /\.openshift$/ },
  'unsupported-event-type-poststop': { rule: 'gitlab/event-type', path: /^events\.postStop$/ },
  'unsupported-event-type-prestop': { rule: 'gitlab/event-type', path: /^events\.preStop$/ },
  'unsupported-parent-inheritance': { rule: 'gitlab/unsupported-key', path: /^parent$/ },
  'unsupported-projects': { rule: 'gitlab/unsupported-key', path: /^projects$/ },
  'unsupported-schema-version': { rule: 'gitlab/schema-version', message: /"2\.0\.0"/ },
  'unsupported-starter-projects': { rule: 'gitlab/unsupported-key', path: /^starterProjects$/ },
  'variables-field-type': { rule: 'devfile/schema', path: /^variables$/ },
  'volume-component-name-too-long': { rule: 'gitlab/volume-name', path: /^components\[0\]\.name$/ },
};

interface Report {
  readonly file: string;
  readonly valid: boolean;
  readonly diagnostics: ReadonlyArray<{ readonly severity: string; readonly rule: string; readonly path: string; readonly message: string }>;
}

async function validate(files: readonly string[], ...options: string[]): Promise<{ code: number; reports: Report[] }> {
  let stdout = '';
  const code = await runValidate([...files, ...options, '--format', 'json'], { stdout: (t) => (stdout += t), stderr: () => undefined });
  return { code, reports: JSON.parse(stdout) as Report[] };
}

const invalid = GOLDENS_AVAILABLE ? goldenFiles(DIR, /^example\.invalid-.*\.yaml$/) : [];
const reasonOf = (file: string) => file.replace(/^example\.invalid-/, '').replace(/(-devfile)?\.yaml$/, '');

describeWithGoldens('GitLab\'s invalid devfiles (through validate)', () => {
  let reports: Map<string, Report>;
  let code: number;
  beforeAll(async () => {
    const result = await validate(invalid.map((f) => goldenPath(...DIR, f)));
    code = result.code;
    reports = new Map(result.reports.map((r) => [r.file, r]));
  });

  it('has a reason for every fixture (60+), and a fixture for every reason', () => {
    expect(invalid.length).toBeGreaterThanOrEqual(60);
    expect(invalid.map(reasonOf).filter((r) => !REASONS[r])).toEqual([]);
    expect(Object.keys(REASONS).filter((r) => !invalid.map(reasonOf).includes(r))).toEqual([]);
    expect(code).toBe(1);
  });

  it.each(invalid)('refuses %s for the reason its name gives', (file) => {
    const report = reports.get(goldenPath(...DIR, file))!;
    expect(report.valid).toBe(false);
    const reason = REASONS[reasonOf(file)];
    const errors = report.diagnostics.filter((d) => d.severity === 'error');
    const matching = errors.filter((d) => d.rule === reason.rule && (!reason.path || reason.path.test(d.path)) && (!reason.message || reason.message.test(d.message)));
    expect({ file, reasons: matching.length > 0 ? 'found' : errors.map((d) => `${d.rule} ${d.path}: ${d.message}`) }).toEqual({ file, reasons: 'found' });
  });
});

describeWithGoldens('GitLab\'s valid devfiles', () => {
  it.each(['example.devfile.yaml', 'example.default_devfile.yaml'])('%s passes validate for GitLab 18.9', async (file) => {
    const { code, reports } = await validate([goldenPath(...DIR, file)]);
    expect(reports[0].diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(code).toBe(0);
  });

  it('example.devfile.yaml uses workingDir, which GitLab 18.2 refuses (and overrideCommand, which it ignores)', async () => {
    const { code, reports } = await validate([goldenPath(...DIR, 'example.devfile.yaml')], '--gitlab-version', '18.2');
    expect(code).toBe(1);
    expect(reports[0].diagnostics.map((d) => `${d.rule} ${d.path}`)).toEqual([
      'gitlab/exec-options commands[0].exec.workingDir',
      'gitlab/exec-options commands[2].exec.workingDir',
    ]);
  });

  it('refuses mountSources only from GitLab 18.8', () => {
    const text = readGolden(...DIR, 'example.invalid-unsupported-component-container-mount-sources-devfile.yaml');
    expect(loadDevfile(text, { file: 'd.yaml', gitlabVersion: '18.7' }).ok).toBe(true);
    expect(loadDevfile(text, { file: 'd.yaml', gitlabVersion: '18.8' }).ok).toBe(false);
  });

  it('accepts command and args without overrideCommand before GitLab 18.4', () => {
    const text = readGolden(...DIR, 'example.invalid-attributes-override-command-with-command-args-present-devfile.yaml').replace('      overrideCommand: true\n', '');
    expect(loadDevfile(text, { file: 'd.yaml', gitlabVersion: '18.3' }).ok).toBe(true);
    const refused = loadDevfile(text, { file: 'd.yaml' });
    expect(refused.ok).toBe(false);
    expect(refused.diagnostics[0].message).toContain('without it, GitLab replaces the command with its keep-alive');
  });
});

// The shared folder's path is resolved from this file (test/devfile -> repository root -> ../shared).
describeWithGoldens('the fixtures folder', () => {
  it('is ../shared next to the repository', () => {
    expect(goldenPath(...DIR)).toBe(join(__dirname, '..', '..', '..', 'shared', 'reference', 'gitlab-goldens', ...DIR));
  });
});
