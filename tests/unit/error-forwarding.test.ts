/**
 * The error-forwarding wrapper ("Prisma middleware") and the error mapper
 * behind it, over a mocked pg.Pool: what a repository's caller sees, and what
 * Sentry is sent, for each kind of driver failure. No database.
 */
import { mockDeep, mockReset } from 'jest-mock-extended';
import type pg from 'pg';
import { createDbClient } from '../../src/db/prisma-client.js';
import { ConnectionLostError, PoolExhaustedError, TimeoutError, UniqueViolationError } from '../../src/db/errors.js';
import { silentLogger } from '../../src/observability/logger.js';
import { withReportingOwner, type ErrorReporter } from '../../src/observability/error-reporter.js';
import { TestClientRepository, phoneFor } from '../helpers/test-repositories.js';

const pool = mockDeep<pg.Pool>();
const reporter = mockDeep<ErrorReporter>();
const db = createDbClient(pool, { logger: silentLogger, reporter, slowQueryMs: 60_000 });
const clients = new TestClientRepository(db);

/** An error shaped as node-postgres throws it for a server-side failure. */
const pgError = (code: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(`server said ${code}`), { code, severity: 'ERROR', ...extra });

/** pool.query has overloads; the direct path uses the promise form with a config object. */
const failNextQuery = (error: unknown) => (pool.query as unknown as jest.Mock).mockRejectedValueOnce(error);

beforeEach(() => {
  mockReset(pool);
  mockReset(reporter);
});

describe('error forwarding over a mocked pool', () => {
  test('when the server reports 23505 on an upsert, then the caller gets a UniqueViolationError naming the fields, and the value never', async () => {
    failNextQuery(pgError('23505', { detail: 'Key (company_id, phone)=(1, 79990000001) already exists.', constraint: 'clients_company_id_phone_key' }));
    const failure = await clients.upsert({ companyId: 1, phone: phoneFor(1) }, ['companyId', 'phone']).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UniqueViolationError);
    expect(failure).toMatchObject({ code: 'UNIQUE_VIOLATION', sqlState: '23505', retryable: false, fields: ['company_id', 'phone'] });
    expect((failure as Error).message).not.toContain('79990000001');
    expect((failure as Error).cause).toBeDefined();
  });

  test('when a query fails, then Sentry gets one report with component, model, operation and codes, and no field values', async () => {
    failNextQuery(pgError('57014'));
    await expect(clients.findOne({ companyId: 1, phone: phoneFor(2) })).rejects.toBeInstanceOf(TimeoutError);
    expect(reporter.report).toHaveBeenCalledTimes(1);
    const [, report] = reporter.report.mock.calls[0]!;
    expect(report).toMatchObject({
      component: 'database',
      model: 'Client',
      operation: 'findOne',
      level: 'error',
      tags: { error_code: 'TIMEOUT', sqlstate: '57014', retryable: false },
      context: { filterKeys: ['companyId', 'phone'] },
    });
    expect(JSON.stringify(report)).not.toContain(phoneFor(2));
  });

  test('when the connection drops mid-query, then it is CONNECTION_LOST and retryable', async () => {
    failNextQuery(new Error('Connection terminated unexpectedly'));
    await expect(clients.count({ companyId: 1 })).rejects.toBeInstanceOf(ConnectionLostError);
  });

  test('when the pool cannot hand out a connection in time, then it is POOL_EXHAUSTED and retryable', async () => {
    // The pool types its own acquire timeout (pool-acquire-errors.ts); the database layer passes it on as is.
    failNextQuery(new PoolExhaustedError('no database connection became free within the acquire timeout (pool exhausted)'));
    const failure = await clients.count({ companyId: 1 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PoolExhaustedError);
    expect(failure).toMatchObject({ code: 'POOL_EXHAUSTED', retryable: true });
  });

  test('when a layer above owns the report, then the database layer sends nothing and leaves the origin for it', async () => {
    failNextQuery(pgError('40P01'));
    const failure = await withReportingOwner('data-layer', () => clients.count({ companyId: 1 })).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'SERIALIZATION_FAILURE', retryable: true, origin: { model: 'Client', operation: 'count' } });
    expect(reporter.report).not.toHaveBeenCalled();
  });

  test('when the input is refused before any SQL, then nothing reaches the pool and nothing is reported', async () => {
    await expect(clients.findOne({ nickname: 'x' } as never)).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    expect(pool.query).not.toHaveBeenCalled();
    expect(reporter.report).not.toHaveBeenCalled();
  });
});
