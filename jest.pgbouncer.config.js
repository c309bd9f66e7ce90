// Tests that run through a real PgBouncer (Debian's `pgbouncer`, started by the
// tests themselves): `npm run test:pgbouncer`. Same transform, database set-up
// and teardown as `npm test`; kept out of it so a machine without the package
// still passes `npm test`.
import base from './jest.config.js';

/** @type {import('jest').Config} */
export default {
  ...base,
  testMatch: ['<rootDir>/tests/pgbouncer/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  // PgBouncer and the processes behind it are few and slow to start on a loaded machine.
  testTimeout: 120_000,
  collectCoverage: false,
  coverageThreshold: undefined,
};
