/**
 * The pg connection of an interactive transaction, so repository SQL inside
 * `withTransaction` runs on it directly instead of through Prisma's
 * transaction client (which adds about 0.4 ms of client work per statement).
 *
 * How the connection is found (Prisma 6.19, @prisma/adapter-pg 6.19):
 * `db.$transaction(fn)` asks the driver adapter to start a transaction
 * (`PrismaPgAdapter.startTransaction`), which checks a client out of our
 * pg.Pool, sends BEGIN on it and returns a `PgTransaction` holding that
 * client as its `client` field. Prisma runs every statement of the
 * transaction on that client, then sends COMMIT or ROLLBACK through the same
 * object's `executeRaw` and calls its `commit()` / `rollback()`, which release
 * the client to the pool. The adapter wrapper of transaction-release-guard.ts
 * sees each of those steps. `withTransaction` opens the transaction inside
 * `captureTransactionConnection`, the wrapper hands the started transaction's
 * client to the capture (an AsyncLocalStorage scope, so concurrent
 * transactions never mix), and `fn`'s repositories then send their SQL on it.
 *
 * Safety: the capture is closed *before* COMMIT or ROLLBACK is sent (by
 * `withTransaction`'s end, Prisma's timeout or a rollback), so a statement
 * issued after that is refused with TransactionClosedError and never runs on
 * a connection that is back in the pool, or outside the transaction. A
 * statement already sent runs before the COMMIT/ROLLBACK: pg queues a
 * client's queries in order.
 *
 * Upgrade risk: this relies on three things Prisma does not promise: the
 * adapter calling `startTransaction` in the async context of `$transaction`,
 * `PgTransaction.client` being the pg client, and the transaction closing by
 * `executeRaw('COMMIT' | 'ROLLBACK')`. If an upgrade changes any of them the
 * capture finds nothing and repository SQL falls back to Prisma's transaction
 * client (correct, slower, logged once); tests/integration/transaction-connection.test.ts
 * fails, so the upgrade is noticed.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type pg from 'pg';

/** A statement sent after its transaction committed, rolled back or timed out. */
export class TransactionClosedError extends Error {
  override name = 'TransactionClosedError';
  constructor() {
    super('Transaction already closed: a statement was sent after the transaction committed, rolled back or timed out');
  }
}

/** The part of pg.PoolClient the direct path uses. */
type QueryClient = Pick<pg.PoolClient, 'query'>;

export class TransactionConnection {
  #client: QueryClient | undefined;
  #closed = false;

  /** True once the adapter handed over the transaction's client. */
  get attached(): boolean {
    return this.#client !== undefined;
  }

  attach(client: QueryClient): void {
    this.#client = client;
  }

  /** No statement may be sent any more (COMMIT/ROLLBACK is on its way, or the client was released). */
  close(): void {
    this.#closed = true;
  }

  query<R extends pg.QueryResultRow>(config: pg.QueryConfig): Promise<pg.QueryResult<R>> {
    if (this.#closed || !this.#client) return Promise.reject(new TransactionClosedError());
    return this.#client.query<R>(config);
  }
}

const opening = new AsyncLocalStorage<TransactionConnection>();

/**
 * Runs `start` (which opens one Prisma interactive transaction) so that the
 * adapter can hand that transaction's connection to `connection`.
 */
export function captureTransactionConnection<T>(connection: TransactionConnection, start: () => Promise<T>): Promise<T> {
  return opening.run(connection, start);
}

/** Runs `fn` outside the capture scope, so transactions it opens are not taken for the captured one. */
export function outsideCapture<T>(fn: () => T): T {
  return opening.exit(fn);
}

/**
 * For the adapter wrapper: the capture waiting for the transaction being
 * started now, if any. Only the first transaction started in a scope is
 * taken (Prisma's internal transactions inside `fn` run outside the scope).
 */
export function pendingTransactionCapture(): TransactionConnection | undefined {
  const connection = opening.getStore();
  return connection && !connection.attached ? connection : undefined;
}
