/**
 * Builds the Prisma client over the process pool (@prisma/adapter-pg, Rust-free
 * client) with the "Prisma middleware" that Prisma 6 no longer has as `$use`:
 * a query extension around every operation that times it, logs slow ones,
 * reports failures to Sentry once (component=database) and rethrows them as
 * typed domain errors.
 */
import type pg from 'pg';
import { prepareParam, prismaCompatibleTypes } from './pg-row-types.js';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.js';
import { mapDatabaseError } from './error-mapping.js';
import { ErrorCode, type DataError } from './errors.js';
import type { Logger } from '../observability/logger.js';
import { markReported, reportingOwner, type ErrorReporter } from '../observability/error-reporter.js';
import { currentOperationLabel } from './operation-label.js';
import { guardTransactionRelease } from './transaction-release-guard.js';
import type { TransactionConnection } from './transaction-connection.js';

export interface OperationEvent {
  model: string | undefined;
  operation: string;
  durationMs: number;
  error?: DataError;
}

export interface DbClientDeps {
  logger: Logger;
  reporter: ErrorReporter;
  slowQueryMs: number;
  /** Called after every operation (metrics). Must not throw. */
  onOperation?: (event: OperationEvent) => void;
}

/** Errors that are answers to bad input, not faults: not sent to Sentry. */
const NOT_REPORTED = new Set<string>([ErrorCode.Validation, ErrorCode.NotFound]);
/** Constraint refusals are reported as warnings: expected under races, worth seeing in bulk. */
const WARNING_ONLY = new Set<string>([ErrorCode.UniqueViolation, ErrorCode.ForeignKeyViolation, ErrorCode.BookingConflict]);

/**
 * What is safe to say about an operation's arguments: the names of filter and
 * data fields, row counts, paging and numeric ids. Never field values.
 */
export function describeArgs(args: unknown): Record<string, unknown> {
  if (args === null || typeof args !== 'object') return {};
  const record = args as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const where = record.where;
  if (where && typeof where === 'object') {
    out.filterKeys = Object.keys(where);
    const id = (where as Record<string, unknown>).id;
    if (typeof id === 'number') out.id = id;
  }
  const data = record.data ?? record.create;
  if (Array.isArray(data)) out.count = data.length;
  else if (data && typeof data === 'object') out.dataKeys = Object.keys(data);
  if (typeof record.take === 'number') out.take = record.take;
  if (typeof record.skip === 'number') out.skip = record.skip;
  return out;
}

/** Where a statement came from, for logs, metrics and Sentry. */
interface ObservedCall {
  model: string | undefined;
  operation: string;
  describe: () => Record<string, unknown>;
  /** false for statements whose failure is expected and already handled (diagnostics). */
  report: boolean;
}

/**
 * The one wrapper every database call runs in, whichever path it takes
 * (Prisma's query engine or the direct pool path): time it, log it when slow,
 * and on failure map it to a DataError, report it once and throw that.
 */
async function observed<T>(deps: DbClientDeps, call: ObservedCall, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const { model, operation } = call;
  try {
    const result = await run();
    const durationMs = performance.now() - started;
    deps.onOperation?.({ model, operation, durationMs });
    if (durationMs >= deps.slowQueryMs) {
      deps.logger.warn({ model, operation, durationMs: Math.round(durationMs), ...call.describe() }, 'slow database operation');
    }
    return result;
  } catch (error) {
    const durationMs = performance.now() - started;
    const mapped = mapDatabaseError(error, { fromDatabaseCall: true });
    deps.onOperation?.({ model, operation, durationMs, error: mapped });
    // A caller that owns the report (data layer, WhatsApp auth) sends it with its own operation.
    if (reportingOwner()) mapped.origin ??= { model, operation };
    else if (!NOT_REPORTED.has(mapped.code) && call.report) {
      deps.reporter.report(error, {
        component: 'database',
        operation,
        model: model ?? 'raw',
        level: WARNING_ONLY.has(mapped.code) ? 'warning' : 'error',
        tags: {
          error_code: mapped.code,
          prisma_code: mapped.prismaCode,
          sqlstate: mapped.sqlState,
          retryable: mapped.retryable,
        },
        context: { durationMs: Math.round(durationMs), ...call.describe() },
      });
    }
    // The domain error is what callers see; once sent, it is marked so no layer reports it again.
    if (!reportingOwner()) markReported(mapped);
    throw mapped;
  }
}

function labelledCall(prismaModel: string | undefined, prismaOperation: string, args: unknown): ObservedCall {
  // Raw SQL from a repository carries the repository's model and method (operation-label.ts).
  const label = prismaModel ? undefined : currentOperationLabel();
  return {
    model: label?.model ?? prismaModel,
    operation: label?.operation ?? prismaOperation,
    describe: () => (label ? { ...label.context } : describeArgs(args)),
    report: label?.report !== false,
  };
}

function withErrorForwarding(base: PrismaClient, deps: DbClientDeps) {
  return base.$extends({
    name: 'error-forwarding',
    query: {
      $allOperations({ model, operation, args, query }) {
        return observed(deps, labelledCall(model, operation, args), () => query(args));
      },
    },
  });
}

/** Sends one statement: on the pool, or on the connection of a transaction. */
type SendStatement = <R extends pg.QueryResultRow>(config: pg.QueryConfig) => Promise<pg.QueryResult<R>>;

/**
 * Raw SQL straight on pg, for repository statements. Prisma's raw path costs
 * about 0.4 ms per statement plus ~15 ns per parameter byte in the client
 * (measured in bench/data-core.bench.ts), which doubles the cost of small hot
 * statements. Same observation, same errors, same row shapes (pg-row-types.ts)
 * on either connection: the pool's outside a transaction, the transaction's
 * own inside one (transaction-connection.ts).
 */
function directSql(send: SendStatement, deps: DbClientDeps): DirectSql {
  const run = <T>(sql: string, params: unknown[]) =>
    send<T & pg.QueryResultRow>({ text: sql, values: params.map(prepareParam), types: prismaCompatibleTypes });
  return {
    query: <T>(sql: string, params: unknown[]) =>
      observed(deps, labelledCall(undefined, '$queryRawUnsafe', undefined), async () => (await run<T>(sql, params)).rows as T[]),
    execute: (sql: string, params: unknown[]) =>
      observed(deps, labelledCall(undefined, '$executeRawUnsafe', undefined), async () => (await run(sql, params)).rowCount ?? 0),
  };
}

export interface DirectSql {
  query<T>(sql: string, params: unknown[]): Promise<T[]>;
  execute(sql: string, params: unknown[]): Promise<number>;
}

const directSqlByClient = new WeakMap<object, DirectSql>();
const depsByClient = new WeakMap<object, DbClientDeps>();

/**
 * Runs raw SQL on `client`: on pg directly when it is the top-level client
 * from createDbClient (the pool) or a transaction client that withTransaction
 * bound to its connection; through Prisma for any other client (a
 * transaction opened with a bare `$transaction`), which joins the transaction too.
 */
export function rawSql(client: DbOrTx): DirectSql {
  return (
    directSqlByClient.get(client) ?? {
      query: <T>(sql: string, params: unknown[]) => client.$queryRawUnsafe<T[]>(sql, ...params),
      execute: (sql: string, params: unknown[]) => client.$executeRawUnsafe(sql, ...params),
    }
  );
}

/**
 * Makes rawSql(tx) send on the transaction's own connection, with the
 * observation (logs, metrics, Sentry) of the client that opened it. Unless
 * 'bound', rawSql(tx) keeps going through Prisma: 'foreign-client' when `db`
 * is not from createDbClient (a test double), 'not-captured' when the
 * adapter did not hand over the connection.
 */
export function bindTransactionSql(db: DbOrTx, tx: TxClient, connection: TransactionConnection): 'bound' | 'foreign-client' | 'not-captured' {
  const deps = depsByClient.get(db);
  if (!deps) return 'foreign-client';
  if (!connection.attached) return 'not-captured';
  directSqlByClient.set(tx, directSql((config) => connection.query(config), deps));
  return 'bound';
}

/** True when rawSql(client) sends on pg directly (the pool, or a bound transaction's connection). */
export function sendsDirectly(client: DbOrTx): boolean {
  return directSqlByClient.has(client);
}

export function createDbClient(pool: pg.Pool, deps: DbClientDeps) {
  // The pool is ours: the adapter must not end it, shutdown does (database.ts).
  // The guard releases, and discards, connections whose COMMIT/ROLLBACK failed: Prisma 6.19 leaks them (transaction-release-guard.ts).
  const adapter = guardTransactionRelease(
    new PrismaPg(pool, {
      onPoolError: (error) => deps.logger.warn({ code: (error as { code?: string }).code }, 'database pool error'),
    }),
  );
  const client = withErrorForwarding(new PrismaClient({ adapter }), deps);
  directSqlByClient.set(client, directSql((config) => pool.query(config), deps));
  depsByClient.set(client, deps);
  return client;
}

/** The application's database client. */
export type Db = ReturnType<typeof createDbClient>;
/** The client inside an interactive transaction (no $transaction, $connect, ...). */
export type TxClient = Parameters<Extract<Parameters<Db['$transaction']>[0], (...args: never[]) => unknown>>[0];
/** Either, for code that works inside or outside a transaction. */
export type DbOrTx = Db | TxClient;
