/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Says once when ../shared is absent (its suites are skipped), and fails under CI=true.
  globalSetup: '<rootDir>/test/global-setup.js',
  // Type checking is done once by `tsc` in `npm test`; with isolatedModules (tsconfig) ts-jest only transpiles.
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  // The package's own name (examples import by it, as a consumer does) is its source here (tsconfig paths).
  moduleNameMapper: {
    '^cdktf-gitlab-workspaces$': '<rootDir>/lib/index.ts',
    '^cdktf-gitlab-workspaces/(devfile|agent-config|workspace)$': '<rootDir>/lib/$1/index.ts',
  },
  testTimeout: 60000,
};
