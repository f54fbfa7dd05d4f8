/**
 * The cdktf app (`cdktf.json` runs it): reads the stack config named by `WORKSPACES_CONFIG` (default
 * `examples/default/workspaces.config.yaml`) and synthesizes two stacks: the cluster stack (AWS, named
 * after the cluster) and the platform stack (Kubernetes and Helm, `<cluster>-platform`), which reads the
 * cluster stack's outputs. `cdktf deploy '*'` applies them in that order; each can be planned and
 * applied on its own. A bad config gives compiler-style diagnostics, each shown once, and neither stack:
 * under the cdktf CLI as error annotations, run directly on stderr with exit status 1 (see
 * ./show-diagnostics); warnings (such as a version out of standard support) are printed and synth goes on.
 * The providers are loaded only once the config is good, so a bad config fails fast.
 */
import type { App } from 'cdktf';
import type { WorkspacesClusterStack } from './cluster-stack';
import type { WorkspacesPlatformStack } from './platform-stack';
import { loadConfigFile, resolveConfigPath } from './config/load';
import { runByCdktfCli, showDiagnostics } from './show-diagnostics';
import { WorkspacesConfig } from './config/types';

/**
 * Loads the config the environment names and shows its diagnostics (see ./show-diagnostics: warnings of a
 * good config on stdout; errors as annotations under the cdktf CLI, else on stderr). Undefined when it has
 * errors.
 */
export function loadConfigFromEnvironment(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): WorkspacesConfig | undefined {
  const { path, display } = resolveConfigPath(env, cwd);
  const result = loadConfigFile(path, display);
  showDiagnostics(result, env);
  return result.ok ? result.value : undefined;
}

export interface WorkspacesApp {
  readonly app: App;
  /** AWS: VPC, EKS, node groups, add-ons, IAM, KMS. Named after the cluster. */
  readonly cluster: WorkspacesClusterStack;
  /**
   * Kubernetes and Helm: storage class, autoscaler, the sudo runtime, and with a `gitlab` section the agent,
   * the workspaces proxy and the AWS resources that follow it (certificate, load balancer, DNS records).
   */
  readonly platform: WorkspacesPlatformStack;
}

/** Builds the app for a checked config. `outdir` defaults to what the cdktf CLI asks for (CDKTF_OUTDIR). */
export function buildApp(config: WorkspacesConfig, outdir?: string): WorkspacesApp {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { App: CdktfApp } = require('cdktf') as typeof import('cdktf');
  const { WorkspacesClusterStack: ClusterStack } = require('./cluster-stack') as typeof import('./cluster-stack');
  const { WorkspacesPlatformStack: PlatformStack, platformStackId } = require('./platform-stack') as typeof import('./platform-stack');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const app = new CdktfApp({ outdir });
  const id = config.cluster.name;
  const cluster = new ClusterStack(app, id, config);
  const platform = new PlatformStack(app, platformStackId(id), config, cluster);
  return { app, cluster, platform };
}

function main(): number {
  const config = loadConfigFromEnvironment();
  // Under the cdktf CLI the synthesized error annotations fail the synth (a failing app would have its output shown twice).
  if (!config) return runByCdktfCli(process.env) ? 0 : 1;
  buildApp(config).app.synth();
  return 0;
}

if (require.main === module) {
  process.exitCode = main();
}
