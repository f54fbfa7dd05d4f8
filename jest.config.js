/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Type checking is done once by `tsc` in `npm test`; jest only strips the types, with swc (a cold run
  // transpiled every file with TypeScript, a quarter of its CPU). As tsc emits for tsconfig.json: ES2022,
  // CommonJS, class fields defined (useDefineForClassFields, tsc's default from ES2022).
  transform: {
    '^.+\\.ts$': ['@swc/jest', {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022', transform: { useDefineForClassFields: true } },
      module: { type: 'commonjs' },
      sourceMaps: 'inline',
    }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  // The package's own name (examples import by it, as a consumer does) is its source here (tsconfig paths).
  moduleNameMapper: {
    '^cdktf-gitlab-workspaces$': '<rootDir>/lib/index.ts',
    '^cdktf-gitlab-workspaces/(devfile|agent-config|workspace)$': '<rootDir>/lib/$1/index.ts',
  },
  // cdktf's token creation stacks in V8's plain format instead of jest's source-mapped one (see the file).
  setupFiles: ['<rootDir>/test/setup/stack-traces.ts'],
  // Once per run: the ../shared check (one line when it is absent, an error under CI=true), and a folder
  // where each config's synth is kept for every test file that asks for it.
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/synth-share-teardown.ts',
  // The files that spawn processes start first (see the file).
  testSequencer: '<rootDir>/test/setup/sequencer.js',
  testTimeout: 60000,
  // Two workers on two cores (jest's default is cores - 1): a test file's time is mostly CPU, and the
  // process spawns and file reads of the others overlap.
  maxWorkers: 2,
};
