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
 */
import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, Transaction } from '@prisma/driver-adapter-utils';

const CLOSING_STATEMENT = /^\s*(COMMIT|ROLLBACK)\s*;?\s*$/i;

interface ReleasableClient {
  release(error?: Error | boolean): void;
}

function guardTransaction(tx: Transaction): Transaction {
  let released = false;
  const discard = async (error: unknown) => {
    if (released) return;
    released = true;
    // adapter-pg keeps the checked-out pool client as `client`; releasing it
    // with an error removes it from the pool instead of reusing it.
    const client = (tx as unknown as { client?: ReleasableClient }).client;
    if (client && typeof client.release === 'function') client.release(error instanceof Error ? error : true);
    else await tx.rollback().catch(() => undefined);
  };
  const executeRaw = tx.executeRaw.bind(tx);
  const commit = tx.commit.bind(tx);
  const rollback = tx.rollback.bind(tx);
  return Object.assign(tx, {
    async executeRaw(query: SqlQuery): Promise<number> {
      try {
        return await executeRaw(query);
      } catch (error) {
        if (CLOSING_STATEMENT.test(query.sql)) await discard(error);
        throw error;
      }
    },
    async commit(): Promise<void> {
      if (released) return;
      released = true;
      await commit();
    },
    async rollback(): Promise<void> {
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
      return guardTransaction(await startTransaction(...args));
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
