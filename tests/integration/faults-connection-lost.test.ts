import { createTestStack, type TestStack } from '../helpers/test-stack.js';
import { runAdminSql } from '../../src/db/admin-sql.js';
import { withTransaction } from '../../src/db/transaction.js';
import { ConnectionLostError } from '../../src/db/errors.js';
import { noopReporter } from '../../src/observability/error-reporter.js';
import { getPoolStats } from '../../src/db/pool.js';

/**
 * A crash of the process would fail this file on its own (an `error` event
 * without a listener is thrown from pg's socket handler and kills the worker);
 * the tests below also check that the pool recovers by itself.
 */
describe('backend terminated by the server', () => {
  let stack: TestStack;
  const terminate = (pid: number) => runAdminSql(stack.database.url, 'SELECT pg_terminate_backend($1)', [pid]);
  const backendPid = async (db: { $queryRaw: TestStack['db']['$queryRaw'] }) =>
    ((await db.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`)[0]!).pid;

  beforeAll(async () => {
    stack = await createTestStack();
    await stack.db.company.create({ data: { id: 1, title: 'Salon' } });
  });
  afterAll(async () => {
    await stack.close();
  });

  test('when the backend is killed mid-transaction, then the caller gets ConnectionLostError, nothing is written, and the next call succeeds', async () => {
    const transaction = withTransaction(
      stack.db,
      async (tx) => {
        await tx.client.create({ data: { companyId: 1, phone: '79990000001' } });
        await terminate(await backendPid(tx));
        await tx.client.create({ data: { companyId: 1, phone: '79990000002' } });
      },
      { name: 'fault-terminate', reporter: noopReporter, maxRetries: 0 },
    );
    await expect(transaction).rejects.toBeInstanceOf(ConnectionLostError);
    await expect(transaction).rejects.toMatchObject({ code: 'CONNECTION_LOST', retryable: true });

    await expect(stack.db.client.count()).resolves.toBe(0);
    await expect(stack.db.client.create({ data: { companyId: 1, phone: '79990000003' } })).resolves.toMatchObject({ phone: '79990000003' });
    // The dead connection went out of the pool instead of staying checked out for good.
    expect(getPoolStats(stack.pool).inUse).toBe(0);
  });

  test('when more transactions are killed than the pool has connections, then the pool still serves transactions (no leaked connection)', async () => {
    const max = getPoolStats(stack.pool).max;
    for (let round = 0; round < max + 2; round += 1) {
      await expect(
        withTransaction(
          stack.db,
          async (tx) => {
            await terminate(await backendPid(tx));
            await tx.company.findUnique({ where: { id: 1 } });
          },
          { name: 'fault-terminate-repeat', reporter: noopReporter, maxRetries: 0 },
        ),
      ).rejects.toBeInstanceOf(ConnectionLostError);
    }
    await expect(
      withTransaction(stack.db, (tx) => tx.company.findUnique({ where: { id: 1 } }), { reporter: noopReporter }),
    ).resolves.toMatchObject({ id: 1 });
    expect(getPoolStats(stack.pool).inUse).toBe(0);
  });

  test('when idle pooled connections are killed, then the pool drops them and later queries succeed on fresh connections', async () => {
    const { rows } = await stack.pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const killed = rows[0]!.pid;
    await runAdminSql(
      stack.database.url,
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'ai-admin-data-test'",
    );
    // The first calls may meet a socket the pool has not yet seen close; within a few, every call succeeds.
    let pid: number | undefined;
    for (let attempt = 0; attempt < 20 && pid === undefined; attempt += 1) {
      pid = await backendPid(stack.db).catch((error: unknown) => {
        expect(error).toBeInstanceOf(ConnectionLostError);
        return undefined;
      });
      if (pid === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(pid).toBeDefined();
    expect(pid).not.toBe(killed);
    const results = await Promise.all(Array.from({ length: 10 }, () => stack.db.company.findUnique({ where: { id: 1 } })));
    expect(results.every((company) => company?.id === 1)).toBe(true);
  });
});
