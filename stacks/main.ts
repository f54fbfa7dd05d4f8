/**
 * The cdktf app (`cdktf.json` runs it): reads the stack config named by `WORKSPACES_CONFIG` (default
 * `examples/default/workspaces.config.yaml`) and synthesizes the ready AWS stack, named after the
 * cluster. A bad config prints compiler-style diagnostics to stderr and exits 1, writing nothing.
 * cdktf and the providers are loaded only once the config is good, so a bad config fails fast.
 */
import type { App } from 'cdktf';
import { formatDiagnostic, sortDiagnostics } from '../lib/common/diagnostics';
import type { WorkspacesAwsStack } from './aws-stack';
import { loadConfigFile, resolveConfigPath } from './config/load';
import { WorkspacesConfig } from './config/types';

/** Loads the config the environment names; prints diagnostics. Undefined when it has errors. */
export function loadConfigFromEnvironment(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): WorkspacesConfig | undefined {
  const { path, display } = resolveConfigPath(env, cwd);
  const result = loadConfigFile(path, display);
  for (const d of sortDiagnostics(result.diagnostics)) process.stderr.write(formatDiagnostic(d) + '\n');
  return result.ok ? result.value : undefined;
}

/** Builds the app for a checked config. `outdir` defaults to what the cdktf CLI asks for (CDKTF_OUTDIR). */
export function buildApp(config: WorkspacesConfig, outdir?: string): { app: App; stack: WorkspacesAwsStack } {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { App: CdktfApp } = require('cdktf') as typeof import('cdktf');
  const { WorkspacesAwsStack: Stack } = require('./aws-stack') as typeof import('./aws-stack');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const app = new CdktfApp({ outdir });
  const stack = new Stack(app, config.cluster.name, config);
  return { app, stack };
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
