/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Type checking is done once by `tsc` in `npm test`; with isolatedModules (tsconfig) ts-jest only transpiles.
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  // cdktf's token creation stacks in V8's plain format instead of jest's source-mapped one (see the file).
  setupFiles: ['<rootDir>/test/setup/stack-traces.ts'],
  // A folder for the run where each config's synth is kept for every test file that asks for it.
  globalSetup: '<rootDir>/test/setup/synth-share.ts',
  globalTeardown: '<rootDir>/test/setup/synth-share-teardown.ts',
  testTimeout: 60000,
  // Two workers on two cores (jest's default is cores - 1): a test file's time is mostly CPU, and the
  // process spawns and file reads of the others overlap.
  maxWorkers: 2,
};
