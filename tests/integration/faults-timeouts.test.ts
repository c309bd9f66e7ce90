import pg from 'pg';
import { createTestStack, type TestStack } from '../helpers/test-stack.js';
import { withTransaction } from '../../src/db/transaction.js';
import { ConnectionLostError, DataError, LockTimeoutError, TimeoutError } from '../../src/db/errors.js';
import { getPoolStats } from '../../src/db/pool.js';
import { noopReporter } from '../../src/observability/error-reporter.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pidOf = async (db: TestStack['db']) => ((await db.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`)[0]!).pid;

describe('statement timeout', () => {
  let stack: TestStack;
  beforeAll(async () => {
    // One connection: "reused" means the same backend answers the next query.
    stack = await createTestStack({
      env: { POSTGRES_MAX_CONNECTIONS: '1', POSTGRES_MIN_CONNECTIONS: '1', POSTGRES_STATEMENT_TIMEOUT_MS: '1000' },
    });
  });
  afterAll(async () => {
    await stack.close();
  });

  test('when a statement runs past the statement timeout, then the server cancels it with TIMEOUT and the same connection serves the next query', async () => {
    const before = await pidOf(stack.db);
    const slow = stack.db.$queryRaw`SELECT pg_sleep(5)`;
    await expect(slow).rejects.toBeInstanceOf(TimeoutError);
    await expect(slow).rejects.toMatchObject({ code: 'TIMEOUT', sqlState: '57014' });
    await expect(pidOf(stack.db)).resolves.toBe(before);
    expect(getPoolStats(stack.pool)).toMatchObject({ total: 1, inUse: 0 });
  });

  test('when statements fail with constraint or type errors, then the connection is kept rather than reopened', async () => {
    const before = await pidOf(stack.db);
    await stack.db.company.create({ data: { id: 1, title: 'Salon' } });
    await expect(stack.db.company.create({ data: { id: 1, title: 'Again' } })).rejects.toMatchObject({ code: 'UNIQUE_VIOLATION' });
    await expect(stack.db.$queryRawUnsafe("SELECT 'x'::int")).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    await expect(pidOf(stack.db)).resolves.toBe(before);
  });
});

describe('lock wait timeout', () => {
  let stack: TestStack;
  let holder: pg.Client;
  let clientId: number;
  beforeAll(async () => {
    stack = await createTestStack();
    await stack.db.company.create({ data: { id: 1, title: 'Salon' } });
    clientId = (await stack.db.client.create({ data: { companyId: 1, phone: '79990000001', name: 'Before' } })).id;
    holder = new pg.Client({ connectionString: stack.database.url });
    await holder.connect();
  });
  afterAll(async () => {
    await holder.end();
    await stack.close();
  });

  test('when a transaction waits on a row another transaction holds, then it fails with LOCK_TIMEOUT and writes nothing', async () => {
    await holder.query('BEGIN');
    await holder.query('SELECT id FROM clients WHERE id = $1 FOR UPDATE', [clientId]);
    try {
      const transaction = withTransaction(
        stack.db,
        async (tx) => {
          await tx.$executeRawUnsafe("SET LOCAL lock_timeout = '200ms'");
          await tx.client.create({ data: { companyId: 1, phone: '79990000002' } });
          await tx.client.update({ where: { id: clientId }, data: { name: 'After' } });
        },
        { name: 'fault-lock', reporter: noopReporter, maxRetries: 0 },
      );
      await expect(transaction).rejects.toBeInstanceOf(LockTimeoutError);
      await expect(transaction).rejects.toMatchObject({ code: 'LOCK_TIMEOUT', sqlState: '55P03', retryable: true });
    } finally {
      await holder.query('ROLLBACK');
    }
    const rows = await stack.db.client.findMany({ where: { companyId: 1 }, select: { phone: true, name: true } });
    expect(rows).toEqual([{ phone: '79990000001', name: 'Before' }]);
    expect(getPoolStats(stack.pool).inUse).toBe(0);
  });
});

describe('idle in transaction timeout', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createTestStack({ env: { POSTGRES_IDLE_IN_TRANSACTION_TIMEOUT_MS: '300' } });
    await stack.db.company.create({ data: { id: 1, title: 'Salon' } });
  });
  afterAll(async () => {
    await stack.close();
  });

  test('when a transaction sits idle past idle_in_transaction_session_timeout, then the caller gets a typed error, nothing is written, and the next call succeeds', async () => {
    const transaction = withTransaction(
      stack.db,
      async (tx) => {
        await tx.client.create({ data: { companyId: 1, phone: '79990000001' } });
        await sleep(1_500);
        await tx.client.create({ data: { companyId: 1, phone: '79990000002' } });
      },
      { name: 'fault-idle', reporter: noopReporter, maxRetries: 0 },
    );
    await expect(transaction).rejects.toBeInstanceOf(DataError);
    await expect(transaction).rejects.toBeInstanceOf(ConnectionLostError);
    await expect(stack.db.client.count()).resolves.toBe(0);
    await expect(stack.db.client.create({ data: { companyId: 1, phone: '79990000003' } })).resolves.toMatchObject({ phone: '79990000003' });
    expect(getPoolStats(stack.pool).inUse).toBe(0);
  });
});
