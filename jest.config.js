// Jest 30, ESM (NODE_OPTIONS=--experimental-vm-modules via `npm test`), TypeScript through @swc/jest.
const integration = process.env.RUN_INTEGRATION_TESTS !== '0';
// A run of chosen files (`npm test -- tests/x`) cannot meet whole-folder thresholds; only full runs enforce them.
const subsetRun = process.argv.slice(2).some((arg) => !arg.startsWith('-'));
const enforceCoverage = integration && !subsetRun;

/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }],
  },
  // TypeScript's ".js" import suffixes point at .ts files; "x.json.js" modules (libphonenumber-js's metadata) are real JS, not JSON.
  moduleNameMapper: { '^(\\.{1,2}/.*(?<!\\.json))\\.js$': '$1' },
  testMatch: ['<rootDir>/tests/**/*.test.ts'],
  // tests/pgbouncer/ needs Debian's pgbouncer: its own script (`npm run test:pgbouncer`, jest.pgbouncer.config.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/tests/pgbouncer/', ...(integration ? [] : ['<rootDir>/tests/integration/'])],
  globalSetup: '<rootDir>/tests/helpers/global-setup.mjs',
  globalTeardown: '<rootDir>/tests/helpers/global-teardown.mjs',
  testTimeout: 60_000,
  maxWorkers: 2,
  coverageProvider: 'v8',
  collectCoverageFrom: ['src/**/*.ts', '!src/generated/**'],
  coverageReporters: ['text-summary', 'json-summary'],
  // Repositories and the data layer are only meaningfully exercised against the real database (integration tests).
  collectCoverage: integration,
  ...(enforceCoverage
    ? {
        coverageThreshold: {
          './src/repositories/': { lines: 80, branches: 80 },
          './src/data-layer/': { lines: 80, branches: 80 },
        },
      }
    : {}),
};
