/**
 * Small SQL building blocks for repositories: identifier quoting, casts per
 * column type, and a parameter list that hands out `$n` placeholders.
 *
 * Values are validated and encoded here so a wrong type is a ValidationError
 * naming the field (and row), not a PostgreSQL cast error, and so the wire
 * form is fixed: numeric as text (exact), timestamps as ISO text, dates as
 * YYYY-MM-DD (UTC parts, as Prisma returns @db.Date), JSON as text.
 */
import { ValidationError } from '../db/errors.js';
import type { ColumnSpec } from './table-spec.js';

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** SQL type to cast a parameter of this column to. */
export function sqlType(column: ColumnSpec): string {
  switch (column.type) {
    case 'int':
      return 'int';
    case 'bigint':
      return 'bigint';
    case 'text':
      return 'text';
    case 'bool':
      return 'boolean';
    case 'numeric':
      return 'numeric';
    case 'timestamptz':
      return 'timestamptz';
    case 'date':
      return 'date';
    case 'jsonb':
      return 'jsonb';
    case 'enum':
      if (!column.enumType) throw new Error(`column ${column.column} is an enum without enumType`);
      return quoteIdent(column.enumType);
  }
}

const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;
const NUMERIC_TEXT = /^-?\d+(\.\d+)?$/;
const DATE_TEXT = /^\d{4}-\d{2}-\d{2}$/;

function isDecimalLike(value: unknown): value is { toFixed(): string } {
  // Prisma.Decimal (decimal.js) without importing the runtime: it has d/e/s digits and toFixed.
  return typeof value === 'object' && value !== null && typeof (value as { toFixed?: unknown }).toFixed === 'function' && 'd' in value && 'e' in value;
}

/** Where a bad value was found, for the error message: never the value itself. */
export interface ValueSite {
  field: string;
  row?: number | undefined;
}

function invalid(field: string, row: number | undefined, expected: string): ValidationError {
  const where = row === undefined ? '' : `row ${row}: `;
  return new ValidationError(`${where}field "${field}" must be ${expected}`, { fields: [field], rowIndex: row });
}

/**
 * Validates one value for a column and returns its parameter form.
 * `null` stays null (SQL NULL; NOT NULL columns are the database's call).
 */
export function encodeValue(column: ColumnSpec, value: unknown, site: ValueSite): unknown {
  return encodeCell(column, value, site.field, site.row);
}

/** encodeValue without the site object: bulk writes call it once per cell. */
export function encodeCell(column: ColumnSpec, value: unknown, field: string, row?: number): unknown {
  if (value === null) return null;
  switch (column.type) {
    case 'int':
      if (typeof value === 'number' && Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX) return value;
      throw invalid(field, row, 'a 32-bit integer');
    case 'bigint':
      if (typeof value === 'bigint') return value.toString();
      if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
      if (typeof value === 'string' && /^-?\d{1,19}$/.test(value)) return value;
      throw invalid(field, row, 'an integer (bigint)');
    case 'text':
      if (typeof value === 'string') return value;
      throw invalid(field, row, 'a string');
    case 'enum':
      if (typeof value === 'string') return value;
      throw invalid(field, row, `a ${column.enumType ?? 'enum'} value`);
    case 'bool':
      if (typeof value === 'boolean') return value;
      throw invalid(field, row, 'a boolean');
    case 'numeric':
      if (typeof value === 'number' && Number.isFinite(value)) return String(value);
      if (typeof value === 'string' && NUMERIC_TEXT.test(value)) return value;
      if (isDecimalLike(value)) return value.toFixed();
      throw invalid(field, row, 'a finite number, a decimal string or a Prisma.Decimal');
    case 'timestamptz':
      if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString();
      if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return value;
      throw invalid(field, row, 'a valid Date or ISO timestamp');
    case 'date':
      if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString().slice(0, 10);
      if (typeof value === 'string' && DATE_TEXT.test(value)) return value;
      throw invalid(field, row, 'a valid Date or YYYY-MM-DD string');
    case 'jsonb':
      if (value === undefined || typeof value === 'function' || typeof value === 'symbol') throw invalid(field, row, 'JSON');
      try {
        return JSON.stringify(value);
      } catch {
        throw invalid(field, row, 'JSON-serialisable');
      }
  }
}

/** Collects parameters and hands out typed placeholders. */
export class ParamList {
  readonly values: unknown[] = [];

  add(value: unknown, cast: string): string {
    this.values.push(value);
    return `$${this.values.length}::${cast}`;
  }
}
