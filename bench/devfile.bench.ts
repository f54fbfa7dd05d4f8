/**
 * Devfile checking speed: devfiles validated per second in process (a ~60-line GitLab devfile, schema and
 * every rule), and the wall time of one `node bin/gitlab-workspaces.js validate` from process start, as a
 * ratio to `node -e 0` measured in turns with it (issue 14: within 1.5x).
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { loadDevfile } from '../lib/devfile';
import type { Report } from './run';

/** A realistic GitLab devfile of 60 lines: two containers, a volume, endpoints, commands, events, variables. */
export const BENCH_DEVFILE = `schemaVersion: 2.2.0
metadata:
  name: web-app
  displayName: Web application
components:
  - name: tooling
    attributes:
      gl/inject-editor: true
    container:
      image: registry.gitlab.com/gitlab-org/workspaces/gitlab-workspaces-docs/ubuntu:22.04
      memoryRequest: 1Gi
      memoryLimit: 4Gi
      cpuRequest: 500m
      cpuLimit: "2"
      env:
        - name: NODE_ENV
          value: development
        - name: API_URL
          value: "http://localhost:{{api-port}}"
      endpoints:
        - name: web
          targetPort: 3000
          exposure: public
          protocol: https
        - name: api
          targetPort: 8080
          exposure: internal
      volumeMounts:
        - name: cache
          path: /home/user/.cache
  - name: database
    container:
      image: postgres:16
      env:
        - name: POSTGRES_PASSWORD
          value: "{{db-password}}"
      endpoints:
        - name: postgres
          targetPort: 5432
          exposure: none
  - name: cache
    volume:
      size: 2Gi
commands:
  - id: install
    exec:
      component: tooling
      commandLine: npm ci
      workingDir: /projects/web-app
  - id: migrate
    apply:
      component: database
events:
  preStart:
    - migrate
  postStart:
    - install
variables:
  api-port: "8080"
  db-password: postgres
`;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const BIN = join(__dirname, '..', '..', 'bin', 'gitlab-workspaces.js');

/** Wall time of one process, from spawn to exit; a failing run throws. */
function spawnMs(args: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed (exit ${r.status}): ${r.stderr}`);
  return ms;
}

/**
 * Median wall times of processes run in turns (a, b, c, a, b, c, ...), after one warm-up round for the
 * file system cache: the commands share whatever else the machine is doing, so their ratio is fair.
 */
export function alternatingMedians(commands: readonly string[][], runs: number): number[] {
  const times = commands.map(() => [] as number[]);
  for (let i = 0; i <= runs; i++) {
    commands.forEach((args, k) => {
      const ms = spawnMs(args);
      if (i > 0) times[k].push(ms);
    });
  }
  return times.map(median);
}

/** Runs `fn` with a temporary file holding `text`. */
export function withTempFile<T>(name: string, text: string, fn: (file: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'bench-'));
  try {
    const file = join(dir, name);
    writeFileSync(file, text);
    return fn(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The median wall time of `node bin/gitlab-workspaces.js <command> <file with text>` over 10 runs. */
export function cliWallTimeMs(command: string, text: string): number {
  return withTempFile('devfile.yaml', text, (file) => alternatingMedians([[BIN, command, file]], 10)[0]);
}

export function run(report: Report): void {
  const first = loadDevfile(BENCH_DEVFILE, { file: 'bench.yaml' });
  if (!first.ok) throw new Error(`the bench devfile is invalid: ${first.diagnostics.map((d) => d.message).join('; ')}`);
  for (let i = 0; i < 200; i++) loadDevfile(BENCH_DEVFILE, { file: 'bench.yaml' }); // warm-up
  // Batches of 50 for about 2 s; the fastest batch is reported (like Python's timeit), because the
  // machines this runs on are shared and other processes only ever make a batch slower.
  const BATCH = 50;
  let best = 0;
  const end = Date.now() + 2000;
  while (Date.now() < end) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < BATCH; i++) loadDevfile(BENCH_DEVFILE, { file: 'bench.yaml' });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    best = Math.max(best, (BATCH / ms) * 1000);
  }
  report({ name: 'devfile validate in process (60-line devfile, best batch of 50)', value: best, unit: 'devfiles/s', target: 1000, better: 'higher' });

  // Start-up (issue 14): the whole command against a bare Node start, measured in turns in one run.
  const RUNS = 21;
  const [cli, bare] = withTempFile('devfile.yaml', BENCH_DEVFILE, (file) => alternatingMedians([[BIN, 'validate', file], ['-e', '0']], RUNS));
  report({ name: 'CLI validate wall time (node bin/gitlab-workspaces.js, 60-line devfile, median of 21)', value: cli, unit: 'ms', target: 1.5 * bare, better: 'lower' });
  report({ name: 'node -e 0 wall time (same runs, in turns with the CLI)', value: bare, unit: 'ms', target: bare, better: 'lower' });
  report({ name: 'CLI validate / node -e 0 wall time ratio (cli-validate-vs-node)', value: cli / bare, unit: 'x', target: 1.5, better: 'lower' });
}
