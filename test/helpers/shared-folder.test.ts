/**
 * A clone stands alone: without ../shared the suites that read it are skipped and the run says so in one
 * line; under CI=true (CI has the folder) a missing folder fails the run instead.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { checkSharedFolder } = require('../setup/shared-folder') as { checkSharedFolder(shared?: string, env?: NodeJS.ProcessEnv, write?: (t: string) => void): void };

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'shared-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the shared folder check', () => {
  it('without the folder: one note line naming what is skipped, and no failure', () => {
    const out: string[] = [];
    checkSharedFolder(join(dir, 'shared'), {}, (t) => out.push(t));
    expect(out).toHaveLength(1);
    expect(out[0].trim().split('\n')).toEqual([
      'Note: ../shared/reference/gitlab-goldens and ../shared/corpus/devfile-registry not found: the tests that compare with GitLab\'s own outputs and the public devfile corpus are skipped (they run in CI, where CI=true makes a missing folder an error).',
    ]);
  });

  it('under CI=true: a missing folder (or half of it) fails the run', () => {
    expect(() => checkSharedFolder(join(dir, 'shared'), { CI: 'true' }, () => undefined)).toThrow(/gitlab-goldens and \.\.\/shared\/corpus\/devfile-registry not found next to the repository/);
    mkdirSync(join(dir, 'shared', 'reference', 'gitlab-goldens'), { recursive: true });
    expect(() => checkSharedFolder(join(dir, 'shared'), { CI: 'true' }, () => undefined)).toThrow(/^\.\.\/shared\/corpus\/devfile-registry not found/);
  });

  it('with both parts: silent, CI or not', () => {
    mkdirSync(join(dir, 'shared', 'reference', 'gitlab-goldens'), { recursive: true });
    mkdirSync(join(dir, 'shared', 'corpus', 'devfile-registry'), { recursive: true });
    const out: string[] = [];
    checkSharedFolder(join(dir, 'shared'), { CI: 'true' }, (t) => out.push(t));
    checkSharedFolder(join(dir, 'shared'), {}, (t) => out.push(t));
    expect(out).toEqual([]);
  });
});
