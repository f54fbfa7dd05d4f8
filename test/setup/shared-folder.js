/**
 * The shared folder (`../shared`: GitLab's expected outputs, the devfile corpus) is not part of the project:
 * without it the suites that read it are skipped (test/helpers/shared.ts), and this says so in one line;
 * under CI=true (CI has the folder) its absence fails the run. Called once per run by ./global-setup.ts.
 */
const { existsSync } = require('fs');
const { resolve } = require('path');

/**
 * @param {string} [shared] the shared folder (default: ../shared next to the repository)
 * @param {NodeJS.ProcessEnv} [env]
 * @param {(text: string) => void} [write] where the note goes (default: stderr)
 */
function checkSharedFolder(shared = resolve(__dirname, '..', '..', '..', 'shared'), env = process.env, write = (t) => process.stderr.write(t)) {
  const missing = ['reference/gitlab-goldens', 'corpus/devfile-registry'].filter((p) => !existsSync(resolve(shared, p)));
  if (missing.length === 0) return;
  const where = missing.map((p) => `../shared/${p}`).join(' and ');
  if (env.CI === 'true') {
    throw new Error(`${where} not found next to the repository (${shared}): CI must check the repository out beside the shared folder, so the GitLab-fidelity tests run`);
  }
  write(`\nNote: ${where} not found: the tests that compare with GitLab's own outputs and the public devfile corpus are skipped (they run in CI, where CI=true makes a missing folder an error).\n`);
}

module.exports = { checkSharedFolder };
