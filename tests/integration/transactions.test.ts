import pg from 'pg';
import { BookingConflictError, SerializationFailureError, TimeoutError } from '../../src/db/errors.js';
import { getPoolStats } from '../../src/db/pool.js';
import { withTransaction } from '../../src/db/transaction.js';
import { AppointmentRepository } from '../../src/repositories/appointment-repository.js';
import type { ErrorReport, ErrorReporter } from '../../src/observability/error-reporter.js';
import { createTestStack, type TestStack } from '../helpers/test-stack.js';
import { TestClientRepository, TestCompanyRepository, phoneFor } from '../helpers/test-repositories.js';
import { waitFor } from '../helpers/wait-for.js';

let stack: TestStack;
let clients: TestClientRepository;
let companies: TestCompanyRepository;
let outsider: pg.Client;
const reports: ErrorReport[] = [];
const reporter: ErrorReporter = { report: (_error, report) => void reports.push(report) };
let nextCompanyId = 1;

async function freshCompany(): Promise<number> {
  const id = nextCompanyId++;
  await companies.upsert({ id, title: `Salon ${id}` }, ['id']);
  return id;
}

/** The pool has no connection checked out and nobody waiting. */
const poolAtRest = () => {
  const stats = getPoolStats(stack.pool);
  return stats.inUse === 0 && stats.waiting === 0;
};

beforeAll(async () => {
  stack = await createTestStack({ reporter });
  clients = new TestClientRepository(stack.db, { reporter });
  companies = new TestCompanyRepository(stack.db);
  // A connection outside the pool, to change rows behind a transaction's back.
  outsider = new pg.Client({ connectionString: stack.database.url });
  await outsider.connect();
});

afterAll(async () => {
  await outsider?.end();
  await stack?.close();
});

beforeEach(() => {
  reports.length = 0;
});

describe('withTransaction', () => {
  test('when the function succeeds, then all its writes are committed and the connection goes back to the pool', async () => {
    const companyId = await freshCompany();
    const result = await withTransaction(stack.db, async (tx) => {
      await clients.upsertTx(tx, { companyId, phone: phoneFor(1) }, ['companyId', 'phone']);
      await clients.upsertTx(tx, { companyId, phone: phoneFor(2) }, ['companyId', 'phone']);
      return 'done';
    });
    expect(result).toBe('done');
    expect(await clients.count({ companyId })).toBe(2);
    await waitFor(poolAtRest);
  });

  test('when the function throws, then every write is rolled back, the error is rethrown unchanged and the connection is released', async () => {
    const companyId = await freshCompany();
    const failure = new Error('business rule broken');
    await expect(
      withTransaction(stack.db, async (tx) => {
        await clients.upsertTx(tx, { companyId, phone: phoneFor(1) }, ['companyId', 'phone']);
        throw failure;
      }, { reporter }),
    ).rejects.toBe(failure);
    expect(await clients.count({ companyId })).toBe(0);
    await waitFor(poolAtRest);
    // The caller's own error is the caller's to report, not a database fault.
    expect(reports).toEqual([]);
  });

  test('when a statement fails inside, then the transaction rolls back with the typed error', async () => {
    const companyId = await freshCompany();
    await expect(
      withTransaction(stack.db, async (tx) => {
        await clients.upsertTx(tx, { companyId, phone: phoneFor(1) }, ['companyId', 'phone']);
        await clients.upsertTx(tx, { companyId: 987_654, phone: phoneFor(2) }, ['companyId', 'phone']);
      }),
    ).rejects.toMatchObject({ code: 'FOREIGN_KEY_VIOLATION' });
    expect(await clients.count({ companyId })).toBe(0);
    await waitFor(poolAtRest);
  });

  test('when the transaction outlives its timeout, then a TimeoutError is thrown, nothing is committed and the connection is released', async () => {
    const companyId = await freshCompany();
    const failure = await withTransaction(
      stack.db,
      async (tx) => {
        await clients.upsertTx(tx, { companyId, phone: phoneFor(1) }, ['companyId', 'phone']);
        await tx.$queryRawUnsafe('SELECT 1 AS one FROM pg_sleep(0.6)');
        await clients.upsertTx(tx, { companyId, phone: phoneFor(2) }, ['companyId', 'phone']);
      },
      { timeout: 200, reporter },
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TimeoutError);
    expect(await clients.count({ companyId })).toBe(0);
    await waitFor(poolAtRest);
    expect(reports.map((r) => r.operation)).toContain('transaction');
  });

  test('when called inside a transaction, then the inner call joins it and an inner failure rolls back the outer work', async () => {
    const companyId = await freshCompany();
    let innerClient: unknown;
    let outerClient: unknown;
    await expect(
      withTransaction(stack.db, async (outer) => {
        outerClient = outer;
        await clients.upsertTx(outer, { companyId, phone: phoneFor(1) }, ['companyId', 'phone']);
        await withTransaction(outer, async (inner) => {
          innerClient = inner;
          await clients.upsertTx(inner, { companyId, phone: phoneFor(2) }, ['companyId', 'phone']);
          throw new Error('inner failed');
        });
      }),
    ).rejects.toThrow('inner failed');
    expect(innerClient).toBe(outerClient);
    expect(await clients.count({ companyId })).toBe(0);
  });

  test('when a repository transaction nests another, then both commit together', async () => {
    const companyId = await freshCompany();
    await clients.withTransaction(async (tx) => {
      await clients.upsertTx(tx, { companyId, phone: phoneFor(1) }, ['companyId', 'phone']);
      await new TestClientRepository(tx).withTransaction(async (inner) => {
        expect(inner).toBe(tx);
        await clients.upsertTx(inner, { companyId, phone: phoneFor(2) }, ['companyId', 'phone']);
      });
    });
    expect(await clients.count({ companyId })).toBe(2);
  });

  test('when two Serializable transactions conflict, then the loser is retried and both outcomes are committed', async () => {
    const companyId = await freshCompany();
    let attempts = 0;
    let release!: () => void;
    const bothRead = new Promise<void>((resolve) => (release = resolve));
    let reads = 0;
    const writeSkew = (phone: string) =>
      withTransaction(
        stack.db,
        async (tx) => {
          attempts += 1;
          const seen = await clients.countTx(tx, { companyId });
          reads += 1;
          if (reads === 2) release();
          await bothRead;
          // Each transaction inserts only if it saw no client: a write skew Serializable must refuse.
          if (seen < 5) await clients.upsertTx(tx, { companyId, phone }, ['companyId', 'phone']);
        },
        { isolationLevel: 'Serializable', maxRetries: 3, retryBaseDelayMs: 5 },
      );
    await Promise.all([writeSkew(phoneFor(1)), writeSkew(phoneFor(2))]);
    expect(attempts).toBe(3);
    expect(await clients.count({ companyId })).toBe(2);
    await waitFor(poolAtRest);
  });

  test('when every attempt hits a concurrent update, then it gives up after maxRetries with a SerializationFailureError', async () => {
    const companyId = await freshCompany();
    const client = await clients.upsert({ companyId, phone: phoneFor(1), visitCount: 0 }, ['companyId', 'phone']);
    let attempts = 0;
    const failure = await withTransaction(
      stack.db,
      async (tx) => {
        attempts += 1;
        await clients.findOneTx(tx, { id: client.id });
        // Someone else changes the row after this transaction's snapshot.
        await outsider.query('UPDATE clients SET visit_count = visit_count + 1 WHERE id = $1', [client.id]);
        await clients.upsertTx(tx, { companyId, phone: phoneFor(1), visitCount: 100 }, ['companyId', 'phone']);
      },
      { isolationLevel: 'RepeatableRead', maxRetries: 2, retryBaseDelayMs: 1, reporter },
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SerializationFailureError);
    expect((failure as SerializationFailureError).retryable).toBe(true);
    expect(attempts).toBe(3);
    expect((await clients.findOne({ id: client.id }))?.visitCount).toBe(3);
    await waitFor(poolAtRest);
  });

  test('when only the first attempt hits a concurrent update, then the retry commits', async () => {
    const companyId = await freshCompany();
    const client = await clients.upsert({ companyId, phone: phoneFor(1), visitCount: 0 }, ['companyId', 'phone']);
    let attempts = 0;
    await withTransaction(
      stack.db,
      async (tx) => {
        attempts += 1;
        await clients.findOneTx(tx, { id: client.id });
        if (attempts === 1) await outsider.query('UPDATE clients SET visit_count = visit_count + 1 WHERE id = $1', [client.id]);
        await clients.upsertTx(tx, { companyId, phone: phoneFor(1), visitCount: 100 }, ['companyId', 'phone']);
      },
      { isolationLevel: 'RepeatableRead', maxRetries: 2, retryBaseDelayMs: 1 },
    );
    expect(attempts).toBe(2);
    expect((await clients.findOne({ id: client.id }))?.visitCount).toBe(100);
  });

  test('when two booking transactions deadlock on the no-overlap rule, then the victim is retried and ends as a booking conflict', async () => {
    const companyId = await freshCompany();
    const staff = await stack.db.staff.create({ data: { companyId, crmId: 1, name: 'Anna' } });
    const client = await clients.upsert({ companyId, phone: phoneFor(1) }, ['companyId', 'phone']);
    const hour = (start: string) => ({
      companyId, clientId: client.id, staffId: staff.id, startAt: new Date(start), endAt: new Date(new Date(start).getTime() + 3_600_000),
    });
    let bothHoldASlot!: () => void;
    const barrier = new Promise<void>((resolve) => (bothHoldASlot = resolve));
    let holding = 0;
    const attempts: [number, number] = [0, 0];
    // Each transaction books a slot, then one overlapping the other's: a lock cycle PostgreSQL breaks with 40P01.
    const book = (index: 0 | 1, own: string, crossing: string) =>
      withTransaction(
        stack.db,
        async (tx) => {
          attempts[index] += 1;
          const appointments = new AppointmentRepository(tx, { reporter });
          await appointments.create(hour(own));
          holding += 1;
          if (holding === 2) bothHoldASlot();
          await barrier;
          await appointments.create(hour(crossing));
        },
        { maxRetries: 3, retryBaseDelayMs: 5, reporter },
      );
    const outcomes = await Promise.allSettled([
      book(0, '2031-01-01T10:00:00Z', '2031-01-01T12:30:00Z'),
      book(1, '2031-01-01T12:00:00Z', '2031-01-01T10:30:00Z'),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const rejected = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    // The retry finds the winner's committed slots: the caller learns the real outcome, a conflict.
    expect(rejected.reason).toBeInstanceOf(BookingConflictError);
    expect(attempts[0]! + attempts[1]!).toBe(3);
    await expect(stack.db.appointment.count({ where: { staffId: staff.id } })).resolves.toBe(2);
    await waitFor(poolAtRest);
  });
});
