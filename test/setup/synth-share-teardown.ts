/** Jest global teardown: removes the run's folder of shared synths (synth-share.ts). */
import { rmSync } from 'fs';
import { SYNTH_SHARE_ENV } from './synth-share';

export default function teardown(): void {
  const dir = process.env[SYNTH_SHARE_ENV];
  if (dir) rmSync(dir, { recursive: true, force: true });
  delete process.env[SYNTH_SHARE_ENV];
}
