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
  testTimeout: 60000,
};
