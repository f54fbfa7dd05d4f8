/**
 * The cdktf app (`cdktf.json` runs it through scripts/cdktf-app.js): reads the stack config named by
 * `WORKSPACES_CONFIG` (default `examples/default/workspaces.config.yaml`) and synthesizes two stacks: the
 * cluster stack (AWS, named after the cluster) and the platform stack (Kubernetes and Helm,
 * `<cluster>-platform`), which reads the cluster stack's outputs. `cdktf deploy '*'` applies them in that
 * order; each can be planned and applied on its own. A bad config gives compiler-style diagnostics, each
 * shown once, and neither stack: under the cdktf CLI as error annotations, run directly on stderr with exit
 * status 1 (see ./show-diagnostics); warnings (such as a version out of standard support, or local state
 * that would hold the GitLab side's secrets) are printed and synth goes on.
 */
import { loadConfigFile, resolveConfigPath } from './config/load';
import { runByCdktfCli, showDiagnostics, stackNotes, stackWarnings } from './show-diagnostics';
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

/**
 * cdktf records where every token was created: a full stack trace per token, formatted into text, thousands
 * per synth, read only in the message of a token that fails to resolve. That formatting is a quarter to a
 * third of the synth. The app skips it for those records (plain objects, never `Error`s); errors keep
 * their stack traces, formatted as V8 does.
 */
function skipTokenCreationStacks(): void {
  Error.prepareStackTrace = (target: unknown, frames: NodeJS.CallSite[]) =>
    (target instanceof Error ? `${String(target)}${frames.map((frame) => `\n    at ${frame}`).join('')}` : '');
}

export function main(): number {
  skipTokenCreationStacks();
  const config = loadConfigFromEnvironment();
  // Under the cdktf CLI the synthesized error annotations fail the synth (a failing app would have its output shown twice).
  if (!config) return runByCdktfCli(process.env) ? 0 : 1;
  // cdktf and the providers load only now that the config is good, so a bad config fails fast.
  const { buildApp } = require('./app') as typeof import('./app'); // eslint-disable-line @typescript-eslint/no-require-imports
  const { app } = buildApp(config);
  app.synth();
  // The stacks' own warnings (local state holding secrets) and notes (the workspace start case): the cdktf CLI
  // prints them; run directly, this does.
  if (!runByCdktfCli(process.env)) {
    const file = resolveConfigPath(process.env, process.cwd()).display;
    const lines = [...stackWarnings(app, file), ...stackNotes(app, file)];
    process.stdout.write(lines.map((l) => `${l}\n`).join(''));
  }
  return 0;
}

if (require.main === module) {
  process.exitCode = main();
}
