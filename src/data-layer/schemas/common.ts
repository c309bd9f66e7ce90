/** Building blocks shared by the operation schemas. */
import { z } from 'zod';
import { tryNormalizePhone } from '../../domain/phone.js';

/** Database ids and CRM ids: positive 32-bit integers (the columns are INTEGER). */
export const id = z.number().int().positive().max(2_147_483_647);

/** A phone as typed; parsed to E.164 digits. The value is never echoed in the message. */
export const phone = z.string().transform((value, ctx) => {
  const digits = tryNormalizePhone(value);
  if (digits === null) {
    ctx.addIssue({ code: 'custom', message: 'not a valid phone number' });
    return z.NEVER;
  }
  return digits;
});

/** A calendar day, YYYY-MM-DD, that really exists (no 2026-02-30). */
export const isoDate = z.iso.date();

/** An instant: a Date or an ISO 8601 string with an offset. */
export const instant = z.union([z.date(), z.iso.datetime({ offset: true })]).transform((value) => new Date(value));

/**
 * True for values that survive JSON unchanged: null, booleans, finite
 * numbers, strings, arrays and plain objects of those (no undefined,
 * functions, NaN, Dates or class instances), so what is stored reads back
 * identical. Hand-written because z.json() costs ~30 us per CRM record, which
 * dominated a 1,000-client sync. Depth-bounded against cycles.
 */
export function isJsonValue(value: unknown, depth = 0): boolean {
  if (depth > 64) return false;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (value === null) return true;
      if (Array.isArray(value)) return value.every((item) => isJsonValue(item, depth + 1));
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      for (const key in value) if (!isJsonValue((value as Record<string, unknown>)[key], depth + 1)) return false;
      return true;
    }
    default:
      return false;
  }
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A JSON object (settings, raw CRM payloads, dialog state); callers holding `unknown` CRM data can pass it. */
export const jsonObject = z.custom<Record<string, unknown>>((value) => isPlainObject(value) && isJsonValue(value), 'must be a JSON object');
/** A JSON array (free slots). */
export const jsonArray = z.custom<unknown[]>((value) => Array.isArray(value) && isJsonValue(value), 'must be a JSON array');

export const limit = (fallback: number, max: number) => z.number().int().positive().max(max).default(fallback);

/** Decimal money amounts: a number or a numeric string, two decimals at most in the column. */
export const money = z.union([z.number().finite().nonnegative(), z.string().regex(/^\d{1,10}(\.\d{1,2})?$/)]);
