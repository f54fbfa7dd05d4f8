/**
 * Devfile checking speed: devfiles validated per second in process (a ~60-line GitLab devfile, schema and
 * every rule), and the wall time of one `node bin/gitlab-workspaces.js validate` from process start.
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

/**
 * The median wall time of `node bin/gitlab-workspaces.js <command> <file with text>` over 10 runs (one
 * more first, to warm the file system cache); a failing run throws.
 */
export function cliWallTimeMs(command: string, text: string): number {
  const dir = mkdtempSync(join(tmpdir(), `${command}-bench-`));
  try {
    const file = join(dir, 'devfile.yaml');
    writeFileSync(file, text);
    const bin = join(__dirname, '..', '..', 'bin', 'gitlab-workspaces.js');
    const times: number[] = [];
    for (let i = 0; i < 11; i++) {
      const t0 = process.hrtime.bigint();
      const r = spawnSync(process.execPath, [bin, command, file], { encoding: 'utf8' });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (r.status !== 0) throw new Error(`${command} failed (exit ${r.status}): ${r.stderr}`);
      if (i > 0) times.push(ms);
    }
    return median(times);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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

  report({ name: 'CLI validate wall time (node bin/gitlab-workspaces.js, median of 10)', value: cliWallTimeMs('validate', BENCH_DEVFILE), unit: 'ms', target: 300, better: 'lower' });
}
