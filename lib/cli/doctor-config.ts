/**
 * `doctor`'s one bridge to the ready app: the stack config, read and checked by the app's own loader
 * (stacks/config: the schema's defaults, the semantic rules), and the facts of it that doctor checks
 * against, as plain data. The only module of lib/cli that imports stacks/ (test/architecture.test.ts
 * allows exactly this file); the loader is pure (no cdktf, no providers), so the bundle stays small.
 */
import type { Diagnostic, Result } from '../common/diagnostics';
import { loadConfigFile } from '../../stacks/config/load';

/** The package root (the nearest folder above a file holding package.json): where the smoke devfile is. */
export { commandConfigPath, packageRoot } from '../../stacks/config/load';
import { stackGitLabVersion } from '../../stacks/config/agent-settings';
import { configRuntime } from '../../stacks/config/runtime';
import type { DoctorFacts } from './doctor-plan';

/** Loads the config and returns what doctor needs of it, or the config's errors. */
export function loadDoctorFacts(path: string, display: string): Result<DoctorFacts> {
  const loaded = loadConfigFile(path, display);
  if (!loaded.ok) return { ok: false, diagnostics: loaded.diagnostics };
  const config = loaded.value;
  const runtime = configRuntime(config);
  const gitlab = config.gitlab;
  const facts: DoctorFacts = {
    clusterName: config.cluster.name,
    region: config.aws.region,
    storageClass: config.storage.defaultStorageClass.name,
    runtime: {
      name: runtime.name,
      ...(runtime.runtimeClass && { runtimeClass: { name: runtime.runtimeClass.name, handler: runtime.runtimeClass.handler } }),
    },
    ...(gitlab && {
      gitlab: {
        url: gitlab.url,
        version: stackGitLabVersion(gitlab),
        proxy: gitlab.proxy === 'enabled',
        ...(gitlab.dnsZone !== undefined && { dnsZone: gitlab.dnsZone }),
        ...(gitlab.dnsZone !== undefined && { sshHostName: gitlab.entryPoint.sshHostName ?? `ssh.${gitlab.dnsZone}` }),
        sshPort: gitlab.entryPoint.sshPort,
        agent: {
          name: gitlab.agent.name,
          namespace: gitlab.agent.namespace,
          replicas: gitlab.agent.replicas,
          ...(gitlab.agent.project !== undefined && { project: gitlab.agent.project }),
        },
        proxyNamespace: gitlab.workspacesProxy.namespace,
        proxyReplicas: gitlab.workspacesProxy.replicas,
      },
    }),
  };
  return { ok: true, value: facts, diagnostics: loaded.diagnostics.filter((d: Diagnostic) => d.severity !== 'error') };
}
