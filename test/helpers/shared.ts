/**
 * The shared folder next to the repository (`../shared`): GitLab's own expected outputs and devfile
 * fixtures (`reference/gitlab-goldens`) and the public devfile registry corpus (`corpus/devfile-registry`).
 * It is not part of the project: a user's clone has no `../shared`, and the tests that read it are skipped
 * there (test/setup/shared-folder.js prints one line saying so). CI has it, and with CI=true a missing folder
 * fails the run, so CI still proves GitLab fidelity.
 */
import { existsSync } from 'fs';
import { resolve } from 'path';

export const SHARED_DIR = resolve(__dirname, '..', '..', '..', 'shared');
export const GOLDENS_DIR = resolve(SHARED_DIR, 'reference', 'gitlab-goldens');
export const CORPUS_DIR = resolve(SHARED_DIR, 'corpus', 'devfile-registry');

/** Whether GitLab's expected outputs are there. */
export const GOLDENS_AVAILABLE = existsSync(GOLDENS_DIR);
/** Whether the devfile registry corpus is there. */
export const CORPUS_AVAILABLE = existsSync(CORPUS_DIR);

/**
 * `describe` when the folder is there; otherwise a skipped suite of the same name with one skipped test
 * saying what it needs, whose body never runs (a body reads the folder while jest collects tests).
 */
function describeIf(available: boolean, needs: string): jest.Describe {
  if (available) return describe;
  const skipped = (name: unknown) => describe.skip(String(name), () => {
    it.skip(`needs ${needs}`, () => undefined);
  });
  const each = () => (name: unknown) => skipped(name);
  return Object.assign((name: unknown) => skipped(name), { each, skip: describe.skip, only: describe.only }) as unknown as jest.Describe;
}

/** `describe` for tests that read GitLab's expected outputs: skipped when `../shared` is absent. */
export const describeWithGoldens: jest.Describe = describeIf(GOLDENS_AVAILABLE, '../shared/reference/gitlab-goldens');
/** `describe` for tests that read the devfile registry corpus: skipped when `../shared` is absent. */
export const describeWithCorpus: jest.Describe = describeIf(CORPUS_AVAILABLE, '../shared/corpus/devfile-registry');
