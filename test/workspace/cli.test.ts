/**
 * `gitlab-workspaces render`: stdout carries only the objects, problems go to stderr in the validate
 * format, exit codes 0 / 1 / 2. Runs the command in-process with collected output.
 */
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';
import { runRender } from '../../lib/cli/render';
import * as readFile from '../../lib/common/read-file';
import * as yamlSource from '../../lib/common/yaml-source';
import { FIXTURES } from './helpers';

// Plain copies of these two modules, whose functions a test below spies on: as compiled for jest, a
// module's exports are read-only bindings, as in an ES module.
jest.mock('../../lib/common/read-file', () => ({ __esModule: true, ...jest.requireActual('../../lib/common/read-file') }));
jest.mock('../../lib/common/yaml-source', () => ({ __esModule: true, ...jest.requireActual('../../lib/common/yaml-source') }));

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

  it('renders for an older GitLab with --gitlab-version, and checks the inputs against that version', async () => {
    const { readFileSync } = await import('fs');
    const c = (file: string) => fixture('gitlab-18-2', file);
    const r = await run(c('devfile.yaml'), '--agent-config', c('agent-config.yaml'), '--workspace', c('workspace.yaml'), '--gitlab-version', '18.2.1');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(readFileSync(c('expected.yaml'), 'utf8'));
    // 18.2 reads neither workingDir nor the proxy's http_enabled.
    const devfile = write('wd.yaml', 'schemaVersion: 2.2.0\ncomponents:\n  - name: tooling\n    attributes: {gl/inject-editor: true}\n    container: {image: alpine}\ncommands:\n  - {id: a, exec: {component: tooling, commandLine: make, workingDir: /src}}\n');
    const agent = write('proxy.yaml', 'remote_development:\n  enabled: true\n  dns_zone: ws.example.dev\n  gitlab_workspaces_proxy: {http_enabled: false}\n');
    const old = await run(devfile, '--agent-config', agent, '--gitlab-version', '18.3');
    expect(old.code).toBe(1);
    expect(old.stdout).toBe('');
    expect(old.stderr).toContain('wd.yaml:7:59: error: commands[0].exec.workingDir: exec command "a" sets "workingDir", which GitLab reads from 18.4; GitLab 18.3 refuses it');
    expect(old.stderr).toContain('proxy.yaml:4:29: error: remote_development.gitlab_workspaces_proxy.http_enabled: `http_enabled` is read by GitLab 18.4 and later');
    expect((await run(devfile, '--agent-config', agent)).code).toBe(0);
  });

  it('refuses an unsupported --gitlab-version or instance setting as a usage error', async () => {
    for (const [args, message] of [
      [['--gitlab-version', '17.11'], '--gitlab-version: GitLab 17.11 is not supported (supported: 18.2 to 18.9)'],
      [['--gitlab-version', '19.0'], 'GitLab 19.0 is newer than this tool knows'],
      [['--gitlab-url', 'gitlab.example.com'], '--gitlab-url "gitlab.example.com" must be a https or http URL'],
      [['--kas-address', 'https://kas.example.com'], '--kas-address "https://kas.example.com" must be a wss or ws or grpcs or grpc URL'],
      [['--workspaces-host', 'https://ws.example.com'], '--workspaces-host "https://ws.example.com" must be'],
      [['--extension-marketplace-service-url', ''], '--extension-marketplace-service-url needs a value'],
    ] as const) {
      const r = await run(fixture('basic', 'devfile.yaml'), ...args);
      expect({ args, code: r.code, stdout: r.stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(r.stderr).toContain(message);
    }
  });

  it('takes the GitLab instance settings from the command line', async () => {
    const { readFileSync } = await import('fs');
    const r = await run(fixture('extension-marketplace', 'devfile.yaml'), '--gitlab-url', 'https://gitlab.example.com', '--kas-address', 'wss://kas.gitlab.example.com',
      '--extension-marketplace', '--extension-marketplace-service-url', 'https://marketplace.example.com/vscode/gallery',
      '--extension-marketplace-item-url', 'https://marketplace.example.com/vscode/item',
      '--extension-marketplace-resource-url-template', 'https://marketplace.example.com/vscode/unpkg/{publisher}/{name}/{version}/{path}');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(readFileSync(fixture('extension-marketplace', 'expected.yaml'), 'utf8'));
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

  it('points an error about a resource that is not a quantity at its line', async () => {
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
    // The devfile loader now refuses it before the renderer sees it; the position is the same.
    expect(r.stderr).toContain(`${path}:7:20: error: components[0].container.memoryLimit: `);
    expect(r.stderr).toMatch(/memoryLimit .*"lots"/);
  });

  it('points an error about a volume at a path GitLab mounts at its line in the devfile', async () => {
    const path = write('mount.yaml', [
      'schemaVersion: 2.2.0',
      'components:',
      '  - name: tooling-container',
      '    attributes: {gl/inject-editor: true}',
      '    container:',
      '      image: alpine',
      '      volumeMounts:',
      '        - {name: cache, path: /workspace-scripts}',
      '  - name: cache',
      '    volume: {size: 1Gi}',
      '',
    ].join('\n'));
    const ws = write('ws-for-mount.yaml', 'id: 5\n');
    const r = await run(path, '--workspace', ws);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`${path}:8:31: error: components[0].container.volumeMounts[0].path: component "tooling-container" mounts the volume "cache" at /workspace-scripts, where GitLab mounts the postStart scripts; choose another path\n`);
  });

  it('reads and parses each input file once, warnings or not', async () => {
    const parse = jest.spyOn(yamlSource, 'parseYaml');
    const read = jest.spyOn(readFile, 'readTextFile');
    try {
      const devfile = fixture('devfile-mode', 'devfile.yaml');
      const ws = write('ws-once.yaml', 'id: 6\n');
      const agent = write('agent-once.yaml', 'remote_development:\n  dns_zone: workspaces.example.dev\n');
      const r = await run(devfile, '--mode', 'devfile', '--editor-component', 'runtime', '--workspace', ws, '--agent-config', agent);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/: warning: /);
      const files = (calls: ReadonlyArray<readonly unknown[]>, at: (c: readonly unknown[]) => string) => calls.map(at).sort();
      expect(files(read.mock.calls, (c) => String(c[0]))).toEqual([agent, devfile, ws].sort());
      expect(files(parse.mock.calls, (c) => (c[1] as { file: string }).file)).toEqual([agent, devfile, ws].sort());
    } finally {
      parse.mockRestore();
      read.mockRestore();
    }
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
    // The default workspace has a user, whose git identity goes into the env Secret: the help says so.
    expect(r.stdout.replace(/\s+/g, ' ')).toContain('user Ada Lovelace <ada@example.com> (git user.name and user.email in the env Secret');
  });

  it('renders the default user\'s git identity into the env Secret when no workspace file is given', async () => {
    const r = await run(fixture('basic', 'devfile.yaml'), '--format', 'json');
    const env = (JSON.parse(r.stdout) as Array<{ kind: string; metadata: { name: string }; data: Record<string, string> }>)
      .find((o) => o.kind === 'Secret' && o.metadata.name.endsWith('-env-var'))!;
    const decoded = Object.values(env.data).map((v) => Buffer.from(v, 'base64').toString('utf8'));
    expect(decoded).toEqual(expect.arrayContaining(['user.name', 'Ada Lovelace', 'user.email', 'ada@example.com']));
  });
});
