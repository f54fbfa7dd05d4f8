/**
 * `gitlab-workspaces capacity`: the table, the binding limit and the idle cost in text and JSON, the
 * production example's 2,000, refused configs, exit codes, and that it loads no cdktf.
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { CAPACITY_USAGE, CapacityOutput, runCapacity } from '../../lib/cli/capacity';
import { USAGE } from '../../lib/cli/main';
import { GITLAB_CONFIG, REQUIRED_CLUSTER_CONFIG, REQUIRED_CONFIG } from '../stacks/helpers';

const REPO = join(__dirname, '..', '..');
const example = (name: string) => join(REPO, 'examples', name, 'workspaces.config.yaml');

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCapacity(args, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; } });
  return { code, stdout, stderr };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'capacity-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function config(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('gitlab-workspaces capacity', () => {
  it('prints the default config\'s table, binding limit and idle cost', async () => {
    const r = await run(example('default'));
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning/); // the default config's placeholders
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/default\/workspaces\.config\.yaml: 225 concurrent default-sized workspaces; binding limit: cpu$/);
    expect(r.stdout).toMatch(/^cpu +15 +75 x 3 +225 +allocatable CPU 7910m - DaemonSets 190m, 500m each$/m);
    expect(r.stdout).toMatch(/^ebs-attachments +26 +130 x 3 +390 /m);
    expect(r.stdout).toMatch(/^workspaces-quota +- +- +unlimited /m);
    expect(r.stdout).toContain('Idle cost (eu-west-1, zero workspaces running, prices as of ');
    expect(r.stdout).toMatch(/^EKS control plane +\$73\.00 /m);
    expect(r.stdout).toContain('network.natGateways: single');
    expect(r.stdout).toMatch(/Per running workspace: \$0\.0\d{3} per hour/);
  });

  it('proves the production example holds 2,000 default-sized workspaces (JSON)', async () => {
    const r = await run(example('production'), '--format', 'json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as CapacityOutput;
    expect(out.maxWorkspaces).toBe(2000);
    expect(out.bindingLimit).toBe('workspaces-quota');
    expect(out.limits.map((l) => [l.name, l.workspaces])).toEqual([
      ['cpu', 2046], ['memory', 4092], ['pods', 6930], ['ebs-attachments', 2046], ['node-group-maxima', 2046], ['subnet-ips', 4557], ['workspaces-quota', 2000],
    ]);
    expect(out.node).toMatchObject({ instanceType: 'm7i.4xlarge', workspaces: 31, maxPods: 110 });
    expect(out.cost).toMatchObject({ region: 'eu-west-1', currency: 'USD', idleMonthly: expect.any(Number), perWorkspaceHour: expect.any(Number) });
  });

  it('prints the table and fails when workspaces_quota is more than the stack holds', async () => {
    const file = config('quota.yaml', `${REQUIRED_CONFIG}${GITLAB_CONFIG}  remote_development:\n    workspaces_quota: 1000\n`);
    const r = await run(file);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/quota\.yaml:\d+:\d+: error: gitlab\.remote_development\.workspaces_quota: workspaces_quota 1000 is more than the stack can hold: 225 [^\n]*bound by cpu/);
    expect(r.stdout).toMatch(/: 225 concurrent default-sized workspaces; binding limit: cpu/);
  });

  it('fails on other config errors with no figures, and on instance types the tables do not know', async () => {
    const broken = await run(config('broken.yaml', `${REQUIRED_CONFIG}nodes:\n  workspaces:\n    maxSize: -1\n`));
    expect(broken).toMatchObject({ code: 1, stdout: '' });
    expect(broken.stderr).toMatch(/has errors \(above\); no figures/);
    const unknown = await run(config('unknown.yaml', `${REQUIRED_CONFIG}nodes:\n  workspaces:\n    instanceTypes: [x2iezn.2xlarge]\n`));
    expect(unknown).toMatchObject({ code: 1, stdout: '' });
    expect(unknown.stderr).toMatch(/no capacity figures for instance type x2iezn\.2xlarge/);
    expect(await run(join(dir, 'missing.yaml'))).toMatchObject({ code: 1, stdout: '' });
  });

  it('says when the region has no prices, and still prints the capacity', async () => {
    const r = await run(config('region.yaml', `${REQUIRED_CLUSTER_CONFIG}network:\n  availabilityZones: [ap-south-1a, ap-south-1b, ap-south-1c]\naws:\n  region: ap-south-1\n`), '--format', 'json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as CapacityOutput;
    expect(out.maxWorkspaces).toBe(225);
    expect(out.cost).toEqual({ unavailable: expect.stringMatching(/^no prices for region ap-south-1 /) });
    const text = await run(join(dir, 'region.yaml'));
    expect(text.stdout).toMatch(/^Cost: no prices for region ap-south-1 /m);
  });

  it('takes the config from WORKSPACES_CONFIG, and refuses bad usage with exit 2', async () => {
    const before = process.env.WORKSPACES_CONFIG;
    process.env.WORKSPACES_CONFIG = example('production');
    try {
      expect((await run()).stdout).toMatch(/production\/workspaces\.config\.yaml: 2,000 concurrent/);
    } finally {
      if (before === undefined) delete process.env.WORKSPACES_CONFIG;
      else process.env.WORKSPACES_CONFIG = before;
    }
    expect(await run('--format', 'yaml')).toMatchObject({ code: 2, stderr: expect.stringContaining('--format must be one of: text, json') });
    expect(await run('a.yaml', 'b.yaml')).toMatchObject({ code: 2 });
    expect(await run('--bogus')).toMatchObject({ code: 2 });
    expect(await run('--help')).toEqual({ code: 0, stdout: CAPACITY_USAGE, stderr: '' });
    expect(USAGE).toContain('capacity [config]');
  });

  it('is a subcommand of main, and loads no cdktf, constructs, provider or workspace renderer', async () => {
    const probe = `require(${JSON.stringify(join(REPO, 'dist', 'lib', 'cli', 'main.js'))}).main(['capacity', ${JSON.stringify(example('default'))}, '--format', 'json'])
      .then((code) => { const bad = Object.keys(require.cache).filter((m) => /node_modules\\/(cdktf|constructs|@cdktf)\\/|dist\\/lib\\/workspace\\/render\\.js/.test(m)); process.stderr.write('\\n' + code + JSON.stringify(bad)); });`;
    const child = spawnSync(process.execPath, ['-e', probe], { cwd: REPO, encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect(child.stderr.trim().split('\n').pop()).toBe('0[]');
    expect(JSON.parse(child.stdout).maxWorkspaces).toBe(225);
  });
});
