import { createTestStack, type TestStack } from '../helpers/test-stack.js';
import { withTransaction } from '../../src/db/transaction.js';
import { PoolExhaustedError } from '../../src/db/errors.js';
import { getPoolStats, warmPool } from '../../src/db/pool.js';
import { noopReporter } from '../../src/observability/error-reporter.js';

const ACQUIRE_TIMEOUT_MS = 1_000;

/** A transaction that holds its connection until `release` is called. */
function heldTransaction(stack: TestStack) {
  let release!: () => void;
  let started!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const running = new Promise<void>((resolve) => (started = resolve));
  const done = withTransaction(
    stack.db,
    async (tx) => {
      await tx.company.findUnique({ where: { id: 1 } });
      started();
      await gate;
      await tx.company.update({ where: { id: 1 }, data: { title: 'Salon' } });
    },
    { name: 'fault-held', reporter: noopReporter, timeout: 60_000, maxWait: 30_000 },
  );
  return { release, running, done };
}

describe('pool exhaustion', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await createTestStack({
      env: { POSTGRES_MAX_CONNECTIONS: '3', POSTGRES_MIN_CONNECTIONS: '1' },
    });
    await stack.db.company.create({ data: { id: 1, title: 'Salon' } });
  });
  afterAll(async () => {
    await stack.close();
  });

  test('when every connection is held by a transaction, then further callers get POOL_EXHAUSTED after the acquire timeout, and throughput returns once released', async () => {
    // pg-pool's connectionTimeoutMillis also bounds opening a connection: open all three with the default
    // bound (a loaded machine can be slow to connect), then shorten it for the callers that must wait.
    await warmPool(stack.pool, 3);
    stack.pool.options.connectionTimeoutMillis = ACQUIRE_TIMEOUT_MS;
    const held = [heldTransaction(stack), heldTransaction(stack), heldTransaction(stack)];
    await Promise.all(held.map((h) => h.running));
    expect(getPoolStats(stack.pool)).toMatchObject({ inUse: 3, max: 3 });

    const started = performance.now();
    const [query, transaction] = await Promise.allSettled([
      stack.db.company.findUnique({ where: { id: 1 } }),
      withTransaction(stack.db, (tx) => tx.company.count(), { reporter: noopReporter, maxWait: 30_000 }),
    ]);
    const waitedMs = performance.now() - started;
    for (const outcome of [query, transaction]) {
      expect(outcome.status).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(PoolExhaustedError);
      expect((outcome as PromiseRejectedResult).reason).toMatchObject({ code: 'POOL_EXHAUSTED', retryable: true });
    }
    // They waited for the acquire timeout, and the transaction gave up on it rather than on its 30 s
    // maxWait (that would be a TimeoutError, asserted against above). A lower bound only: slowness cannot fail it.
    expect(waitedMs).toBeGreaterThanOrEqual(ACQUIRE_TIMEOUT_MS * 0.9);

    for (const h of held) h.release();
    // Throughput, not the bound, is under test now: 30 callers queue on 3 connections.
    stack.pool.options.connectionTimeoutMillis = 30_000;
    await Promise.all(held.map((h) => h.done));
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        i % 2 === 0
          ? stack.db.company.findUnique({ where: { id: 1 } })
          : withTransaction(stack.db, (tx) => tx.company.findUnique({ where: { id: 1 } }), { reporter: noopReporter }),
      ),
    );
    expect(results.every((company) => company?.id === 1)).toBe(true);
    expect(getPoolStats(stack.pool)).toMatchObject({ inUse: 0, waiting: 0 });
  });
});
