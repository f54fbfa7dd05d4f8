/**
 * Jest's global setup, once per run before any test file: the shared folder's check (./shared-folder.js),
 * dist/ brought up to date for the tests that run the built code (./build.ts), and the folder where
 * configs' synths are shared between test files (./synth-share.ts).
 */
import { ensureBuilt } from './build';
import shareSynths from './synth-share';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { checkSharedFolder } = require('./shared-folder') as { checkSharedFolder(): void };

export default function globalSetup(): void {
  checkSharedFolder();
  ensureBuilt();
  shareSynths();
}
