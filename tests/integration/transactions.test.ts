import { BookingConflictError, SerializationFailureError, TimeoutError } from '../../src/db/errors.js';
import { withTransaction } from '../../src/db/transaction.js';
import { AppointmentRepository } from '../../src/repositories/appointment-repository.js';
import { TestClientRepository, phoneFor } from '../helpers/test-repositories.js';
import { waitFor } from '../helpers/wait-for.js';
import { useTransactionFixture } from '../helpers/transaction-fixture.js';

const fx = useTransactionFixture();

describe('withTransaction', () => {
  test('when the function succeeds, then all its writes are committed and the connection goes back to the pool', async () => {
    const companyId = await fx.freshCompany();
    const result = await withTransaction(fx.stack.db, async (tx) => {
      await fx.clients.upsertTx(tx, { companyId, phone: phoneFor(1) }, ['companyId', 'phone']);
      await fx.clients.upsertTx(tx, { companyId, phone: phoneFor(2) }, ['companyId', 'phone']);
      return 'done';
    });
    expect(result).toBe('done');
    expect(await fx.clients.count({ companyId })).toBe(2);
    await waitFor(fx.poolAtRest);
  });

  test('when the function throws, then every write is rolled back, the error is rethrown unchanged and the connection is released', async () => {
    const companyId = await fx.freshCompany();
    const failure = new Error('business rule broken');
    await expect(
      withTransaction(fx.stack.db, async (tx) => {
        await fx.clients.upsertTx(tx, { companyId, phone: phoneFor(1) }, ['companyId', 'phone']);
        throw failure;
      }, { reporter: fx.reporter }),
    ).rejects.toBe(failure);
    expect(await fx.clients.count({ companyId })).toBe(0);
    await waitFor(fx.poolAtRest);
    // The caller's own error is the caller's to report, not a database fault.
    expect(fx.reports).toEqual([]);
  });

  test('when a statement fails inside, then the transaction rolls back with the typed error', async () => {
    const companyId = await fx.freshCompany();
    await expect(
      withTransaction(fx.stack.db, async (tx) => {
        await fx.clients.upsertTx(tx, { companyId, phone: phoneFor(1) }, ['companyId', 'phone']);
        await fx.clients.upsertTx(tx, { companyId: 987_654, phone: phoneFor(2) }, ['companyId', 'phone']);
      }),
    ).rejects.toMatchObject({ code: 'FOREIGN_KEY_VIOLATION' });
    expect(await fx.clients.count({ companyId })).toBe(0);
    await waitFor(fx.poolAtRest);
  });

  test('when the transaction outlives its timeout, then a TimeoutError is thrown, nothing is committed and the connection is released', async () => {
    const companyId = await fx.freshCompany();
    const failure = await withTransaction(
      fx.stack.db,
      async (tx) => {
        await fx.clients.upsertTx(tx, { companyId, phone: phoneFor(1) }, ['companyId', 'phone']);
        await tx.$queryRawUnsafe('SELECT 1 AS one FROM pg_sleep(0.6)');
        await fx.clients.upsertTx(tx, { companyId, phone: phoneFor(2) }, ['companyId', 'phone']);
      },
      { timeout: 200, reporter: fx.reporter },
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TimeoutError);
    expect(await fx.clients.count({ companyId })).toBe(0);
    await waitFor(fx.poolAtRest);
    expect(fx.reports.map((r) => r.operation)).toContain('transaction');
  });

  test('when called inside a transaction, then the inner call joins it and an inner failure rolls back the outer work', async () => {
    const companyId = await fx.freshCompany();
    let innerClient: unknown;
    let outerClient: unknown;
    await expect(
      withTransaction(fx.stack.db, async (outer) => {
        outerClient = outer;
        await fx.clients.upsertTx(outer, { companyId, phone: phoneFor(1) }, ['companyId', 'phone']);
        await withTransaction(outer, async (inner) => {
          innerClient = inner;
          await fx.clients.upsertTx(inner, { companyId, phone: phoneFor(2) }, ['companyId', 'phone']);
          throw new Error('inner failed');
        });
      }),
    ).rejects.toThrow('inner failed');
    expect(innerClient).toBe(outerClient);
    expect(await fx.clients.count({ companyId })).toBe(0);
  });

  test('when a repository transaction nests another, then both commit together', async () => {
    const companyId = await fx.freshCompany();
    await fx.clients.withTransaction(async (tx) => {
      await fx.clients.upsertTx(tx, { companyId, phone: phoneFor(1) }, ['companyId', 'phone']);
      await new TestClientRepository(tx).withTransaction(async (inner) => {
        expect(inner).toBe(tx);
        await fx.clients.upsertTx(inner, { companyId, phone: phoneFor(2) }, ['companyId', 'phone']);
      });
    });
    expect(await fx.clients.count({ companyId })).toBe(2);
  });

  test('when two Serializable transactions conflict, then the loser is retried as a whole (model and repository writes) and each outcome is committed once', async () => {
    const companyId = await fx.freshCompany();
    let attempts = 0;
    let release!: () => void;
    const bothRead = new Promise<void>((resolve) => (release = resolve));
    let reads = 0;
    const writeSkew = (phone: string) =>
      withTransaction(
        fx.stack.db,
        async (tx) => {
          attempts += 1;
          const seen = await fx.clients.countTx(tx, { companyId });
          reads += 1;
          if (reads === 2) release();
          await bothRead;
          // A Prisma model write beside the repository's: the retry must not leave the failed attempt's copy.
          await tx.staff.create({ data: { companyId, crmId: Number(phone.slice(-3)), name: `Master ${phone}` } });
          // Each transaction inserts only if it saw no client: a write skew Serializable must refuse.
          if (seen < 5) await fx.clients.upsertTx(tx, { companyId, phone }, ['companyId', 'phone']);
        },
        { isolationLevel: 'Serializable', maxRetries: 3, retryBaseDelayMs: 5 },
      );
    await Promise.all([writeSkew(phoneFor(1)), writeSkew(phoneFor(2))]);
    expect(attempts).toBe(3);
    expect(await fx.clients.count({ companyId })).toBe(2);
    expect(await fx.stack.db.staff.count({ where: { companyId } })).toBe(2);
    await waitFor(fx.poolAtRest);
  });

  test('when every attempt hits a concurrent update, then it gives up after maxRetries with a SerializationFailureError', async () => {
    const companyId = await fx.freshCompany();
    const client = await fx.clients.upsert({ companyId, phone: phoneFor(1), visitCount: 0 }, ['companyId', 'phone']);
    let attempts = 0;
    const failure = await withTransaction(
      fx.stack.db,
      async (tx) => {
        attempts += 1;
        await fx.clients.findOneTx(tx, { id: client.id });
        // Someone else changes the row after this transaction's snapshot.
        await fx.outsider.query('UPDATE clients SET visit_count = visit_count + 1 WHERE id = $1', [client.id]);
        await fx.clients.upsertTx(tx, { companyId, phone: phoneFor(1), visitCount: 100 }, ['companyId', 'phone']);
      },
      { isolationLevel: 'RepeatableRead', maxRetries: 2, retryBaseDelayMs: 1, reporter: fx.reporter },
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SerializationFailureError);
    expect((failure as SerializationFailureError).retryable).toBe(true);
    expect(attempts).toBe(3);
    expect((await fx.clients.findOne({ id: client.id }))?.visitCount).toBe(3);
    await waitFor(fx.poolAtRest);
  });

  test('when only the first attempt hits a concurrent update, then the retry commits', async () => {
    const companyId = await fx.freshCompany();
    const client = await fx.clients.upsert({ companyId, phone: phoneFor(1), visitCount: 0 }, ['companyId', 'phone']);
    let attempts = 0;
    await withTransaction(
      fx.stack.db,
      async (tx) => {
        attempts += 1;
        await fx.clients.findOneTx(tx, { id: client.id });
        if (attempts === 1) await fx.outsider.query('UPDATE clients SET visit_count = visit_count + 1 WHERE id = $1', [client.id]);
        await fx.clients.upsertTx(tx, { companyId, phone: phoneFor(1), visitCount: 100 }, ['companyId', 'phone']);
      },
      { isolationLevel: 'RepeatableRead', maxRetries: 2, retryBaseDelayMs: 1 },
    );
    expect(attempts).toBe(2);
    expect((await fx.clients.findOne({ id: client.id }))?.visitCount).toBe(100);
  });

  test('when two booking transactions deadlock on the no-overlap rule, then the victim is retried and ends as a booking conflict', async () => {
    const companyId = await fx.freshCompany();
    const staff = await fx.stack.db.staff.create({ data: { companyId, crmId: 1, name: 'Anna' } });
    const client = await fx.clients.upsert({ companyId, phone: phoneFor(1) }, ['companyId', 'phone']);
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
        fx.stack.db,
        async (tx) => {
          attempts[index] += 1;
          const appointments = new AppointmentRepository(tx, { reporter: fx.reporter });
          await appointments.create(hour(own));
          holding += 1;
          if (holding === 2) bothHoldASlot();
          await barrier;
          await appointments.create(hour(crossing));
        },
        { maxRetries: 3, retryBaseDelayMs: 5, reporter: fx.reporter },
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
    await expect(fx.stack.db.appointment.count({ where: { staffId: staff.id } })).resolves.toBe(2);
    await waitFor(fx.poolAtRest);
  });
});
