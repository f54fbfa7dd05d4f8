/**
 * The synth process itself (what `cdktf synth` runs): a bad config prints diagnostics and exits 1
 * with nothing written; a good one writes `stacks/<cluster name>/cdk.tf.json`. (Other configs are
 * synthesized in-process by examples.test.ts.)
 */
import { spawnSync } from 'child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

const ROOT = join(__dirname, '..', '..');

function synth(configPath: string | undefined) {
  const outdir = mkdtempSync(join(tmpdir(), 'synth-'));
  const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: outdir };
  delete env.WORKSPACES_CONFIG;
  if (configPath) env.WORKSPACES_CONFIG = configPath;
  const run = spawnSync(process.execPath, ['-r', './test/helpers/ts-register.js', 'stacks/main.ts'], { cwd: ROOT, env, encoding: 'utf8' });
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

  it('synthesizes the embedded default config into stacks/<cluster name>/cdk.tf.json when WORKSPACES_CONFIG is not set', () => {
    const run = synth(undefined);
    outdirs.push(run.outdir);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const file = join(run.outdir, 'stacks', 'gitlab-workspaces', 'cdk.tf.json');
    expect(existsSync(file)).toBe(true);
    expect(Object.keys(JSON.parse(readFileSync(file, 'utf8')).resource.aws_eks_cluster)).toHaveLength(1);
  });
});
