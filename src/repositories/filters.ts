/**
 * Filter objects -> SQL WHERE conditions, checked against the TableSpec.
 *
 * `{ phone: '7999...' }` is equality; `{ visitCount: { gte: 3, lt: 10 } }`
 * combines operators (AND); several fields are ANDed too. `null` as a value
 * means IS NULL. `undefined` values are ignored, so optional inputs can be
 * spread in. Unknown fields and operators are a ValidationError naming what
 * is allowed; nothing from a filter ever becomes an identifier.
 */
import { ValidationError } from '../db/errors.js';
import { encodeValue, ParamList, quoteIdent, sqlType } from './sql.js';
import type { ColumnSpec, TableSpec } from './table-spec.js';

export type FilterOperators<V> = {
  eq?: V;
  /** `IS DISTINCT FROM`: rows where the column is NULL match `neq: 'x'`. */
  neq?: V;
  gt?: V;
  gte?: V;
  lt?: V;
  lte?: V;
  /** Empty array matches nothing. */
  in?: V[];
  /** Empty array matches everything; NULL columns never match (SQL `NOT (col = ANY(...))`). */
  notIn?: V[];
  /** SQL pattern (`%`, `_`); pass user text through escapeLike first. Text columns only. */
  like?: string;
  ilike?: string;
  isNull?: boolean;
};

export type Filters<Row> = { [K in keyof Row]?: Row[K] | FilterOperators<Row[K]> };

export const FILTER_OPERATORS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'notIn', 'like', 'ilike', 'isNull'] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

const OPERATOR_SET = new Set<string>(FILTER_OPERATORS);

/**
 * Escapes `%`, `_` and `\` so user text matches literally inside a like/ilike
 * pattern (backslash is PostgreSQL's default LIKE escape character).
 * Example: `{ name: { ilike: `%${escapeLike(query)}%` } }`.
 */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/** A plain `{...}` object is an operator object; Dates, Decimals and arrays are values. */
function isOperatorObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function clip(name: string): string {
  return name.length > 60 ? `${name.slice(0, 57)}...` : name;
}

export function unknownFieldError(spec: TableSpec<unknown>, field: string, purpose: string): ValidationError {
  const allowed = Object.keys(spec.columns as object).join(', ');
  return new ValidationError(`unknown ${purpose} field "${clip(field)}" for ${spec.model}; allowed: ${allowed}`, { fields: [clip(field)] });
}

export function columnOf<Row>(spec: TableSpec<Row>, field: string, purpose: string): ColumnSpec {
  const column = Object.prototype.hasOwnProperty.call(spec.columns, field) ? (spec.columns as Record<string, ColumnSpec>)[field] : undefined;
  if (!column) throw unknownFieldError(spec as TableSpec<unknown>, field, purpose);
  return column;
}

function compileOperator(column: ColumnSpec, field: string, operator: FilterOperator, value: unknown, params: ParamList): string {
  const ident = quoteIdent(column.column);
  const cast = sqlType(column);
  const site = { field };
  switch (operator) {
    case 'eq':
      return value === null ? `${ident} IS NULL` : `${ident} = ${params.add(encodeValue(column, value, site), cast)}`;
    case 'neq':
      return value === null ? `${ident} IS NOT NULL` : `${ident} IS DISTINCT FROM ${params.add(encodeValue(column, value, site), cast)}`;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      if (value === null) throw new ValidationError(`filter ${field}.${operator} cannot be null`, { fields: [field] });
      const symbol = { gt: '>', gte: '>=', lt: '<', lte: '<=' }[operator];
      return `${ident} ${symbol} ${params.add(encodeValue(column, value, site), cast)}`;
    }
    case 'in':
    case 'notIn': {
      if (!Array.isArray(value)) throw new ValidationError(`filter ${field}.${operator} must be an array`, { fields: [field] });
      if (value.length === 0) return operator === 'in' ? 'FALSE' : 'TRUE';
      const encoded = value.map((item) => encodeValue(column, item, site));
      const match = `${ident} = ANY(${params.add(encoded, `${cast}[]`)})`;
      return operator === 'in' ? match : `NOT (${match})`;
    }
    case 'like':
    case 'ilike': {
      if (column.type !== 'text') throw new ValidationError(`filter ${field}.${operator} needs a text field`, { fields: [field] });
      if (typeof value !== 'string') throw new ValidationError(`filter ${field}.${operator} must be a string pattern`, { fields: [field] });
      return `${ident} ${operator === 'like' ? 'LIKE' : 'ILIKE'} ${params.add(value, 'text')}`;
    }
    case 'isNull':
      if (typeof value !== 'boolean') throw new ValidationError(`filter ${field}.isNull must be true or false`, { fields: [field] });
      return value ? `${ident} IS NULL` : `${ident} IS NOT NULL`;
  }
}

/**
 * Translates filters to a condition (never empty: 'TRUE' when there is none),
 * adding their values to `params`.
 */
export function compileFilters<Row>(spec: TableSpec<Row>, filters: Filters<Row> | undefined, params: ParamList): string {
  if (filters === undefined || filters === null) return 'TRUE';
  if (!isOperatorObject(filters)) throw new ValidationError('filters must be a plain object of field: value or field: { operator: value }');
  const conditions: string[] = [];
  for (const [field, condition] of Object.entries(filters)) {
    if (condition === undefined) continue;
    const column = columnOf(spec, field, 'filter');
    if (!isOperatorObject(condition)) {
      conditions.push(compileOperator(column, field, 'eq', condition, params));
      continue;
    }
    const entries = Object.entries(condition).filter(([, value]) => value !== undefined);
    if (entries.length === 0) throw new ValidationError(`filter ${clip(field)} has no operator; allowed: ${FILTER_OPERATORS.join(', ')}`, { fields: [field] });
    for (const [operator, value] of entries) {
      if (!OPERATOR_SET.has(operator)) {
        throw new ValidationError(`unknown filter operator "${clip(operator)}" on ${field}; allowed: ${FILTER_OPERATORS.join(', ')}`, { fields: [field] });
      }
      conditions.push(compileOperator(column, field, operator as FilterOperator, value, params));
    }
  }
  return conditions.length === 0 ? 'TRUE' : conditions.join(' AND ');
}
