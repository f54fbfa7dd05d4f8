/**
 * The synth process itself (what `cdktf synth` runs): a bad config prints diagnostics and exits 1
 * with nothing written; a good one writes `stacks/<cluster name>/cdk.tf.json` and
 * `stacks/<cluster name>-platform/cdk.tf.json`, printing its warnings. (Other configs are synthesized
 * in-process by examples.test.ts and app.test.ts.)
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

const ROOT = join(__dirname, '..', '..');

function synth(configPath: string | undefined) {
  const outdir = mkdtempSync(join(tmpdir(), 'synth-'));
  const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: outdir };
  delete env.WORKSPACES_CONFIG;
  if (configPath) env.WORKSPACES_CONFIG = configPath;
  // The compiled app, as cdktf.json runs it (jest's global setup keeps dist/ up to date).
  const run = spawnSync(process.execPath, ['dist/stacks/main.js'], { cwd: ROOT, env, encoding: 'utf8' });
  return { ...run, outdir };
}

describe('the synth process', () => {
  const outdirs: string[] = [];
  afterAll(() => outdirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('refuses a bad config with compiler-style diagnostics on stderr, exit 1, no stack trace and no output', () => {
    const run = synth('test/stacks/fixtures/invalid/node-sizes.yaml');
    outdirs.push(run.outdir);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trimEnd().split('\n')).toEqual([
      'test/stacks/fixtures/invalid/node-sizes.yaml:4:18: error: nodes.workspaces.desiredSize: desiredSize 1 is outside 2..4; sizes must satisfy minSize <= desiredSize <= maxSize',
      'test/stacks/fixtures/invalid/node-sizes.yaml:7:14: error: nodes.system.minSize: minSize 5 is larger than maxSize 3; sizes must satisfy minSize <= desiredSize <= maxSize',
    ]);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(run.outdir)).toEqual([]);
  });

  it('refuses a config file that does not exist', () => {
    const run = synth('nope.yaml');
    outdirs.push(run.outdir);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('nope.yaml:1:1: error: cannot read the stack config: it does not exist; set WORKSPACES_CONFIG to a YAML config file such as examples/default/workspaces.config.yaml\n');
  });

  it('synthesizes the embedded default config into a cluster and a platform stack when WORKSPACES_CONFIG is not set', () => {
    const run = synth(undefined);
    outdirs.push(run.outdir);
    expect(run.status).toBe(0);
    // The placeholders the example asks to replace, and its local state: warnings, not errors, on stdout (the cdktf CLI
    // marks every stderr line as an error).
    expect(run.stderr).toBe('');
    expect(run.stdout.trimEnd().split('\n').map((l) => l.replace(/: warning: ([\w.[\]]+):.*/, ': warning: $1'))).toEqual([
      'examples/default/workspaces.config.yaml:37:9: warning: cluster.endpoint.publicAccessCidrs[0]',
      'examples/default/workspaces.config.yaml:41:9: warning: cluster.access.adminPrincipalArns[0]',
      'examples/default/workspaces.config.yaml:92:12: warning: gitlab.dnsZone',
      // The platform stack's own warning, after the synth: local state would hold the GitLab side's secrets.
      'examples/default/workspaces.config.yaml: warning: state.backend',
      // The platform stack's note: the start case the config is in (docs/start-time.md).
      'examples/default/workspaces.config.yaml: note: workspace start: fully cold (no headroom, images pulled on a new node): ~125 s to Running when no workspace node has room; set nodes.workspaces.headroom and nodes.workspaces.prePullImages for ~15 s (docs/start-time.md)',
    ]);
    expect(readdirSync(join(run.outdir, 'stacks')).sort()).toEqual(['gitlab-workspaces', 'gitlab-workspaces-platform']);
    const cluster = JSON.parse(readFileSync(join(run.outdir, 'stacks', 'gitlab-workspaces', 'cdk.tf.json'), 'utf8'));
    const platform = JSON.parse(readFileSync(join(run.outdir, 'stacks', 'gitlab-workspaces-platform', 'cdk.tf.json'), 'utf8'));
    expect(Object.keys(cluster.resource.aws_eks_cluster)).toHaveLength(1);
    expect(Object.values(platform.resource.helm_release).map((r) => (r as { chart: string }).chart).sort()).toEqual(['cluster-autoscaler', 'gitlab-agent', 'gitlab-workspaces-proxy']);
    // cdktf deploy '*' reads the order from the manifest.
    const manifest = JSON.parse(readFileSync(join(run.outdir, 'manifest.json'), 'utf8'));
    expect(manifest.stacks['gitlab-workspaces-platform'].dependencies).toEqual(['gitlab-workspaces']);
    expect(manifest.stacks['gitlab-workspaces'].dependencies).toEqual([]);
  });
});
