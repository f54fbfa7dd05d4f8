/**
 * `gitlab-workspaces render`: stdout carries only the objects, problems go to stderr in the validate
 * format, exit codes 0 / 1 / 2. Runs the command in-process with collected output.
 */
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';
import { runRender } from '../../lib/cli/render';
import { FIXTURES } from './helpers';

async function run(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runRender(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

const fixture = (name: string, file: string) => join(FIXTURES, name, file);
const tmp = mkdtempSync(join(tmpdir(), 'render-cli-'));
const write = (name: string, text: string) => {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
};

describe('gitlab-workspaces render', () => {
  it('prints a YAML stream of the objects on stdout and nothing on stderr', async () => {
    const r = await run(fixture('project-poststart', 'devfile.yaml'), '--workspace', fixture('project-poststart', 'workspace.yaml'));
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const docs = parseAllDocuments(r.stdout).map((d) => d.toJS() as { kind: string });
    expect(docs.map((d) => d.kind)).toEqual(['ConfigMap', 'Deployment', 'Service', 'PersistentVolumeClaim', 'ServiceAccount', 'NetworkPolicy', 'ConfigMap', 'ConfigMap', 'Secret', 'Secret']);
  });

  it('prints exactly the golden output of a fixture', async () => {
    const { readFileSync } = await import('fs');
    const r = await run(fixture('shared-namespace', 'devfile.yaml'), '--agent-config', fixture('shared-namespace', 'agent-config.yaml'), '--workspace', fixture('shared-namespace', 'workspace.yaml'));
    expect(r.stdout).toBe(readFileSync(fixture('shared-namespace', 'expected.yaml'), 'utf8'));
  });

  it('prints a JSON array with --format json', async () => {
    const r = await run(fixture('basic', 'devfile.yaml'), '--format', 'json');
    expect(r.code).toBe(0);
    const objects = JSON.parse(r.stdout) as Array<{ kind: string }>;
    expect(objects[1].kind).toBe('Deployment');
  });

  it('renders devfile mode with an editor component', async () => {
    const r = await run(fixture('devfile-mode', 'devfile.yaml'), '--mode', 'devfile', '--editor-component', 'runtime');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/devfile\.yaml:\d+:\d+: warning: .*projects/);
    expect(r.stdout).toContain('kind: Deployment');
  });

  it('reports an invalid devfile on stderr in the validate format, exit 1, nothing on stdout', async () => {
    const path = write('bad-devfile.yaml', 'schemaVersion: 2.2.0\ncomponents:\n  - name: gl-tools\n    container: {image: alpine}\n');
    const r = await run(path);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: error: `, 'm'));
  });

  it('reports problems of every input at once', async () => {
    const agent = write('agent.yaml', 'remote_development:\n  enabled: true\n  dns_zone: "not a host"\n');
    const ws = write('ws.yaml', 'name: Bad_Name\n');
    const r = await run(fixture('basic', 'devfile.yaml'), '--agent-config', agent, '--workspace', ws);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${agent}:3:`);
    expect(r.stderr).toContain(`${ws}:1:`);
  });

  it('points a render error (a resource that is not a quantity) at its line', async () => {
    const path = write('quantity.yaml', [
      'schemaVersion: 2.2.0',
      'components:',
      '  - name: tooling-container',
      '    attributes: {gl/inject-editor: true}',
      '    container:',
      '      image: alpine',
      '      memoryLimit: lots',
      '',
    ].join('\n'));
    const r = await run(path);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${path}:7:20: error: components[0].container.memoryLimit: container 'tooling-container' has memoryLimit 'lots'`);
  });

  it('reports an unreadable file', async () => {
    const r = await run(join(tmp, 'missing.yaml'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('missing.yaml:1:1: error: cannot read the file: it does not exist');
  });

  it.each([
    [[], 'no devfile given'],
    [['a.yaml', 'b.yaml'], 'exactly one devfile'],
    [['a.yaml', '--format', 'xml'], '--format must be one of: yaml, json'],
    [['a.yaml', '--mode', 'other'], '--mode must be one of'],
    [['a.yaml', '--bogus'], "Unknown option '--bogus'"],
    [['a.yaml', '--editor-component', 'main'], '--editor-component applies only with --mode devfile'],
  ])('exits 2 for usage errors: %j', async (args, message) => {
    const r = await run(...args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.toLowerCase()).toContain(message.toLowerCase());
    expect(r.stderr).toContain('Usage: gitlab-workspaces render');
  });

  it('prints help on stdout, exit 0', async () => {
    const r = await run('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: gitlab-workspaces render <devfile>');
  });
});
