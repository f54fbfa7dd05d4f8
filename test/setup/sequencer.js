/**
 * The order jest starts test files in. Jest's own puts failed files first, then the slowest of the last run
 * (from its cache), then the largest; on a clean machine (CI) it has no timings, and the files that spawn
 * processes (a packed install, the cdktf CLI, the CI template's shell jobs) are small, so they started last
 * and ran alone on one core while the other idled. These start first; jest's order decides the rest.
 */
const Sequencer = require('@jest/test-sequencer').default;

/** Slow files, slowest first (wall seconds on the two-core machine, in a full run). */
const SLOW_FIRST = [
  'test/package/import-example.test.ts',
  'test/stacks/cdktf-cli.test.ts',
  'test/ci/devfile-template.test.ts',
  'test/cli/validate-process.test.ts',
  'test/stacks/gitlab.test.ts',
  'test/ci/devfile-pinning.test.ts',
  'test/devfile/convert-property.test.ts',
  'test/gitlab/admission-policies.test.ts',
  'test/common/yaml-source.test.ts',
  'test/stacks/runtimes.test.ts',
];

class SlowFirstSequencer extends Sequencer {
  sort(tests) {
    const rank = (test) => {
      const i = SLOW_FIRST.findIndex((path) => test.path.endsWith(path));
      return i === -1 ? SLOW_FIRST.length : i;
    };
    const byJest = super.sort(tests);
    const order = new Map(byJest.map((test, i) => [test, i]));
    return [...byJest].sort((a, b) => rank(a) - rank(b) || order.get(a) - order.get(b));
  }
}

module.exports = SlowFirstSequencer;
