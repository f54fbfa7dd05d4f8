/**
 * `cdktf synth` through the cdktf CLI, as a user runs it: the ready app with the default config (from this
 * repository, whose cdktf.json runs scripts/cdktf-app.js: an up-to-date build is not rebuilt) against a
 * trivial cdktf TypeScript app (one stack, the AWS provider and one bucket, compiled ahead of time like
 * ours) in a project of its own, through the same CLI binary. Median of alternating runs, wall time of the
 * whole CLI process. Target (issue 14): within 1.3x.
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import type { Report } from './run';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'node_modules', 'cdktf-cli', 'bundle', 'bin', 'cdktf');
const RUNS = 5;

const TRIVIAL_APP_TS = `
import { App, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
const app = new App();
const stack = new TerraformStack(app, 'trivial');
new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
new S3Bucket(stack, 'bucket', { bucketPrefix: 'trivial-' });
app.synth();
`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function timeSynth(cwd: string, outdir: string): number {
  const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: '1', CI: '1' };
  delete env.WORKSPACES_CONFIG;
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, [CLI, 'synth', '--output', outdir], { cwd, env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (run.status !== 0) throw new Error(`cdktf synth failed in ${cwd}: ${run.stderr || run.stdout}`);
  return ms;
}

/** A trivial cdktf TypeScript project beside this one, compiled, sharing this repository's node_modules. */
function trivialProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bench-trivial-cdktf-'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require('typescript') as typeof import('typescript');
  writeFileSync(join(dir, 'main.js'), ts.transpileModule(TRIVIAL_APP_TS, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText);
  writeFileSync(join(dir, 'cdktf.json'), JSON.stringify({ language: 'typescript', app: 'node main.js', projectId: 'bench-trivial', sendCrashReports: 'false', terraformProviders: [], terraformModules: [] }));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'bench-trivial', private: true }));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

export async function run(report: Report): Promise<void> {
  const trivial = trivialProject();
  const out = mkdtempSync(join(tmpdir(), 'bench-cdktf-out-'));
  const stackTimes: number[] = [];
  const trivialTimes: number[] = [];
  try {
    // Warm the file cache, and let the ready app build itself once if its sources changed.
    timeSynth(ROOT, join(out, 'stack'));
    timeSynth(trivial, join(out, 'trivial'));
    for (let i = 0; i < RUNS; i++) {
      stackTimes.push(timeSynth(ROOT, join(out, 'stack')));
      trivialTimes.push(timeSynth(trivial, join(out, 'trivial')));
    }
  } finally {
    rmSync(trivial, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  }
  const stack = median(stackTimes);
  const trivialMs = median(trivialTimes);
  report({ name: 'cdktf synth through the CLI, default config', value: stack, unit: 'ms', target: 1.3 * trivialMs, better: 'lower' });
  report({ name: 'cdktf synth through the CLI, trivial TypeScript app', value: trivialMs, unit: 'ms', target: trivialMs, better: 'lower' });
  report({ name: 'cdktf synth ratio through the CLI, default config / trivial app', value: stack / trivialMs, unit: 'x', target: 1.3, better: 'lower' });
}
