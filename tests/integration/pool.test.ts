import { ConnectionLostError, PoolExhaustedError, TimeoutError } from '../../src/db/errors.js';
import { getPoolStats, warmPool } from '../../src/db/pool.js';
import { withTransaction } from '../../src/db/transaction.js';
import type { ErrorReport, ErrorReporter } from '../../src/observability/error-reporter.js';
import { runAdminSql } from '../../src/db/admin-sql.js';
import { createTestStack, type TestStack } from '../helpers/test-stack.js';
import { waitFor } from '../helpers/wait-for.js';

const pidOf = async (stack: TestStack): Promise<number> => {
  const rows = await stack.db.$queryRawUnsafe<{ pid: number }[]>('SELECT pg_backend_pid() AS pid');
  return rows[0]!.pid;
};

const terminate = (stack: TestStack, pid: number) => runAdminSql(stack.database.url, 'SELECT pg_terminate_backend($1)', [pid]);

describe('database pool under load', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createTestStack({ env: { POSTGRES_MAX_CONNECTIONS: '3' } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  test('when more queries run at once than the pool has connections, then all of them succeed', async () => {
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, index) => stack.db.$queryRawUnsafe<{ n: number }[]>('SELECT $1::int AS n FROM pg_sleep(0.02)', index)),
    );
    expect(results.map((rows) => rows[0]!.n)).toEqual(Array.from({ length: 30 }, (_, index) => index));
    expect(getPoolStats(stack.pool).total).toBeLessThanOrEqual(3);
    await waitFor(() => getPoolStats(stack.pool).inUse === 0);
  });

  test('when more transactions run at once than the pool has connections, then they queue and all commit', async () => {
    const results = await Promise.all(
      Array.from({ length: 9 }, (_, index) =>
        withTransaction(stack.db, async (tx) => {
          const rows = await tx.$queryRawUnsafe<{ n: number }[]>('SELECT $1::int AS n FROM pg_sleep(0.02)', index);
          return rows[0]!.n;
        }),
      ),
    );
    expect(results).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });
});

describe('database pool exhaustion', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createTestStack({ env: { POSTGRES_MAX_CONNECTIONS: '2' } });
    // pg-pool's connectionTimeoutMillis also bounds opening a connection: open both with the default
    // bound (a loaded machine can be slow to connect), then shorten it for the caller that must wait.
    await warmPool(stack.pool, 2);
    stack.pool.options.connectionTimeoutMillis = 300;
  });
  afterAll(async () => {
    await stack?.close();
  });

  test('when held transactions take every connection, then the next query fails with PoolExhaustedError instead of hanging, and the pool recovers', async () => {
    let release!: () => void;
    const hold = new Promise<void>((resolve) => (release = resolve));
    let started = 0;
    const holders = [1, 2].map(() =>
      withTransaction(stack.db, async (tx) => {
        await tx.$queryRawUnsafe('SELECT 1 AS one');
        started += 1;
        await hold;
      }),
    );
    await waitFor(() => started === 2);
    const waitedFrom = performance.now();
    const failure = await stack.db.$queryRawUnsafe('SELECT 1 AS one').catch((error: unknown) => error);
    const waited = performance.now() - waitedFrom;
    expect(failure).toBeInstanceOf(PoolExhaustedError);
    expect((failure as PoolExhaustedError).retryable).toBe(true);
    // It waited for the acquire timeout rather than failing at once.
    expect(waited).toBeGreaterThanOrEqual(250);
    // A third transaction is refused the same way (the acquire timeout is below maxWait).
    await expect(withTransaction(stack.db, async (tx) => tx.$queryRawUnsafe('SELECT 1 AS one'), { maxRetries: 0 })).rejects.toThrow(PoolExhaustedError);
    release();
    await Promise.all(holders);
    await waitFor(() => getPoolStats(stack.pool).inUse === 0);
    await expect(stack.db.$queryRawUnsafe<{ one: number }[]>('SELECT 1 AS one')).resolves.toEqual([{ one: 1 }]);
  });
});

describe('statement timeout', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createTestStack({ env: { POSTGRES_MAX_CONNECTIONS: '1', POSTGRES_MIN_CONNECTIONS: '1', POSTGRES_STATEMENT_TIMEOUT_MS: '1000' } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  test('when a statement runs past the statement timeout, then a TimeoutError is thrown and the same connection is reused', async () => {
    const pidBefore = await pidOf(stack);
    const failure = await stack.db.$queryRawUnsafe('SELECT 1 AS one FROM pg_sleep(5)').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TimeoutError);
    expect((failure as TimeoutError).sqlState).toBe('57014');
    expect(await pidOf(stack)).toBe(pidBefore);
  });
});

describe('lost connections', () => {
  let stack: TestStack;
  const reports: ErrorReport[] = [];
  const reporter: ErrorReporter = { report: (_error, report) => void reports.push(report) };
  beforeAll(async () => {
    stack = await createTestStack({ env: { POSTGRES_MAX_CONNECTIONS: '1', POSTGRES_MIN_CONNECTIONS: '1' }, reporter });
  });
  afterAll(async () => {
    await stack?.close();
  });

  test('when the backend is terminated during a query, then ConnectionLostError is thrown and the next query gets a new connection', async () => {
    const pid = await pidOf(stack);
    const running = stack.db.$queryRawUnsafe('SELECT 1 AS one FROM pg_sleep(5)').catch((error: unknown) => error);
    await waitFor(async () => {
      const rows = await runAdminSql<{ state: string }>(stack.database.url, 'SELECT state FROM pg_stat_activity WHERE pid = $1', [pid]);
      return rows.rows[0]?.state === 'active';
    });
    await terminate(stack, pid);
    const failure = await running;
    expect(failure).toBeInstanceOf(ConnectionLostError);
    expect((failure as ConnectionLostError).retryable).toBe(true);
    const newPid = await pidOf(stack);
    expect(newPid).not.toBe(pid);
  });

  test('when an idle connection is terminated, then the error is logged and reported, the process carries on and the pool reconnects', async () => {
    const pid = await pidOf(stack);
    reports.length = 0;
    await waitFor(() => getPoolStats(stack.pool).idle === 1);
    await terminate(stack, pid);
    await waitFor(() => reports.some((report) => report.operation === 'pool.idle-client'));
    expect(reports.find((report) => report.operation === 'pool.idle-client')).toMatchObject({ component: 'database', level: 'warning' });
    await waitFor(() => getPoolStats(stack.pool).total === 0);
    expect(await pidOf(stack)).not.toBe(pid);
  });
});
