/**
 * Repository SQL inside withTransaction runs on the transaction's own pg
 * connection (src/db/transaction-connection.ts), beside Prisma model calls on
 * the same `tx`. These tests prove it joins the transaction (one connection,
 * one transaction id, rollback of both kinds of writes together, retries of
 * the whole function), keeps the error mapping, Sentry ownership and row
 * shapes, and can never run after its transaction closed. If a Prisma or
 * adapter upgrade breaks the connection hand-over, the first test fails.
 */
import pg from 'pg';
import { Prisma } from '../../src/generated/prisma/client.js';
import { SerializationFailureError, TimeoutError } from '../../src/db/errors.js';
import { getPoolStats } from '../../src/db/pool.js';
import { rawSql, sendsDirectly, type TxClient } from '../../src/db/prisma-client.js';
import { withTransaction } from '../../src/db/transaction.js';
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

const poolAtRest = () => {
  const stats = getPoolStats(stack.pool);
  return stats.inUse === 0 && stats.waiting === 0;
};

/** What the server says about the session and transaction a statement ran in. */
interface SessionFacts {
  pid: number;
  txid: string;
}
const SESSION_SQL = 'SELECT pg_backend_pid() AS pid, txid_current()::text AS txid';

beforeAll(async () => {
  stack = await createTestStack({ reporter });
  clients = new TestClientRepository(stack.db, { reporter });
  companies = new TestCompanyRepository(stack.db);
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

describe('repository SQL on the transaction connection', () => {
  test('when repository SQL runs inside withTransaction, then it goes straight to pg on the same backend and transaction as Prisma calls on tx', async () => {
    const { direct, viaPrisma, bound } = await withTransaction(stack.db, async (tx) => ({
      bound: sendsDirectly(tx),
      direct: (await rawSql(tx).query<SessionFacts>(SESSION_SQL, []))[0],
      viaPrisma: (await tx.$queryRawUnsafe<SessionFacts[]>(SESSION_SQL))[0],
    }));
    expect(bound).toBe(true);
    expect(direct).toEqual(viaPrisma);
    await waitFor(poolAtRest);
  });

  test('when a repository write and a Prisma model write are followed by a throw, then both are rolled back together', async () => {
    const companyId = await freshCompany();
    const failure = new Error('changed my mind');
    await expect(
      withTransaction(stack.db, async (tx) => {
        await clients.upsertTx(tx, { companyId, phone: phoneFor(1) }, ['companyId', 'phone']);
        await tx.staff.create({ data: { companyId, crmId: 1, name: 'Anna' } });
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await clients.count({ companyId })).toBe(0);
    expect(await stack.db.staff.count({ where: { companyId } })).toBe(0);
    await waitFor(poolAtRest);
  });

  test('when a model write and a repository write share a transaction, then each sees the other before commit, nobody outside does, and both commit', async () => {
    const companyId = await freshCompany();
    const outsideCount = async () => Number((await outsider.query('SELECT count(*) AS n FROM clients WHERE company_id = $1', [companyId])).rows[0].n);
    const seen = await withTransaction(stack.db, async (tx) => {
      await tx.client.create({ data: { companyId, phone: phoneFor(1), name: 'From the model API' } });
      const byRepository = await clients.findOneTx(tx, { companyId, phone: phoneFor(1) });
      await clients.upsertTx(tx, { companyId, phone: phoneFor(2), name: 'From the repository' }, ['companyId', 'phone']);
      const byModel = await tx.client.findFirst({ where: { companyId, phone: phoneFor(2) } });
      return { byRepository: byRepository?.name, byModel: byModel?.name, outside: await outsideCount() };
    });
    expect(seen).toEqual({ byRepository: 'From the model API', byModel: 'From the repository', outside: 0 });
    expect(await outsideCount()).toBe(2);
  });

  test('when a repository statement fails inside withTransaction, then the caller gets the typed error and Sentry one report naming the repository call', async () => {
    const companyId = await freshCompany();
    const failure = await withTransaction(
      stack.db,
      async (tx) => {
        await tx.staff.create({ data: { companyId, crmId: 1, name: 'Anna' } });
        await clients.upsertTx(tx, { companyId: 987_654, phone: phoneFor(1) }, ['companyId', 'phone']);
      },
      { reporter },
    ).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'FOREIGN_KEY_VIOLATION', sqlState: '23503' });
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ component: 'database', model: 'Client', operation: 'upsert', level: 'warning' });
    expect(await stack.db.staff.count({ where: { companyId } })).toBe(0);
  });

  test('when rows are read inside a transaction, then they have the same shape and values as outside (Decimal, Date, JSON)', async () => {
    const companyId = await freshCompany();
    await clients.upsert(
      { companyId, phone: phoneFor(1), totalSpent: '1234.50', lastVisitAt: new Date('2030-05-06T07:08:09.123Z'), raw: { tags: ['vip'] } },
      ['companyId', 'phone'],
    );
    const outside = await clients.findOne({ companyId, phone: phoneFor(1) });
    const inside = await withTransaction(stack.db, (tx) => clients.findOneTx(tx, { companyId, phone: phoneFor(1) }));
    expect(inside).toEqual(outside);
    expect(inside?.totalSpent).toBeInstanceOf(Prisma.Decimal);
    expect(inside?.lastVisitAt).toBeInstanceOf(Date);
  });

  test('when a Serializable conflict hits a function mixing model and repository writes, then the whole function reruns and each write is committed once', async () => {
    const companyId = await freshCompany();
    let attempts = 0;
    let reads = 0;
    let release!: () => void;
    const bothRead = new Promise<void>((resolve) => (release = resolve));
    const writeSkew = (index: number) =>
      withTransaction(
        stack.db,
        async (tx) => {
          attempts += 1;
          const seen = await clients.countTx(tx, { companyId });
          reads += 1;
          if (reads === 2) release();
          await bothRead;
          await tx.staff.create({ data: { companyId, crmId: index, name: `Master ${index}` } });
          if (seen < 5) await clients.upsertTx(tx, { companyId, phone: phoneFor(index) }, ['companyId', 'phone']);
        },
        { isolationLevel: 'Serializable', maxRetries: 3, retryBaseDelayMs: 5 },
      );
    await Promise.all([writeSkew(1), writeSkew(2)]);
    expect(attempts).toBe(3);
    expect(await clients.count({ companyId })).toBe(2);
    // The loser's first model write was rolled back with its repository work: one staff row each.
    expect(await stack.db.staff.count({ where: { companyId } })).toBe(2);
    await waitFor(poolAtRest);
  });

  test('when every attempt conflicts, then it gives up after maxRetries with SerializationFailureError and leaves nothing of any attempt', async () => {
    const companyId = await freshCompany();
    const client = await clients.upsert({ companyId, phone: phoneFor(1), visitCount: 0 }, ['companyId', 'phone']);
    let attempts = 0;
    const failure = await withTransaction(
      stack.db,
      async (tx) => {
        attempts += 1;
        await clients.findOneTx(tx, { id: client.id });
        await tx.staff.create({ data: { companyId, crmId: attempts, name: 'Anna' } });
        await outsider.query('UPDATE clients SET visit_count = visit_count + 1 WHERE id = $1', [client.id]);
        await clients.upsertTx(tx, { companyId, phone: phoneFor(1), visitCount: 100 }, ['companyId', 'phone']);
      },
      { isolationLevel: 'RepeatableRead', maxRetries: 2, retryBaseDelayMs: 1 },
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SerializationFailureError);
    expect(attempts).toBe(3);
    expect(await stack.db.staff.count({ where: { companyId } })).toBe(0);
    await waitFor(poolAtRest);
  });

  test('when the transaction times out while the function still runs, then its next repository statement is refused and nothing is written anywhere', async () => {
    const companyId = await freshCompany();
    const failure = await withTransaction(
      stack.db,
      async (tx) => {
        await clients.upsertTx(tx, { companyId, phone: phoneFor(1) }, ['companyId', 'phone']);
        // Prisma rolls the transaction back on its timeout and releases the connection to the pool.
        await waitFor(poolAtRest);
        await clients.upsertTx(tx, { companyId, phone: phoneFor(2) }, ['companyId', 'phone']);
      },
      { timeout: 1_000, maxRetries: 0 },
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TimeoutError);
    expect(await clients.count({ companyId })).toBe(0);
    await waitFor(poolAtRest);
  });

  test('when a transaction client escapes its function and is used after commit, then the statement is refused instead of running on a pooled connection', async () => {
    const companyId = await freshCompany();
    let escaped!: TxClient;
    await withTransaction(stack.db, async (tx) => {
      escaped = tx;
    });
    await expect(clients.upsertTx(escaped, { companyId, phone: phoneFor(1) }, ['companyId', 'phone'])).rejects.toBeInstanceOf(TimeoutError);
    expect(await clients.count({ companyId })).toBe(0);
  });

  test('when a transaction is opened with a bare $transaction, then repository SQL goes through Prisma and still joins it', async () => {
    const companyId = await freshCompany();
    const failure = new Error('roll back');
    let bound: boolean | undefined;
    await expect(
      stack.db.$transaction(async (tx) => {
        bound = sendsDirectly(tx);
        await clients.upsertTx(tx, { companyId, phone: phoneFor(1) }, ['companyId', 'phone']);
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(bound).toBe(false);
    expect(await clients.count({ companyId })).toBe(0);
  });
});
