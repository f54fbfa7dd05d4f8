/**
 * Convert speed: registry-style devfiles converted per second in process (every step, and the check of
 * the result against GitLab's rules), and the wall time of one `node bin/gitlab-workspaces.js convert`.
 */
import { convertDevfile } from '../lib/devfile/convert';
import { cliWallTimeMs } from './devfile.bench';
import type { Report } from './run';

/** A devfile-registry stack as odo and Che read it: every kind of change convert makes to such files. */
const REGISTRY_DEVFILE = `schemaVersion: 2.2.2
metadata:
  name: nodejs
  version: 2.2.1
starterProjects:
  - name: nodejs-starter
    git:
      remotes:
        origin: https://github.com/devfile-samples/nodejs-ex.git
components:
  - name: runtime
    container:
      image: registry.access.redhat.com/ubi8/nodejs-18:1-32
      args: ['tail', '-f', '/dev/null']
      memoryLimit: 1024Mi
      mountSources: true
      endpoints:
        - name: http-node
          targetPort: 3000
        - name: debug
          targetPort: 5858
          exposure: none
commands:
  - id: install
    exec:
      component: runtime
      commandLine: npm install
      workingDir: \${PROJECT_SOURCE}
      group: {kind: build, isDefault: true}
  - id: run
    exec:
      component: runtime
      commandLine: npm start
      workingDir: \${PROJECT_SOURCE}
      hotReloadCapable: true
      group: {kind: run, isDefault: true}
  - id: init
    composite:
      commands: [install, run]
events:
  postStart: [init]
`;

export function run(report: Report): void {
  const first = convertDevfile(REGISTRY_DEVFILE, { file: 'bench.yaml' });
  if (!first.ok || !first.changed) throw new Error(`the bench devfile does not convert: ${first.diagnostics.map((d) => d.message).join('; ')}`);
  for (let i = 0; i < 50; i++) convertDevfile(REGISTRY_DEVFILE, { file: 'bench.yaml' }); // warm-up
  const BATCH = 20;
  let best = 0;
  const end = Date.now() + 2000;
  while (Date.now() < end) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < BATCH; i++) convertDevfile(REGISTRY_DEVFILE, { file: 'bench.yaml' });
    best = Math.max(best, (BATCH / (Number(process.hrtime.bigint() - t0) / 1e6)) * 1000);
  }
  report({ name: 'devfile convert in process (registry-style devfile, best batch of 20)', value: best, unit: 'devfiles/s', target: 100, better: 'higher' });

  report({ name: 'CLI convert wall time (node bin/gitlab-workspaces.js, median of 10)', value: cliWallTimeMs('convert', REGISTRY_DEVFILE), unit: 'ms', target: 400, better: 'lower' });
}
