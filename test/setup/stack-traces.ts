/**
 * Jest setup (every test file): cdktf records where each token was created, a full stack trace taken with
 * `Error.captureStackTrace` on a plain object, thousands per synth, used only in the text of a token
 * resolution error ("Object creation stack"). Under jest every one of those traces went through jest's
 * source-map formatter frame by frame: 40% of a two-stack synth's CPU (540 -> 330 ms a synth). Plain
 * objects are not formatted here at all (formatting them in V8's plain format still cost a quarter of a
 * synth); real errors, which are always `Error`s, keep jest's source-mapped stacks.
 */
import { AssertionError } from 'assert';

/** `Error` of the realm jest runs in (not the test file's sandbox), where jest installs its formatter. */
const jestRealmError = Object.getPrototypeOf(AssertionError) as ErrorConstructor;

function plainFormat(header: string, frames: NodeJS.CallSite[]): string {
  return header + frames.map((frame) => `\n    at ${frame}`).join('');
}

Error.prepareStackTrace = (target: unknown, frames: NodeJS.CallSite[]) => {
  if (target instanceof Error) return jestRealmError.prepareStackTrace?.(target, frames) ?? plainFormat(String(target), frames);
  // Token creation records: not formatted at all (cdktf then keeps an empty creation stack), as the app
  // itself does (stacks/main.ts); a token that fails to resolve still says which token and where it is used.
  return '';
};
