/**
 * Synth of the ready AWS stack with the default config, against a trivial one-resource cdktf app in
 * the same run. Both are measured as the app process alone (what `cdktf synth` runs, without the
 * CLI): `node` start to exit, writing cdk.tf.json to a temporary directory. Median of several
 * alternating runs. Also the in-process synth (construct tree + `app.synth()`, modules already
 * loaded), which isolates the stack's own cost from Node and module start-up.
 */
import { spawnSync } from 'child_process';
import { existsSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import type { Report } from './run';

const ROOT = join(__dirname, '..', '..');
const RUNS = 7;

const TRIVIAL_APP = `
const { App, TerraformStack } = require('cdktf');
const { AwsProvider } = require('@cdktf/provider-aws/lib/provider');
const { S3Bucket } = require('@cdktf/provider-aws/lib/s3-bucket');
const app = new App();
const stack = new TerraformStack(app, 'trivial');
new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
new S3Bucket(stack, 'bucket', { bucketPrefix: 'trivial-' });
app.synth();
`;

function timeProcess(args: string[], outdir: string): number {
  const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: outdir };
  delete env.WORKSPACES_CONFIG;
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, args, { cwd: ROOT, env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (run.status !== 0) throw new Error(`synth failed (${args.join(' ')}): ${run.stderr}`);
  return ms;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function inProcessMs(build: (outdir: string) => { synth(): void }, runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const outdir = mkdtempSync(join(tmpdir(), 'bench-inproc-'));
    const start = process.hrtime.bigint();
    build(outdir).synth();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    rmSync(outdir, { recursive: true, force: true });
  }
  return median(times);
}

export async function run(report: Report): Promise<void> {
  const main = join(ROOT, 'dist', 'stacks', 'main.js');
  if (!existsSync(main)) throw new Error('dist/stacks/main.js is missing: run `npm run build` first');

  const stackTimes: number[] = [];
  const trivialTimes: number[] = [];
  const outdir = mkdtempSync(join(tmpdir(), 'bench-synth-'));
  try {
    timeProcess([main], outdir); // warm the file cache once
    timeProcess(['-e', TRIVIAL_APP], outdir);
    for (let i = 0; i < RUNS; i++) {
      stackTimes.push(timeProcess([main], outdir));
      trivialTimes.push(timeProcess(['-e', TRIVIAL_APP], outdir));
    }
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
  const stack = median(stackTimes);
  const trivial = median(trivialTimes);
  report({ name: 'stack synth, default config (app process, node start to exit)', value: stack, unit: 'ms', target: 3 * trivial, better: 'lower' });
  report({ name: 'stack synth, trivial one-resource cdktf app (app process)', value: trivial, unit: 'ms', target: trivial, better: 'lower' });
  report({ name: 'stack synth ratio, default stack / trivial app (app process)', value: stack / trivial, unit: 'x', target: 3, better: 'lower' });

  // In-process: modules loaded, construct tree + synth only.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { App, TerraformStack } = require('cdktf') as typeof import('cdktf');
  const { AwsProvider } = require('@cdktf/provider-aws/lib/provider') as typeof import('@cdktf/provider-aws/lib/provider');
  const { S3Bucket } = require('@cdktf/provider-aws/lib/s3-bucket') as typeof import('@cdktf/provider-aws/lib/s3-bucket');
  const { buildApp } = require('../stacks/app') as typeof import('../stacks/app');
  const { loadConfigFile, resolveConfigPath } = require('../stacks/config/load') as typeof import('../stacks/config/load');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const loaded = loadConfigFile(resolveConfigPath({}, ROOT).path);
  if (!loaded.ok) throw new Error('the default config does not load');
  const config = loaded.value;
  const stackIn = inProcessMs((dir) => buildApp(config, { outdir: dir }).app, RUNS * 2);
  const trivialIn = inProcessMs((dir) => {
    const app = new App({ outdir: dir });
    const st = new TerraformStack(app, 'trivial');
    new AwsProvider(st, 'aws', { region: 'eu-west-1' });
    new S3Bucket(st, 'bucket', { bucketPrefix: 'trivial-' });
    return app;
  }, RUNS * 2);
  // The stack has ~100 blocks against the trivial app's 2, so no 3x target here: the budget is
  // what keeps `cdktf synth` feeling instant (the process numbers above are what the issue targets).
  report({ name: 'stack synth, default config (in-process: construct tree + synth, modules loaded)', value: stackIn, unit: 'ms', target: 500, better: 'lower' });
  report({ name: 'stack synth, trivial one-resource app (in-process, for scale)', value: trivialIn, unit: 'ms', target: trivialIn, better: 'lower' });
}
