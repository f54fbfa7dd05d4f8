/**
 * Jest global setup: a folder for this run where `synthApp` (test/stacks/helpers.ts) keeps each config's
 * synthesized stacks, so a config that several test files synthesize (every example, the minimal config)
 * is synthesized once per run rather than once per file. Made new for every run and removed after it
 * (synth-share-teardown.ts), so nothing is reused from an earlier run or from other sources.
 */
import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

/** The variable that names the folder to the test workers (they inherit jest's environment). */
export const SYNTH_SHARE_ENV = 'GITLAB_WORKSPACES_TEST_SYNTHS';

export default function setup(): void {
  process.env[SYNTH_SHARE_ENV] = mkdtempSync(join(tmpdir(), 'synths-'));
}
