/**
 * BaseRepository: typed reads and writes over one table, on the injected
 * Prisma client (or a transaction client), in raw SQL built only from the
 * TableSpec.
 *
 * Why raw SQL and not the model API: the model API costs 3 to 7 times raw
 * `pg` on small statements (query compilation in the client) and cannot do a
 * set-based upsert. `rawSql(client)` keeps the error handling of the
 * extension (typed errors, Sentry once) and joins transactions: the
 * top-level client runs the statement on the pool, a TxClient from
 * withTransaction on the transaction's own pg connection (both directly with
 * pg: prisma-client.ts, transaction-connection.ts).
 *
 * Rows come back in the Prisma model shape: camelCase fields, Date for
 * timestamps and dates, Prisma.Decimal for numeric, bigint for bigint, parsed
 * JSON for jsonb, strings for enums.
 *
 * Transactions: every method has a `...Tx(tx, ...)` twin taking the client to
 * run on; `withTransaction(fn)` opens one (or joins the caller's).
 */
import { ValidationError } from '../db/errors.js';
import { withOperationLabel } from '../db/operation-label.js';
import { rawSql, type DbOrTx, type TxClient } from '../db/prisma-client.js';
import { withTransaction, type TransactionOptions } from '../db/transaction.js';
import type { ErrorReporter } from '../observability/error-reporter.js';
import { silentLogger, type Logger } from '../observability/logger.js';
import { bulkUpsertRows, type BulkUpsertOptions, type BulkUpsertResult } from './bulk-upsert.js';
import { compileFilters, columnOf, type Filters } from './filters.js';
import { ParamList, quoteIdent } from './sql.js';
import { buildSelectByKey, buildUpsert, orderByClause, planWrite, selectList, type OrderByInput } from './statements.js';
import type { TableSpec, WriteRow } from './table-spec.js';

export type { FilterOperators, Filters } from './filters.js';
export { escapeLike, FILTER_OPERATORS } from './filters.js';
export type { BulkUpsertOptions, BulkUpsertResult } from './bulk-upsert.js';
export type { ColumnSpec, ColumnType, TableSpec, WriteRow } from './table-spec.js';
export type { OrderBy, OrderByInput } from './statements.js';

export interface FindOneOptions<Row> {
  orderBy?: OrderByInput<Row>;
}

export interface FindManyOptions<Row> {
  orderBy?: OrderByInput<Row>;
  /** At most `maxLimit` (default 1,000); without it, `maxLimit` rows at most are returned. */
  limit?: number;
  offset?: number;
}

export interface RepositoryDeps {
  logger?: Logger;
  reporter?: ErrorReporter;
  /** Largest `limit` findMany accepts, and its default (1,000). */
  maxLimit?: number;
}

export const DEFAULT_MAX_LIMIT = 1_000;

export abstract class BaseRepository<Row> {
  protected readonly db: DbOrTx;
  protected readonly spec: TableSpec<Row>;
  protected readonly logger: Logger;
  protected readonly reporter: ErrorReporter | undefined;
  protected readonly maxLimit: number;
  /** `SELECT "col" AS "field", ... FROM "table"`, built once. */
  protected readonly selectFrom: string;

  constructor(db: DbOrTx, spec: TableSpec<Row>, deps: RepositoryDeps = {}) {
    this.db = db;
    this.spec = spec;
    this.logger = deps.logger ?? silentLogger;
    this.reporter = deps.reporter;
    this.maxLimit = deps.maxLimit ?? DEFAULT_MAX_LIMIT;
    this.selectFrom = `SELECT ${selectList(spec)} FROM ${quoteIdent(spec.table)}`;
  }

  /** The first record matching the filters, or null. */
  findOne(filters: Filters<Row>, options?: FindOneOptions<Row>): Promise<Row | null> {
    return this.findOneTx(this.db, filters, options);
  }

  async findOneTx(tx: DbOrTx, filters: Filters<Row>, options: FindOneOptions<Row> = {}): Promise<Row | null> {
    const params = new ParamList();
    const where = compileFilters(this.spec, filters, params);
    const sql = `${this.selectFrom} WHERE ${where}${orderByClause(this.spec, options.orderBy)} LIMIT 1`;
    const rows = await this.queryRows<Row>(tx, 'findOne', sql, params.values, { filterKeys: Object.keys(filters ?? {}) });
    return rows[0] ?? null;
  }

  /** Records matching the filters (empty array when none), at most `maxLimit`. */
  findMany(filters: Filters<Row>, options?: FindManyOptions<Row>): Promise<Row[]> {
    return this.findManyTx(this.db, filters, options);
  }

  async findManyTx(tx: DbOrTx, filters: Filters<Row>, options: FindManyOptions<Row> = {}): Promise<Row[]> {
    const limit = options.limit ?? this.maxLimit;
    if (!Number.isInteger(limit) || limit < 1 || limit > this.maxLimit) {
      throw new ValidationError(`limit must be an integer from 1 to ${this.maxLimit}`, { fields: ['limit'] });
    }
    const offset = options.offset ?? 0;
    if (!Number.isInteger(offset) || offset < 0) throw new ValidationError('offset must be a non-negative integer', { fields: ['offset'] });
    const params = new ParamList();
    const where = compileFilters(this.spec, filters, params);
    const sql = `${this.selectFrom} WHERE ${where}${orderByClause(this.spec, options.orderBy)} LIMIT ${limit}${offset ? ` OFFSET ${offset}` : ''}`;
    const rows = await this.queryRows<Row>(tx, 'findMany', sql, params.values, { filterKeys: Object.keys(filters ?? {}), limit, offset });
    if (options.limit === undefined && rows.length === limit) {
      this.logger.warn({ model: this.spec.model, limit }, 'findMany hit the maximum limit without an explicit limit; results are truncated');
    }
    return rows;
  }

  /** Number of records matching the filters. */
  count(filters: Filters<Row>): Promise<number> {
    return this.countTx(this.db, filters);
  }

  async countTx(tx: DbOrTx, filters: Filters<Row>): Promise<number> {
    const params = new ParamList();
    const where = compileFilters(this.spec, filters, params);
    const rows = await this.queryRows<{ count: number }>(tx, 'count', `SELECT count(*)::int AS count FROM ${quoteIdent(this.spec.table)} WHERE ${where}`, params.values, {
      filterKeys: Object.keys(filters ?? {}),
    });
    return rows[0]?.count ?? 0;
  }

  /**
   * Inserts the record, or updates the one with the same conflict fields, and
   * returns it. Fields left undefined are not written; an unchanged record is
   * not touched (its updatedAt stays), a changed one gets updatedAt = now().
   */
  upsert(data: WriteRow<Row>, conflictFields: (keyof Row & string)[]): Promise<Row> {
    return this.upsertTx(this.db, data, conflictFields);
  }

  async upsertTx(tx: DbOrTx, data: WriteRow<Row>, conflictFields: (keyof Row & string)[]): Promise<Row> {
    if (data === null || typeof data !== 'object') throw new ValidationError('upsert data must be an object');
    const record = data as Record<string, unknown>;
    const fields = Object.keys(record).filter((key) => record[key] !== undefined);
    const plan = planWrite(this.spec, fields, conflictFields);
    const { sql, params } = buildUpsert(this.spec, record, plan);
    const context = { dataKeys: plan.insertFields, conflictFields };
    const rows = await this.queryRows<Row>(tx, 'upsert', sql, params, context);
    if (rows[0]) return rows[0];
    // A concurrent transaction committed the same key after this statement's snapshot: read it now.
    const again = buildSelectByKey(this.spec, record, conflictFields);
    const reread = await this.queryRows<Row>(tx, 'upsert', again.sql, again.params, context);
    if (reread[0]) return reread[0];
    throw new ValidationError(`upsert of ${this.spec.model} neither wrote nor found a record for ${conflictFields.join(', ')}`);
  }

  /**
   * Inserts or updates many records: one statement per batch (default 500
   * rows), each batch atomic. Use bulkUpsertTx inside withTransaction to make
   * the whole call atomic.
   */
  bulkUpsert(rows: WriteRow<Row>[], conflictFields: (keyof Row & string)[], options?: BulkUpsertOptions): Promise<BulkUpsertResult> {
    return this.bulkUpsertTx(this.db, rows, conflictFields, options);
  }

  bulkUpsertTx(tx: DbOrTx, rows: WriteRow<Row>[], conflictFields: (keyof Row & string)[], options?: BulkUpsertOptions): Promise<BulkUpsertResult> {
    return bulkUpsertRows({ spec: this.spec, client: tx }, rows, conflictFields, options);
  }

  /**
   * Runs fn in a transaction (or in the caller's, when this repository was
   * built on a transaction client). Pass `tx` to the `...Tx` methods of any
   * repository to take part.
   */
  withTransaction<T>(fn: (tx: TxClient) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    return withTransaction(this.db, fn, {
      name: `${this.spec.model}.transaction`,
      logger: this.logger,
      ...(this.reporter ? { reporter: this.reporter } : {}),
      ...options,
    });
  }

  // ---- for domain repositories -------------------------------------------------

  /**
   * Runs a SELECT built by a domain method, labelled for Sentry; returns its rows.
   * Awaited inside the label: Prisma's raw query is a lazy PrismaPromise that only runs when
   * awaited, and it must run within the AsyncLocalStorage context to carry the label.
   */
  protected queryRows<T>(client: DbOrTx, operation: string, sql: string, params: unknown[], context?: Record<string, unknown>): Promise<T[]> {
    return withOperationLabel({ model: this.spec.model, operation, ...(context ? { context } : {}) }, async () => await rawSql(client).query<T>(sql, params));
  }

  /** Runs an INSERT/UPDATE/DELETE built by a domain method; returns the affected row count. */
  protected execute(client: DbOrTx, operation: string, sql: string, params: unknown[], context?: Record<string, unknown>): Promise<number> {
    return withOperationLabel({ model: this.spec.model, operation, ...(context ? { context } : {}) }, async () => await rawSql(client).execute(sql, params));
  }

  /** Translates filters into a condition, adding values to params (for custom statements). */
  protected where(filters: Filters<Row>, params: ParamList): string {
    return compileFilters(this.spec, filters, params);
  }

  /** The quoted column of a field (validated against the spec). */
  protected column(field: keyof Row & string): string {
    return quoteIdent(columnOf(this.spec, field, 'column').column);
  }

  /** `"col" AS "field", ...` for RETURNING clauses, optionally qualified by an alias. */
  protected returning(alias?: string): string {
    return selectList(this.spec, alias);
  }

  protected get table(): string {
    return quoteIdent(this.spec.table);
  }
}

export { ParamList } from './sql.js';
