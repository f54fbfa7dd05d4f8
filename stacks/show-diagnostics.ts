/**
 * How the app shows the stack config's diagnostics, each once, whoever runs it.
 *
 * The cdktf CLI shows an app's output twice when the app fails: every stderr chunk live (prefixed with
 * `[ERROR]`), stdout live, and both again in its closing "cdktf encountered an error" message. Its
 * channel for an app's own errors is error annotations instead: it prints each once (`ERROR [config]:
 * ...`) and fails with one line of its own. So under the CLI (which sets
 * CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS) a refused config is synthesized as a stack `config` that holds
 * nothing but its diagnostics as annotations: `cdktf deploy` refuses it as `cdktf synth` does, and the
 * CLI removes the stacks of an earlier synth, so nothing stale is left to deploy. Run directly
 * (`node dist/stacks/main.js`), errors go to stderr and the exit status is 1.
 *
 * A good config's warnings go to stdout, shown once as they are: on stderr the CLI would mark them
 * `[ERROR]`. Warnings the stacks themselves add at synth (annotations, such as local state holding
 * secrets) the CLI prints on its own; run directly, the app prints them on stdout after the synth.
 */
import type { IConstruct } from 'constructs';
import { Diagnostic, formatDiagnostic, Result, sortDiagnostics } from '../lib/common/diagnostics';

/** The id of the stack that carries a refused config's diagnostics under the cdktf CLI. */
export const CONFIG_ERRORS_STACK_ID = 'config';

/** Whether the cdktf CLI runs the app and reads error annotations from what it synthesizes (as cdktf itself decides). */
export function runByCdktfCli(env: NodeJS.ProcessEnv): boolean {
  return env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS !== undefined;
}

/** Shows a loaded config's diagnostics (sorted) where whoever runs the app shows each once. */
export function showDiagnostics(result: Result<unknown>, env: NodeJS.ProcessEnv): void {
  const diagnostics = sortDiagnostics(result.diagnostics);
  if (result.ok) {
    process.stdout.write(diagnostics.map((d) => formatDiagnostic(d) + '\n').join(''));
  } else if (runByCdktfCli(env)) {
    synthesizeAsAnnotations(diagnostics);
  } else {
    process.stderr.write(diagnostics.map((d) => formatDiagnostic(d) + '\n').join(''));
  }
}

/** Writes a stack whose only content is the diagnostics, as annotations without stack traces. */
function synthesizeAsAnnotations(diagnostics: readonly Diagnostic[]): void {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { Annotations, App, DISABLE_STACK_TRACE_IN_METADATA, TerraformStack } = require('cdktf') as typeof import('cdktf');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const app = new App({ context: { [DISABLE_STACK_TRACE_IN_METADATA]: true } });
  const annotations = Annotations.of(new TerraformStack(app, CONFIG_ERRORS_STACK_ID));
  for (const d of diagnostics) {
    if (d.severity === 'error') annotations.addError(formatDiagnostic(d));
    else if (d.severity === 'warning') annotations.addWarning(formatDiagnostic(d));
    else annotations.addInfo(formatDiagnostic(d));
  }
  app.synth();
}

/**
 * The warning annotations the synthesized app's constructs carry, one line each (`<file>: warning: ...`,
 * `file` being the config they came from), for a run without the cdktf CLI (which prints them itself).
 */
export function stackWarnings(app: IConstruct, file: string): string[] {
  const { AnnotationMetadataEntryType } = require('cdktf') as typeof import('cdktf'); // eslint-disable-line @typescript-eslint/no-require-imports
  return app.node.findAll().flatMap((c) => c.node.metadata
    .filter((m) => m.type === AnnotationMetadataEntryType.WARN)
    .map((m) => `${file}: warning: ${String(m.data)}`));
}

/**
 * The info annotations the synthesized app's constructs carry (such as the workspace start case), one line
 * each (`<file>: note: ...`), for a run without the cdktf CLI (which prints them itself).
 */
export function stackNotes(app: IConstruct, file: string): string[] {
  const { AnnotationMetadataEntryType } = require('cdktf') as typeof import('cdktf'); // eslint-disable-line @typescript-eslint/no-require-imports
  return app.node.findAll().flatMap((c) => c.node.metadata
    .filter((m) => m.type === AnnotationMetadataEntryType.INFO)
    .map((m) => `${file}: note: ${String(m.data)}`));
}
