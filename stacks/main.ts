/**
 * The cdktf app (`cdktf.json` runs it): reads the stack config named by `WORKSPACES_CONFIG` (default
 * `examples/default/workspaces.config.yaml`) and synthesizes two stacks: the cluster stack (AWS, named
 * after the cluster) and the platform stack (Kubernetes and Helm, `<cluster>-platform`), which reads the
 * cluster stack's outputs. `cdktf deploy '*'` applies them in that order; each can be planned and
 * applied on its own. A bad config prints compiler-style diagnostics to stderr and exits 1, writing
 * nothing; warnings (such as a version out of standard support) are printed and synth goes on.
 */
import { formatDiagnostic, sortDiagnostics } from '../lib/common/diagnostics';
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

export function main(): number {
  const config = loadConfigFromEnvironment();
  if (!config) return 1;
  // cdktf and the providers load only now that the config is good, so a bad config fails fast.
  const { buildApp } = require('./app') as typeof import('./app'); // eslint-disable-line @typescript-eslint/no-require-imports
  buildApp(config).app.synth();
  return 0;
}

if (require.main === module) {
  process.exitCode = main();
}
