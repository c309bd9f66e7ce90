/**
 * The SQL text of the base repository's statements, built from a TableSpec.
 * Pure functions (unit-testable); values travel as parameters only.
 */
import { ValidationError } from '../db/errors.js';
import { columnOf } from './filters.js';
import { encodeValue, ParamList, quoteIdent, sqlType } from './sql.js';
import type { ColumnSpec, TableSpec } from './table-spec.js';

export type SortDirection = 'asc' | 'desc';

export interface OrderBy<Row> {
  field: keyof Row & string;
  direction?: SortDirection;
}

/** Prisma's spelling, `{ title: 'asc' }`: accepted too, so code moved from the bare client keeps its orderBy. */
export type OrderByFieldMap<Row> = Partial<Record<keyof Row & string, SortDirection>>;

/** One entry or a list; each entry `{ field, direction }` or Prisma-style `{ title: 'asc' }`. */
export type OrderByInput<Row> = OrderBy<Row> | OrderByFieldMap<Row> | (OrderBy<Row> | OrderByFieldMap<Row>)[];

const isDirection = (value: unknown): value is SortDirection => value === 'asc' || value === 'desc';

/** `{ field, direction }` entries in order, from either spelling; anything else is a ValidationError. */
function orderByEntries(orderBy: unknown): { field: string; direction: unknown }[] {
  const list: unknown[] = Array.isArray(orderBy) ? orderBy : [orderBy];
  return list.flatMap((entry) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new ValidationError('orderBy entries must be { field, direction } or { <field>: "asc" | "desc" }');
    }
    const record = entry as Record<string, unknown>;
    // A `field` key holding a direction is Prisma's spelling for a column named "field" (no table has one).
    if ('field' in record && !isDirection(record.field)) return [{ field: String(record.field), direction: record.direction ?? 'asc' }];
    const keys = Object.keys(record);
    if (keys.length === 0) throw new ValidationError('an orderBy entry names no field');
    return keys.map((field) => ({ field, direction: record[field] }));
  });
}

/** `"col" AS "field", ...`, optionally qualified by a table alias. */
export function selectList<Row>(spec: TableSpec<Row>, alias?: string): string {
  const prefix = alias ? `${alias}.` : '';
  return Object.entries(spec.columns as Record<string, ColumnSpec>)
    .map(([field, column]) => `${prefix}${quoteIdent(column.column)} AS ${quoteIdent(field)}`)
    .join(', ');
}

export function orderByClause<Row>(spec: TableSpec<Row>, orderBy: OrderByInput<Row> | undefined): string {
  if (orderBy === undefined || (Array.isArray(orderBy) && orderBy.length === 0)) return '';
  const parts = orderByEntries(orderBy).map(({ field, direction }) => {
    const column = columnOf(spec, field, 'orderBy');
    if (!isDirection(direction)) throw new ValidationError(`orderBy direction of ${column.column} must be asc or desc`);
    return `${quoteIdent(column.column)} ${direction === 'asc' ? 'ASC' : 'DESC'}`;
  });
  return ` ORDER BY ${parts.join(', ')}`;
}

/** Which fields an upsert writes, and which of them it updates on conflict. */
export interface WritePlan {
  /** Fields inserted, in a fixed order. */
  insertFields: string[];
  /** Fields set from EXCLUDED on conflict (not conflict fields, not generated). */
  updateFields: string[];
  conflictFields: string[];
  /** Column set to now() on a real change, if the table has one. */
  updatedAtColumn: string | undefined;
}

export function updatedAtColumnOf<Row>(spec: TableSpec<Row>): string | undefined {
  const field = spec.updatedAtField ?? ('updatedAt' in (spec.columns as object) ? 'updatedAt' : undefined);
  return field ? (spec.columns as Record<string, ColumnSpec>)[field]?.column : undefined;
}

/**
 * Plans the write from the fields the caller gave. Generated fields are not
 * written unless they are conflict fields (an upsert by id needs the id).
 */
export function planWrite<Row>(spec: TableSpec<Row>, givenFields: string[], conflictFields: string[]): WritePlan {
  if (!Array.isArray(conflictFields) || conflictFields.length === 0) throw new ValidationError('conflictFields must name at least one field');
  for (const field of conflictFields) columnOf(spec, field, 'conflict');
  const generated = new Set<string>(spec.generated ?? []);
  const conflict = new Set(conflictFields);
  const insertFields: string[] = [];
  for (const field of givenFields) {
    columnOf(spec, field, 'data');
    if (generated.has(field) && !conflict.has(field)) continue;
    insertFields.push(field);
  }
  for (const field of conflictFields) {
    if (!insertFields.includes(field)) throw new ValidationError(`conflict field "${field}" must have a value in the data`, { fields: [field] });
  }
  return {
    insertFields,
    updateFields: insertFields.filter((field) => !conflict.has(field)),
    conflictFields,
    updatedAtColumn: updatedAtColumnOf(spec),
  };
}

function columnsOf<Row>(spec: TableSpec<Row>, fields: string[]): ColumnSpec[] {
  return fields.map((field) => (spec.columns as Record<string, ColumnSpec>)[field] as ColumnSpec);
}

/**
 * `ON CONFLICT ... DO UPDATE SET ... WHERE (t.cols) IS DISTINCT FROM (EXCLUDED.cols)`:
 * identical rows are not touched, so their updated_at stays.
 */
function onConflictClause<Row>(spec: TableSpec<Row>, plan: WritePlan): string {
  const target = columnsOf(spec, plan.conflictFields).map((column) => quoteIdent(column.column)).join(', ');
  if (plan.updateFields.length === 0) return `ON CONFLICT (${target}) DO NOTHING`;
  const updates = columnsOf(spec, plan.updateFields).map((column) => quoteIdent(column.column));
  const sets = updates.map((ident) => `${ident} = EXCLUDED.${ident}`);
  if (plan.updatedAtColumn && !updates.includes(quoteIdent(plan.updatedAtColumn))) sets.push(`${quoteIdent(plan.updatedAtColumn)} = now()`);
  const current = updates.map((ident) => `t.${ident}`).join(', ');
  const incoming = updates.map((ident) => `EXCLUDED.${ident}`).join(', ');
  return `ON CONFLICT (${target}) DO UPDATE SET ${sets.join(', ')} WHERE ROW(${current}) IS DISTINCT FROM ROW(${incoming})`;
}

/**
 * One row: insert or update, and return the record in one statement even when
 * nothing changed (the UNION branch reads the untouched row).
 */
export function buildUpsert<Row>(spec: TableSpec<Row>, data: Record<string, unknown>, plan: WritePlan): { sql: string; params: unknown[] } {
  const params = new ParamList();
  const placeholders = new Map<string, string>();
  for (const field of plan.insertFields) {
    const column = (spec.columns as Record<string, ColumnSpec>)[field] as ColumnSpec;
    placeholders.set(field, params.add(encodeValue(column, data[field], { field }), sqlType(column)));
  }
  const table = quoteIdent(spec.table);
  const insertColumns = columnsOf(spec, plan.insertFields).map((column) => quoteIdent(column.column)).join(', ');
  const keyMatch = plan.conflictFields
    .map((field) => {
      const column = (spec.columns as Record<string, ColumnSpec>)[field] as ColumnSpec;
      return `${quoteIdent(column.column)} = ${placeholders.get(field)}`;
    })
    .join(' AND ');
  const sql =
    `WITH upserted AS (INSERT INTO ${table} AS t (${insertColumns}) VALUES (${[...placeholders.values()].join(', ')}) ` +
    `${onConflictClause(spec, plan)} RETURNING ${selectList(spec, 't')}) ` +
    `SELECT * FROM upserted UNION ALL SELECT ${selectList(spec)} FROM ${table} WHERE ${keyMatch} AND NOT EXISTS (SELECT 1 FROM upserted) LIMIT 1`;
  return { sql, params: params.values };
}

/** The statement re-reading a row by its conflict key (the rare race in upsert). */
export function buildSelectByKey<Row>(spec: TableSpec<Row>, data: Record<string, unknown>, conflictFields: string[]): { sql: string; params: unknown[] } {
  const params = new ParamList();
  const where = conflictFields
    .map((field) => {
      const column = (spec.columns as Record<string, ColumnSpec>)[field] as ColumnSpec;
      return `${quoteIdent(column.column)} = ${params.add(encodeValue(column, data[field], { field }), sqlType(column))}`;
    })
    .join(' AND ');
  return { sql: `SELECT ${selectList(spec)} FROM ${quoteIdent(spec.table)} WHERE ${where} LIMIT 1`, params: params.values };
}

/**
 * Many rows in ONE statement: one array parameter per column, unnest()ed,
 * inserted with ON CONFLICT DO UPDATE; returns how many were inserted and
 * updated (`xmax = 0` marks a freshly inserted row version).
 */
export function buildBulkUpsert<Row>(spec: TableSpec<Row>, plan: WritePlan): string {
  const columns = columnsOf(spec, plan.insertFields);
  const idents = columns.map((column) => quoteIdent(column.column));
  const arrays = columns.map((column, index) => `$${index + 1}::${sqlType(column)}[]`);
  return (
    `WITH upserted AS (INSERT INTO ${quoteIdent(spec.table)} AS t (${idents.join(', ')}) ` +
    `SELECT * FROM unnest(${arrays.join(', ')}) ` +
    `${onConflictClause(spec, plan)} RETURNING (t.xmax = 0) AS inserted) ` +
    `SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated FROM upserted`
  );
}
