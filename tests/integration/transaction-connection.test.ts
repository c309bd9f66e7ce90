/**
 * Repository SQL inside withTransaction runs on the transaction's own pg
 * connection (src/db/transaction-connection.ts), beside Prisma model calls on
 * the same `tx`. These tests prove it joins the transaction (one connection,
 * one transaction id, rollback of both kinds of writes together, retries of
 * the whole function), keeps the error mapping, Sentry ownership and row
 * shapes, and can never run after its transaction closed. If a Prisma or
 * adapter upgrade breaks the connection hand-over, the first test fails.
 * Retries of serialization failures and deadlocks, with repository and model
 * writes in the retried function, are in transactions.test.ts.
 */
import { Prisma } from '../../src/generated/prisma/client.js';
import { TimeoutError } from '../../src/db/errors.js';
import { rawSql, sendsDirectly, type TxClient } from '../../src/db/prisma-client.js';
import { withTransaction } from '../../src/db/transaction.js';
import { phoneFor } from '../helpers/test-repositories.js';
import { waitFor } from '../helpers/wait-for.js';
import { useTransactionFixture } from '../helpers/transaction-fixture.js';

const fx = useTransactionFixture();

/** What the server says about the session and transaction a statement ran in. */
interface SessionFacts {
  pid: number;
  txid: string;
}
const SESSION_SQL = 'SELECT pg_backend_pid() AS pid, txid_current()::text AS txid';

describe('repository SQL on the transaction connection', () => {
  test('when repository SQL runs inside withTransaction, then it goes straight to pg on the same backend and transaction as Prisma calls on tx', async () => {
    const { direct, viaPrisma, bound } = await withTransaction(fx.stack.db, async (tx) => ({
      bound: sendsDirectly(tx),
      direct: (await rawSql(tx).query<SessionFacts>(SESSION_SQL, []))[0],
      viaPrisma: (await tx.$queryRawUnsafe<SessionFacts[]>(SESSION_SQL))[0],
    }));
    expect(bound).toBe(true);
    expect(direct).toEqual(viaPrisma);
    await waitFor(fx.poolAtRest);
  });

  test('when a repository write and a Prisma model write are followed by a throw, then both are rolled back together', async () => {
    const companyId = await fx.freshCompany();
    const failure = new Error('changed my mind');
    await expect(
      withTransaction(fx.stack.db, async (tx) => {
        await fx.clients.upsertTx(tx, { companyId, phone: phoneFor(1) }, ['companyId', 'phone']);
        await tx.staff.create({ data: { companyId, crmId: 1, name: 'Anna' } });
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await fx.clients.count({ companyId })).toBe(0);
    expect(await fx.stack.db.staff.count({ where: { companyId } })).toBe(0);
    await waitFor(fx.poolAtRest);
  });

  test('when a model write and a repository write share a transaction, then each sees the other before commit, nobody outside does, and both commit', async () => {
    const companyId = await fx.freshCompany();
    const outsideCount = async () => Number((await fx.outsider.query('SELECT count(*) AS n FROM clients WHERE company_id = $1', [companyId])).rows[0].n);
    const seen = await withTransaction(fx.stack.db, async (tx) => {
      await tx.client.create({ data: { companyId, phone: phoneFor(1), name: 'From the model API' } });
      const byRepository = await fx.clients.findOneTx(tx, { companyId, phone: phoneFor(1) });
      await fx.clients.upsertTx(tx, { companyId, phone: phoneFor(2), name: 'From the repository' }, ['companyId', 'phone']);
      const byModel = await tx.client.findFirst({ where: { companyId, phone: phoneFor(2) } });
      return { byRepository: byRepository?.name, byModel: byModel?.name, outside: await outsideCount() };
    });
    expect(seen).toEqual({ byRepository: 'From the model API', byModel: 'From the repository', outside: 0 });
    expect(await outsideCount()).toBe(2);
  });

  test('when a repository statement fails inside withTransaction, then the caller gets the typed error and Sentry one report naming the repository call', async () => {
    const companyId = await fx.freshCompany();
    const failure = await withTransaction(
      fx.stack.db,
      async (tx) => {
        await tx.staff.create({ data: { companyId, crmId: 1, name: 'Anna' } });
        await fx.clients.upsertTx(tx, { companyId: 987_654, phone: phoneFor(1) }, ['companyId', 'phone']);
      },
      { reporter: fx.reporter },
    ).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'FOREIGN_KEY_VIOLATION', sqlState: '23503' });
    expect(fx.reports).toHaveLength(1);
    expect(fx.reports[0]).toMatchObject({ component: 'database', model: 'Client', operation: 'upsert', level: 'warning' });
    expect(await fx.stack.db.staff.count({ where: { companyId } })).toBe(0);
  });

  test('when rows are read inside a transaction, then they have the same shape and values as outside (Decimal, Date, JSON)', async () => {
    const companyId = await fx.freshCompany();
    await fx.clients.upsert(
      { companyId, phone: phoneFor(1), totalSpent: '1234.50', lastVisitAt: new Date('2030-05-06T07:08:09.123Z'), raw: { tags: ['vip'] } },
      ['companyId', 'phone'],
    );
    const outside = await fx.clients.findOne({ companyId, phone: phoneFor(1) });
    const inside = await withTransaction(fx.stack.db, (tx) => fx.clients.findOneTx(tx, { companyId, phone: phoneFor(1) }));
    expect(inside).toEqual(outside);
    expect(inside?.totalSpent).toBeInstanceOf(Prisma.Decimal);
    expect(inside?.lastVisitAt).toBeInstanceOf(Date);
  });

  test('when the transaction times out while the function still runs, then its next repository statement is refused and nothing is written anywhere', async () => {
    const companyId = await fx.freshCompany();
    const failure = await withTransaction(
      fx.stack.db,
      async (tx) => {
        await fx.clients.upsertTx(tx, { companyId, phone: phoneFor(1) }, ['companyId', 'phone']);
        // Prisma rolls the transaction back on its timeout and releases the connection to the pool.
        await waitFor(fx.poolAtRest);
        await fx.clients.upsertTx(tx, { companyId, phone: phoneFor(2) }, ['companyId', 'phone']);
      },
      { timeout: 1_000, maxRetries: 0 },
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TimeoutError);
    expect(await fx.clients.count({ companyId })).toBe(0);
    await waitFor(fx.poolAtRest);
  });

  test('when a transaction client escapes its function and is used after commit, then the statement is refused instead of running on a pooled connection', async () => {
    const companyId = await fx.freshCompany();
    let escaped!: TxClient;
    await withTransaction(fx.stack.db, async (tx) => {
      escaped = tx;
    });
    await expect(fx.clients.upsertTx(escaped, { companyId, phone: phoneFor(1) }, ['companyId', 'phone'])).rejects.toBeInstanceOf(TimeoutError);
    expect(await fx.clients.count({ companyId })).toBe(0);
  });

  test('when a transaction is opened with a bare $transaction, then repository SQL goes through Prisma and still joins it', async () => {
    const companyId = await fx.freshCompany();
    const failure = new Error('roll back');
    let bound: boolean | undefined;
    await expect(
      fx.stack.db.$transaction(async (tx) => {
        bound = sendsDirectly(tx);
        await fx.clients.upsertTx(tx, { companyId, phone: phoneFor(1) }, ['companyId', 'phone']);
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(bound).toBe(false);
    expect(await fx.clients.count({ companyId })).toBe(0);
  });
});
