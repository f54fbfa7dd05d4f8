/**
 * The ready app as a library: both stacks added to the caller's own App from the package root, under the
 * caller's backend, with the platform stack reading the cluster stack's outputs through that backend; and
 * a synth that needs no Terraform binary.
 */
import { App, LocalBackend, S3Backend, TerraformStack } from 'cdktf';
import { spawnSync } from 'child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import * as root from 'cdktf-gitlab-workspaces';
import { buildApp, loadConfigText, WorkspacesClusterStack, WorkspacesPlatformStack } from 'cdktf-gitlab-workspaces';
import { Synthesized } from '../helpers/synthesized';
import { GITLAB_CONFIG, REQUIRED_CONFIG, TEST_DAY } from './helpers';

function config(text = `${REQUIRED_CONFIG}${GITLAB_CONFIG}`) {
  const loaded = loadConfigText(text, 'test.yaml', { today: TEST_DAY });
  if (!loaded.ok) throw new Error(loaded.diagnostics.map(root.formatDiagnostic).join('\n'));
  return loaded.value;
}

/** Synthesizes an app into a temporary folder and reads every stack back. */
function synthesize(app: App, outdir: string): Record<string, Synthesized> {
  app.synth();
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as { stacks: Record<string, { synthesizedStackPath: string }> };
  return Object.fromEntries(Object.entries(manifest.stacks).map(([id, s]) => [id, new Synthesized(readFileSync(join(outdir, s.synthesizedStackPath), 'utf8'))]));
}

describe('the package root', () => {
  it('exports the ready stacks, buildApp and the config loader', () => {
    for (const name of ['WorkspacesClusterStack', 'WorkspacesPlatformStack', 'buildApp', 'loadConfigFile', 'loadConfigText', 'withSecureAgentDefaults', 'stackCapacity', 'stackCost', 'computeCapacity', 'computeCost', 'defaultWorkspaceRequests']) {
      expect(typeof (root as Record<string, unknown>)[name]).toBe('function');
    }
  });
});

describe('buildApp into the caller\'s App with the caller\'s backend', () => {
  let outdir: string;
  let stacks: Record<string, Synthesized>;
  const calls: string[] = [];
  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), 'public-api-'));
    const app = new App({ outdir });
    // Something of the caller's own in the same app.
    new TerraformStack(app, 'dns');
    const built = buildApp(config(), {
      app,
      stackId: 'ws-prod',
      backend: (stack, id) => {
        calls.push(id);
        return new S3Backend(stack, { bucket: 'acme-state', key: `workspaces/${id}.tfstate`, region: 'eu-central-1', encrypt: true, dynamodbTable: 'locks' });
      },
    });
    expect(built.app).toBe(app);
    expect(built.cluster).toBeInstanceOf(WorkspacesClusterStack);
    expect(built.platform).toBeInstanceOf(WorkspacesPlatformStack);
    stacks = synthesize(app, outdir);
  });
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('adds both stacks next to the caller\'s own, asking the factory once per stack', () => {
    expect(Object.keys(stacks).sort()).toEqual(['dns', 'ws-prod', 'ws-prod-platform']);
    expect(calls).toEqual(['ws-prod', 'ws-prod-platform']);
  });

  it('gives each stack the caller\'s backend, not the config\'s state section', () => {
    expect(stacks['ws-prod'].doc.terraform.backend).toEqual({ s3: { bucket: 'acme-state', key: 'workspaces/ws-prod.tfstate', region: 'eu-central-1', encrypt: true, dynamodb_table: 'locks' } });
    expect(stacks['ws-prod-platform'].doc.terraform.backend.s3.key).toBe('workspaces/ws-prod-platform.tfstate');
  });

  it('reads the cluster stack\'s outputs through that backend', () => {
    const remote = Object.values(stacks['ws-prod-platform'].data('terraform_remote_state'));
    expect(remote).toHaveLength(1);
    expect(remote[0]).toMatchObject({ backend: 's3', config: { bucket: 'acme-state', key: 'workspaces/ws-prod.tfstate', region: 'eu-central-1' } });
    const host = stacks['ws-prod-platform'].doc.provider.kubernetes[0].host as string;
    expect(host).toMatch(/^\$\{data\.terraform_remote_state\./);
  });
});

describe('a backend factory that does not make a backend in its stack', () => {
  it('is refused with what to do instead', () => {
    expect(() => buildApp(config(), { outdir: mkdtempSync(join(tmpdir(), 'x-')), backend: () => undefined as never }))
      .toThrow(/must return a cdktf TerraformBackend .* created in the stack it is given/);
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'x-')) });
    const elsewhere = new TerraformStack(app, 'elsewhere');
    expect(() => buildApp(config(), { app, backend: () => new LocalBackend(elsewhere, { path: 'x' }) }))
      .toThrow(/created the backend of stack gitlab-workspaces in elsewhere; create it in the stack it is given/);
  });
});

describe('a config built in code', () => {
  it('is refused when a string or key holds Terraform template syntax, listing every path (the loader refuses them in YAML; code skips the loader)', () => {
    const loaded = config();
    const edited = {
      ...loaded,
      aws: { ...loaded.aws, defaultTags: { ...loaded.aws.defaultTags, owner: '${file("/etc/hostname")}', ['%{if true}x%{endif}']: 'y' } },
      gitlab: { ...loaded.gitlab!, agent: { ...loaded.gitlab!.agent, branch: 'main-${path.cwd}' } },
    };
    let message = '';
    try {
      buildApp(edited, { outdir: mkdtempSync(join(tmpdir(), 'x-')) });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^The stack config holds Terraform template syntax/);
    expect(message).toContain('aws.defaultTags.owner: "${file(\\"/etc/hostname\\")}"');
    expect(message).toContain('the key "%{if true}x%{endif}"');
    expect(message).toContain('gitlab.agent.branch: "main-${path.cwd}"');
  });
});

describe('synth without a Terraform binary', () => {
  // In a process of its own: PATH is read by cdktf's validations when they spawn `terraform version`, and
  // this process (and its cached modules) may have seen a PATH with terraform on it.
  it('writes both stacks with no terraform (or tofu) on PATH', () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-terraform-'));
    mkdirSync(join(empty, 'bin'));
    const outdir = mkdtempSync(join(tmpdir(), 'synth-'));
    try {
      const root = join(__dirname, '..', '..');
      // The default destroy guard, the opt-in volume cleanup and the check of the create-only variables are
      // terraform_data resources; the per-zone workspace groups carry `moved` blocks.
      const script = `
        const { buildApp } = require(${JSON.stringify(join(root, 'dist', 'stacks', 'app.js'))});
        const { loadConfigText } = require(${JSON.stringify(join(root, 'dist', 'stacks', 'config', 'load.js'))});
        const loaded = loadConfigText(process.env.CONFIG_TEXT, 'test.yaml', { today: new Date('2026-12-01T12:00:00Z') });
        if (!loaded.ok) { console.error(JSON.stringify(loaded.diagnostics)); process.exit(3); }
        buildApp(loaded.value, { outdir: process.env.OUTDIR }).app.synth();
      `;
      const run = spawnSync(process.execPath, ['-e', script], {
        encoding: 'utf8',
        env: { PATH: join(empty, 'bin'), OUTDIR: outdir, CONFIG_TEXT: `${REQUIRED_CONFIG}${GITLAB_CONFIG}storage:\n  workspaceVolumesOnDestroy: delete\n`, HOME: empty },
      });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as { stacks: Record<string, { synthesizedStackPath: string }> };
      const stacks = Object.fromEntries(Object.entries(manifest.stacks).map(([id, st]) => [id, new Synthesized(readFileSync(join(outdir, st.synthesizedStackPath), 'utf8'))]));
      expect(stacks['gitlab-workspaces'].all('terraform_data')).toHaveLength(1);
      expect(stacks['gitlab-workspaces-platform'].all('terraform_data')).toHaveLength(2);
      expect((JSON.parse(readFileSync(join(outdir, manifest.stacks['gitlab-workspaces'].synthesizedStackPath), 'utf8')) as { moved?: unknown[] }).moved?.length).toBeGreaterThan(0);
    } finally {
      rmSync(empty, { recursive: true, force: true });
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
