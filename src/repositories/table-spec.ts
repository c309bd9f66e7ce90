/**
 * How a repository's rows map to one table: field -> column and SQL type.
 * Every identifier in generated SQL comes from a TableSpec, never from input.
 */
import type { Prisma } from '../generated/prisma/client.js';

export type ColumnType = 'int' | 'bigint' | 'text' | 'bool' | 'numeric' | 'timestamptz' | 'date' | 'jsonb' | 'enum';

export interface ColumnSpec {
  column: string;
  type: ColumnType;
  /** PostgreSQL enum type name, required when type is 'enum'. */
  enumType?: string;
}

export interface TableSpec<Row> {
  /** Table name, e.g. 'clients'. */
  table: string;
  /** Prisma model name, e.g. 'Client' (Sentry tag `model`). */
  model: string;
  columns: { [K in keyof Row]: ColumnSpec };
  primaryKey: (keyof Row & string)[];
  /** Fields the database fills (id, createdAt, updatedAt): never written from input, except as conflict fields. */
  generated?: (keyof Row & string)[];
  /** The field set to now() on a real change by upsert/bulkUpsert; defaults to 'updatedAt' when the table has it. */
  updatedAtField?: keyof Row & string;
}

type Widen<V> = V extends Prisma.Decimal ? Prisma.Decimal | number | string : V;

/**
 * What upsert/bulkUpsert accept: any subset of the row's fields, with decimal
 * fields also taking a number or a decimal string (sent as exact text).
 * `undefined` means "not given": not written, and not changed on update.
 */
export type WriteRow<Row> = { [K in keyof Row]?: Widen<Row[K]> | Extract<Row[K], null> };
