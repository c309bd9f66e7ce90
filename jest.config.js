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
  // A test that times out cannot run on beside the next one (see the file).
  setupFilesAfterEnv: ['<rootDir>/tests/helpers/settle-timed-out-tests.ts'],
  // A bound for a hung test, not a speed check: on a busy machine (2 CPUs shared with other work) ordinary
  // database tests take tens of seconds. Suites that spawn processes or fuzz set larger bounds per test.
  testTimeout: 180_000,
  maxWorkers: 2,
  // Jest's 500 ms for a worker to exit after its last file is too short on a loaded machine: workers
  // with nothing open were force-killed and reported as leaking. A real open handle still is, after this.
  workerGracefulExitTimeout: 15_000,
  // v8 coverage (no instrumentation, so the run is barely slower); lcov for editors and CI, in coverage/ (git-ignored).
  coverageProvider: 'v8',
  collectCoverageFrom: ['src/**/*.ts', '!src/generated/**'],
  coverageReporters: ['text-summary', 'json-summary', 'lcov'],
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
