/**
 * The cdktf app (`cdktf.json` runs it): reads the stack config named by `WORKSPACES_CONFIG` (default
 * `examples/default/workspaces.config.yaml`) and synthesizes two stacks: the cluster stack (AWS, named
 * after the cluster) and the platform stack (Kubernetes and Helm, `<cluster>-platform`), which reads the
 * cluster stack's outputs. `cdktf deploy '*'` applies them in that order; each can be planned and
 * applied on its own. A bad config prints compiler-style diagnostics to stderr and exits 1, writing
 * nothing; warnings (such as a version out of standard support) are printed and synth goes on.
 * cdktf and the providers are loaded only once the config is good, so a bad config fails fast.
 */
import type { App } from 'cdktf';
import { formatDiagnostic, sortDiagnostics } from '../lib/common/diagnostics';
import type { WorkspacesClusterStack } from './cluster-stack';
import type { WorkspacesPlatformStack } from './platform-stack';
import { loadConfigFile, resolveConfigPath } from './config/load';
import { WorkspacesConfig } from './config/types';

/**
 * Loads the config the environment names and prints its diagnostics. Undefined when it has errors.
 * Errors go to stderr. When the config is good, its warnings go to stdout: the cdktf CLI shows an app's
 * stdout as it is, but prefixes every stderr line with `[ERROR]`, which would make a warning read as a
 * failed synth.
 */
export function loadConfigFromEnvironment(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): WorkspacesConfig | undefined {
  const { path, display } = resolveConfigPath(env, cwd);
  const result = loadConfigFile(path, display);
  const out = result.ok ? process.stdout : process.stderr;
  for (const d of sortDiagnostics(result.diagnostics)) out.write(formatDiagnostic(d) + '\n');
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
  if (!config) return 1;
  buildApp(config).app.synth();
  return 0;
}

if (require.main === module) {
  process.exitCode = main();
}
