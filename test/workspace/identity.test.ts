import fc from 'fast-check';
import { readFileSync } from 'fs';
import { join } from 'path';
import { dns1035LabelProblem, dns1123SubdomainProblem, labelValueProblem } from '../../lib/agent-config/kubernetes-rules';
import {
  DEFAULT_WORKSPACE_IDENTITY,
  defaultNamespaceFor,
  desiredReplicas,
  parseWorkspaceIdentity,
  resolveWorkspaceIdentity,
  WORKSPACE_NAME_MAX,
  WorkspaceIdentity,
  workspaceNameProblem,
  workspaceNamespaceProblem,
  workspaceObjectNames,
} from '../../lib/workspace/identity';

const fixture = (name: string) => readFileSync(join(__dirname, 'identity-fixtures', 'valid', name), 'utf8');

function load(text: string): WorkspaceIdentity {
  const r = parseWorkspaceIdentity(text, 'workspace.yaml');
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.value;
}

describe('parseWorkspaceIdentity', () => {
  it('gives the defaults for an empty file', () => {
    expect(load('')).toEqual(DEFAULT_WORKSPACE_IDENTITY);
    expect(load(fixture('empty.yaml'))).toEqual({
      name: 'workspace-7-42-abc123',
      namespace: 'gl-rd-ns-7-42-abc123',
      id: 1234,
      agentId: 7,
      desiredState: 'Running',
      user: { name: 'Ada Lovelace', email: 'ada@example.com' },
      variables: [],
    });
  });

  it('reads the example of the issue', () => {
    expect(load(fixture('issue-example.yaml'))).toEqual({
      name: 'workspace-7-42-abc123',
      namespace: 'gl-rd-ns-7-42-abc123',
      id: 1234,
      agentId: 7,
      desiredState: 'Running',
      project: { url: 'https://gitlab.example.com/group/app.git', path: 'app', ref: 'main' },
      user: { name: 'Ada Lovelace', email: 'ada@example.com' },
      variables: [
        { key: 'FEATURE_FLAG', value: 'on', type: 'env' },
        { key: 'settings.json', value: '{}', type: 'file' },
      ],
    });
  });

  it('derives the namespace from the name as GitLab does, and keeps the other defaults', () => {
    expect(load(fixture('name-only.yaml'))).toMatchObject({ name: 'workspace-12-99-zz9x8y', namespace: 'gl-rd-ns-12-99-zz9x8y', agentId: 12, id: 1234 });
    expect(load(fixture('custom-name.yaml'))).toMatchObject({ name: 'smoke-test', namespace: 'gl-rd-ns-smoke-test', agentId: 7 });
    // Without `agentId`, a GitLab-shaped name says which agent.
    expect(load('name: workspace-31-4-q1w2e3\n')).toMatchObject({ agentId: 31, namespace: 'gl-rd-ns-31-4-q1w2e3' });
    expect(defaultNamespaceFor('workspace-1-2-abcdef')).toBe('gl-rd-ns-1-2-abcdef');
  });

  it('fills a project\'s path from its URL and its ref with main', () => {
    expect(load(fixture('project-defaults.yaml')).project).toEqual({ url: 'https://gitlab.example.com/group/sub/my-app.git', path: 'my-app', ref: 'main' });
  });

  it('has no project unless one is given, and no user only with `user: null`', () => {
    expect(load('id: 5\n')).not.toHaveProperty('project');
    expect(load(fixture('no-user.yaml'))).not.toHaveProperty('user');
  });

  it('defaults a variable\'s type to env and allows one key in both Secrets', () => {
    expect(load(fixture('same-key-env-and-file.yaml')).variables).toEqual([
      { key: 'CONFIG', value: 'a', type: 'env' },
      { key: 'CONFIG', value: 'b', type: 'file' },
      { key: 'DEFAULT_TYPE_IS_ENV', value: '', type: 'env' },
    ]);
  });

  it('enforces GitLab\'s value length limits (env 10,000, file 50,000 characters)', () => {
    const ok = parseWorkspaceIdentity(`variables:\n  - {key: A, value: "${'x'.repeat(10_000)}"}\n  - {key: f, type: file, value: "${'y'.repeat(50_000)}"}\n`, 'w.yaml');
    expect(ok.ok).toBe(true);
    const tooLong = parseWorkspaceIdentity(`variables:\n  - {key: A, value: "${'x'.repeat(10_001)}"}\n`, 'w.yaml');
    expect(tooLong.ok).toBe(false);
    expect(tooLong.diagnostics[0]).toMatchObject({ path: 'variables[0].value', rule: 'workspace/variable-value', line: 2 });
  });

  it('refuses variables that overflow one Secret (1 MiB)', () => {
    const vars = Array.from({ length: 25 }, (_, i) => `  - {key: f${i}, type: file, value: "${'z'.repeat(45_000)}"}`).join('\n');
    const r = parseWorkspaceIdentity(`variables:\n${vars}\n`, 'w.yaml');
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => d.rule)).toEqual(['workspace/secret-size']);
  });

  it('never throws, whatever the text or value', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (t) => { parseWorkspaceIdentity(t, 'w.yaml'); }), { numRuns: 300 });
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('name', 'namespace', 'id', 'agentId', 'desiredState', 'project', 'user', 'variables', 'x'), fc.jsonValue()), (v) => {
        const r = resolveWorkspaceIdentity(v);
        if (!r.ok) expect(r.diagnostics.some((d) => d.severity === 'error')).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('resolveWorkspaceIdentity', () => {
  it('checks plain objects and names the path', () => {
    const r = resolveWorkspaceIdentity({ name: 'workspace-1-2-abc', variables: [{ key: 'a b', value: '' }] });
    expect(r.ok).toBe(false);
    expect(r.diagnostics).toEqual([expect.objectContaining({ file: '<workspace>', path: 'variables[0].key', rule: 'workspace/variable-key' })]);
  });
});

describe('names derived from the workspace name', () => {
  it('fit every Kubernetes limit for the longest allowed name', () => {
    expect(WORKSPACE_NAME_MAX).toBe(43);
    const name = `w${'x'.repeat(WORKSPACE_NAME_MAX - 1)}`;
    expect(parseWorkspaceIdentity(`name: ${name}\n`, 'w.yaml').ok).toBe(true);
    const names = workspaceObjectNames(name);
    for (const n of Object.values(names)) expect(dns1123SubdomainProblem(n)).toBeUndefined();
    expect(dns1035LabelProblem(names.service)).toBeUndefined();
    // Inventory ConfigMaps carry their own name as a label value.
    expect(labelValueProblem(names.workspaceInventory)).toBeUndefined();
    expect(labelValueProblem(names.secretsInventory)).toBeUndefined();
    expect(`60001-${name}`.length).toBeLessThanOrEqual(63);
    expect(defaultNamespaceFor(name).length).toBeLessThanOrEqual(63);
  });

  it('are GitLab\'s names', () => {
    expect(workspaceObjectNames('workspace-7-42-abc123')).toEqual({
      deployment: 'workspace-7-42-abc123',
      service: 'workspace-7-42-abc123',
      serviceAccount: 'workspace-7-42-abc123',
      networkPolicy: 'workspace-7-42-abc123',
      resourceQuota: 'workspace-7-42-abc123',
      workspaceInventory: 'workspace-7-42-abc123-workspace-inventory',
      secretsInventory: 'workspace-7-42-abc123-secrets-inventory',
      scriptsConfigMap: 'workspace-7-42-abc123-scripts-configmap',
      dataVolumeClaim: 'workspace-7-42-abc123-gl-workspace-data',
      envSecret: 'workspace-7-42-abc123-env-var',
      fileSecret: 'workspace-7-42-abc123-file',
    });
  });
});

describe('workspaceNameProblem and workspaceNamespaceProblem', () => {
  it('accept GitLab\'s names and names up to the limit, and say what is wrong otherwise', () => {
    expect(workspaceNameProblem('workspace-7-42-abc123')).toBeUndefined();
    expect(workspaceNameProblem(`w${'x'.repeat(WORKSPACE_NAME_MAX - 1)}`)).toBeUndefined();
    expect(workspaceNameProblem(`w${'x'.repeat(WORKSPACE_NAME_MAX)}`)).toEqual({ rule: 'name-too-long', message: expect.stringContaining(`use at most ${WORKSPACE_NAME_MAX} characters`) });
    expect(workspaceNameProblem('7-starts-with-digit')).toEqual({ rule: 'name', message: expect.stringContaining('DNS-1035 label') });
    expect(workspaceNamespaceProblem('gl-rd-ns-7-42-abc123')).toBeUndefined();
    expect(workspaceNamespaceProblem('Bad_NS')).toEqual({ rule: 'namespace', message: expect.stringContaining('DNS-1123 label') });
  });

  it('are the rules the file checker applies, with its rule ids', () => {
    const r = parseWorkspaceIdentity('name: 7-starts-with-digit\nnamespace: Bad_NS\n', 'w.yaml');
    expect(r.diagnostics.map((d) => [d.rule, d.message])).toEqual([
      ['workspace/name', workspaceNameProblem('7-starts-with-digit')!.message],
      ['workspace/namespace', workspaceNamespaceProblem('Bad_NS')!.message],
    ]);
  });
});

describe('the parsed source', () => {
  it('comes with the result, ok or not, to locate later diagnostics', () => {
    const ok = parseWorkspaceIdentity('id: 3\nname: workspace-7-42-abc123\n', 'w.yaml');
    expect(ok.ok).toBe(true);
    expect(ok.source.file).toBe('w.yaml');
    expect(ok.source.position(['name'])).toEqual({ line: 2, column: 7 });
    const bad = parseWorkspaceIdentity('id: -1\n', 'w.yaml');
    expect(bad.ok).toBe(false);
    expect(bad.source.position(['id'])).toEqual({ line: 1, column: 5 });
  });
});

describe('desiredReplicas', () => {
  it('is 1 only for Running', () => {
    expect(desiredReplicas('Running')).toBe(1);
    expect(desiredReplicas('RestartRequested')).toBe(0);
    expect(desiredReplicas('Stopped')).toBe(0);
    expect(desiredReplicas('Terminated')).toBe(0);
  });
});
