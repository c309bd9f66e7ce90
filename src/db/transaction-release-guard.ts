/**
 * Works around a connection leak in Prisma 6.19's client engine with
 * @prisma/adapter-pg: when the COMMIT or ROLLBACK statement of an interactive
 * transaction fails (backend terminated mid-transaction, server restart,
 * idle_in_transaction_session_timeout, a deferred constraint at COMMIT), the
 * transaction manager never calls the adapter's commit()/rollback(), which are
 * what release the pg client to the pool. Each such failure then leaks one of
 * the pool's few connections for good, and `pool.end()` never returns.
 * (transaction-manager.ts `#closeTransaction`: `executeRaw(ROLLBACK)` is
 * awaited before `rollback()`, with no release on failure.)
 *
 * The guard wraps the adapter factory: if COMMIT or ROLLBACK fails, the
 * connection is released with an error, so the pool discards it (its state is
 * unknown) and opens a fresh one when needed. Found by the fault tests
 * (tests/integration/faults-connection-lost.test.ts).
 *
 * The same wrapper hands each transaction's pg client to the `withTransaction`
 * that opened it, and closes that hand-over before COMMIT/ROLLBACK is sent
 * (transaction-connection.ts explains why and how).
 */
import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, Transaction } from '@prisma/driver-adapter-utils';
import { pendingTransactionCapture, type TransactionConnection } from './transaction-connection.js';

const CLOSING_STATEMENT = /^\s*(COMMIT|ROLLBACK)\s*;?\s*$/i;

interface ReleasableClient {
  release(error?: Error | boolean): void;
  query?: unknown;
}

/** adapter-pg keeps the checked-out pool client of a transaction as `client`. */
const pgClientOf = (tx: Transaction) => (tx as unknown as { client?: ReleasableClient }).client;

function guardTransaction(tx: Transaction, capture: TransactionConnection | undefined): Transaction {
  let released = false;
  const client = pgClientOf(tx);
  if (capture && client && typeof client.query === 'function') capture.attach(client as unknown as Parameters<TransactionConnection['attach']>[0]);
  const discard = async (error: unknown) => {
    if (released) return;
    released = true;
    // Releasing the pool client with an error removes it from the pool instead of reusing it.
    if (client && typeof client.release === 'function') client.release(error instanceof Error ? error : true);
    else await tx.rollback().catch(() => undefined);
  };
  const executeRaw = tx.executeRaw.bind(tx);
  const commit = tx.commit.bind(tx);
  const rollback = tx.rollback.bind(tx);
  return Object.assign(tx, {
    async executeRaw(query: SqlQuery): Promise<number> {
      const closing = CLOSING_STATEMENT.test(query.sql);
      // From here on, no repository statement may reach this connection.
      if (closing) capture?.close();
      try {
        return await executeRaw(query);
      } catch (error) {
        if (closing) await discard(error);
        throw error;
      }
    },
    async commit(): Promise<void> {
      capture?.close();
      if (released) return;
      released = true;
      await commit();
    },
    async rollback(): Promise<void> {
      capture?.close();
      if (released) return;
      released = true;
      await rollback();
    },
  });
}

function guardAdapter(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const startTransaction = adapter.startTransaction.bind(adapter);
  return Object.assign(adapter, {
    async startTransaction(...args: Parameters<SqlDriverAdapter['startTransaction']>): Promise<Transaction> {
      // Read before the await: the capture belongs to the caller that is starting this transaction.
      const capture = pendingTransactionCapture();
      return guardTransaction(await startTransaction(...args), capture);
    },
  });
}

export function guardTransactionRelease<F extends SqlDriverAdapterFactory>(factory: F): F {
  const connect = factory.connect.bind(factory);
  return Object.assign(factory, {
    async connect(): Promise<SqlDriverAdapter> {
      return guardAdapter(await connect());
    },
  });
}
