/**
 * withTransaction: Prisma's interactive $transaction with the rules every
 * caller needs: commit on success, rollback on throw, the outer transaction
 * reused by inner calls, serialization failures and deadlocks retried a
 * bounded number of times with jittered backoff, the duration logged, and a
 * failed transaction reported to Sentry once.
 *
 * Repository SQL inside `fn` runs on the transaction's own pg connection,
 * not through Prisma's transaction client (transaction-connection.ts);
 * Prisma model calls on `tx` keep going through Prisma, on the same connection.
 */
import { mapDatabaseError } from './error-mapping.js';
import { DataError, ErrorCode, isExpectedOutcome } from './errors.js';
import { bindTransactionSql, type Db, type DbOrTx, type TxClient } from './prisma-client.js';
import { captureTransactionConnection, outsideCapture, TransactionConnection } from './transaction-connection.js';
import { silentLogger, type Logger } from '../observability/logger.js';
import { reportingOwner, sentryReporter, type ErrorReporter } from '../observability/error-reporter.js';

export type IsolationLevel = 'ReadUncommitted' | 'ReadCommitted' | 'RepeatableRead' | 'Serializable';

export interface TransactionOptions {
  /** Name for logs and Sentry. */
  name?: string;
  /** Longest the transaction may run, ms (Prisma `timeout`). */
  timeout?: number;
  /** Longest to wait for a connection, ms (Prisma `maxWait`); the pool's acquire timeout should not exceed it. */
  maxWait?: number;
  isolationLevel?: IsolationLevel;
  /** Retries after a serialization failure or deadlock (default 3). */
  maxRetries?: number;
  /** First backoff, ms; doubled each retry, with full jitter. */
  retryBaseDelayMs?: number;
  logger?: Logger;
  reporter?: ErrorReporter;
  /** Called once when the transaction commits or finally fails, e.g. metrics.observeTransaction. Must not throw. */
  onFinish?: (event: TransactionFinishedEvent) => void;
}

export interface TransactionFinishedEvent {
  name: string;
  /** Wall time of all attempts, including retry backoff. */
  durationMs: number;
  attempts: number;
  /** Domain error code of a rollback; APPLICATION_ERROR when the caller's own code threw. Absent on commit. */
  errorCode?: string;
}

export const TRANSACTION_DEFAULTS = {
  timeout: 15_000,
  maxWait: 10_000,
  maxRetries: 3,
  retryBaseDelayMs: 20,
} as const;

/** A transaction client has no $transaction of its own. */
export function isTransactionClient(db: DbOrTx): db is TxClient {
  return !('$transaction' in db) || typeof (db as { $transaction?: unknown }).$transaction !== 'function';
}

/** Errors thrown by the caller's own code pass through untouched; database failures become DataErrors. */
function normalise(error: unknown): unknown {
  if (error instanceof DataError) return error;
  const mapped = mapDatabaseError(error);
  return mapped.code === ErrorCode.Database && !looksLikeDatabaseError(error) ? error : mapped;
}

function looksLikeDatabaseError(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' && (name.startsWith('PrismaClient') || name === 'DriverAdapterError' || name === 'DatabaseError');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let warnedUncaptured = false;

/**
 * One attempt: Prisma's interactive transaction, with repository SQL on its
 * connection. If the connection cannot be captured (a Prisma or adapter
 * upgrade changed what transaction-connection.ts relies on), the statements
 * go through Prisma's transaction client instead: correct, slower, said once.
 */
function runAttempt<T>(db: Db, fn: (tx: TxClient) => Promise<T>, prismaOptions: Parameters<Db['$transaction']>[1], logger: Logger): Promise<T> {
  const connection = new TransactionConnection();
  return captureTransactionConnection(connection, () =>
    db.$transaction((tx) => {
      if (bindTransactionSql(db, tx as TxClient, connection) === 'not-captured' && !warnedUncaptured) {
        warnedUncaptured = true;
        logger.warn({}, 'repository SQL in transactions goes through the Prisma client: the transaction connection was not captured (Prisma or adapter upgrade?)');
      }
      return outsideCapture(() => fn(tx as TxClient));
    }, prismaOptions),
  );
}

export async function withTransaction<T>(db: DbOrTx, fn: (tx: TxClient) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
  // Already inside a transaction: join it. Its owner commits, rolls back and retries.
  if (isTransactionClient(db)) return fn(db);

  const logger = options.logger ?? silentLogger;
  const reporter = options.reporter ?? sentryReporter;
  const maxRetries = options.maxRetries ?? TRANSACTION_DEFAULTS.maxRetries;
  const baseDelay = options.retryBaseDelayMs ?? TRANSACTION_DEFAULTS.retryBaseDelayMs;
  const name = options.name ?? 'transaction';
  const started = performance.now();
  // A failing observer must not turn a committed transaction into an error.
  const finished = (event: TransactionFinishedEvent) => {
    try {
      options.onFinish?.(event);
    } catch {
      /* observers must not throw; ignored */
    }
  };

  for (let attempt = 1; ; attempt += 1) {
    // Whether the work resolved, so Prisma went on to send COMMIT: a failure before that provably rolled back.
    let workDone = false;
    try {
      const result = await runAttempt(db as Db, async (tx) => {
        const value = await fn(tx);
        workDone = true;
        return value;
      }, {
        timeout: options.timeout ?? TRANSACTION_DEFAULTS.timeout,
        maxWait: options.maxWait ?? TRANSACTION_DEFAULTS.maxWait,
        ...(options.isolationLevel ? { isolationLevel: options.isolationLevel } : {}),
      }, logger);
      const committedMs = performance.now() - started;
      logger.debug({ transaction: name, attempt, durationMs: Math.round(committedMs) }, 'transaction committed');
      finished({ name, durationMs: committedMs, attempts: attempt });
      return result;
    } catch (error) {
      const failure = normalise(error);
      if (failure instanceof DataError && !workDone) failure.rolledBack = true;
      const durationMs = Math.round(performance.now() - started);
      const retryable = failure instanceof DataError && failure.code === ErrorCode.SerializationFailure;
      if (retryable && attempt <= maxRetries) {
        const delay = Math.random() * baseDelay * 2 ** (attempt - 1);
        logger.info({ transaction: name, attempt, delayMs: Math.round(delay) }, 'transaction conflict, retrying');
        await sleep(delay);
        continue;
      }
      const errorCode = failure instanceof DataError ? failure.code : 'APPLICATION_ERROR';
      logger.warn({ transaction: name, attempt, durationMs, code: errorCode }, 'transaction rolled back');
      finished({ name, durationMs: performance.now() - started, attempts: attempt, errorCode });
      // Only database faults: an application error thrown to roll back belongs to the caller,
      // who reports it if it is a fault; expected outcomes are answers, not faults.
      // Under a reporting owner (data layer, WhatsApp auth) the owner sends it, with its operation.
      if (failure instanceof DataError && reportingOwner()) failure.origin ??= { model: undefined, operation: `transaction ${name}` };
      else if (failure instanceof DataError && !isExpectedOutcome(failure)) {
        reporter.report(failure, {
          component: 'database',
          operation: 'transaction',
          tags: { transaction: name, attempts: attempt, error_code: failure instanceof DataError ? failure.code : undefined },
          context: { durationMs, attempts: attempt },
        });
      }
      throw failure;
    }
  }
}
