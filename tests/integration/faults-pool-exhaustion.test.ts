import { createTestStack, type TestStack } from '../helpers/test-stack.js';
import { withTransaction } from '../../src/db/transaction.js';
import { PoolExhaustedError } from '../../src/db/errors.js';
import { getPoolStats } from '../../src/db/pool.js';
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
      env: { POSTGRES_MAX_CONNECTIONS: '3', POSTGRES_MIN_CONNECTIONS: '1', POSTGRES_ACQUIRE_TIMEOUT_MS: String(ACQUIRE_TIMEOUT_MS) },
    });
    await stack.db.company.create({ data: { id: 1, title: 'Salon' } });
  });
  afterAll(async () => {
    await stack.close();
  });

  test('when every connection is held by a transaction, then further callers get POOL_EXHAUSTED after the acquire timeout, and throughput returns once released', async () => {
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
    // They waited for the acquire timeout (not the transaction's 30 s maxWait), and nothing hung.
    expect(waitedMs).toBeGreaterThanOrEqual(ACQUIRE_TIMEOUT_MS * 0.9);
    expect(waitedMs).toBeLessThan(20_000);

    for (const h of held) h.release();
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
