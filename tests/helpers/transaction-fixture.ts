/**
 * What the transaction tests share: the application stack over a fresh
 * database with a recording reporter, client and company repositories, a
 * connection outside the pool (to change rows behind a transaction's back),
 * a new salon per test, and "the pool is at rest" for waitFor.
 */
import pg from 'pg';
import { getPoolStats } from '../../src/db/pool.js';
import type { ErrorReport, ErrorReporter } from '../../src/observability/error-reporter.js';
import { createTestStack, type TestStack } from './test-stack.js';
import { TestClientRepository, TestCompanyRepository } from './test-repositories.js';

export interface TransactionFixture {
  stack: TestStack;
  clients: TestClientRepository;
  companies: TestCompanyRepository;
  outsider: pg.Client;
  /** What the database layer reported; emptied before each test by the caller. */
  reports: ErrorReport[];
  reporter: ErrorReporter;
  /** A salon of its own, so tests never see each other's rows. */
  freshCompany(): Promise<number>;
  /** No connection checked out and nobody waiting. */
  poolAtRest(): boolean;
  close(): Promise<void>;
}

/**
 * For a test file: opens the fixture before its tests, empties `reports`
 * before each, closes it after all. The returned object is filled in by
 * beforeAll, so read its fields inside tests and hooks only.
 */
export function useTransactionFixture(): TransactionFixture {
  const fixture = {} as TransactionFixture;
  beforeAll(async () => {
    Object.assign(fixture, await openTransactionFixture());
  });
  afterAll(async () => {
    await fixture.close?.();
  });
  beforeEach(() => {
    fixture.reports.length = 0;
  });
  return fixture;
}

async function openTransactionFixture(): Promise<TransactionFixture> {
  const reports: ErrorReport[] = [];
  const reporter: ErrorReporter = { report: (_error, report) => void reports.push(report) };
  const stack = await createTestStack({ reporter });
  const companies = new TestCompanyRepository(stack.db);
  const outsider = new pg.Client({ connectionString: stack.database.url });
  await outsider.connect();
  let nextCompanyId = 1;
  return {
    stack,
    clients: new TestClientRepository(stack.db, { reporter }),
    companies,
    outsider,
    reports,
    reporter,
    async freshCompany() {
      const id = nextCompanyId++;
      await companies.upsert({ id, title: `Salon ${id}` }, ['id']);
      return id;
    },
    poolAtRest() {
      const stats = getPoolStats(stack.pool);
      return stats.inUse === 0 && stats.waiting === 0;
    },
    async close() {
      await outsider.end();
      await stack.close();
    },
  };
}
