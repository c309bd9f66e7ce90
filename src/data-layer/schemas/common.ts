/** Building blocks shared by the operation schemas. */
import { z } from 'zod';
import { isPhoneSpelling } from '../../domain/phone.js';

/** Database ids and CRM ids: positive 32-bit integers (the columns are INTEGER). */
export const id = z.number().int().positive().max(2_147_483_647);

/**
 * A phone as typed, checked for its spelling only: whether it is a valid
 * number depends on the salon's region (companies.country), so the
 * repositories resolve it to E.164 digits once they know the salon. The value
 * is never echoed in the message.
 */
export const phone = z.string().trim().refine(isPhoneSpelling, 'not a valid phone number');

/**
 * NUL (PostgreSQL text cannot hold it: SQLSTATE 22021; jsonb refuses \u0000:
 * 22P05) and unpaired UTF-16 surrogates (sent to text as U+FFFD, silently
 * changing the value; refused by jsonb: 22P02). Found by the data-layer fuzz
 * test: such strings reached the database instead of being refused here.
 */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** True for strings PostgreSQL stores exactly as given. */
export const isStorableText = (value: string): boolean => !UNSTORABLE.test(value);

const UNSTORABLE_MESSAGE = 'must not contain NUL characters or unpaired surrogates';

/** Free text bound for a text column: refused before the database when it cannot be stored as given. */
export const text = () => z.string().refine(isStorableText, UNSTORABLE_MESSAGE);

/** CRMs say "none" with an empty string: blank text is null, for the optional text fields. */
const blankToNull = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? null : value);

/** Optional free text: omitted keeps the stored value, null or "" (or only spaces) clears it. */
export const optionalText = (max: number) => z.preprocess(blankToNull, text().trim().max(max).nullish());

/** Optional e-mail address, with "" meaning none like optionalText. */
export const optionalEmail = z.preprocess(blankToNull, z.email().max(200).nullish());

/**
 * Years PostgreSQL and JavaScript both read the same way. Year 0 and BC dates
 * pass z.date() and the ISO regexes but are out of range for PostgreSQL
 * (22008), and JavaScript's extended years (+275760) are not valid input there.
 */
const EARLIEST = Date.parse('0001-01-01T00:00:00.000Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');
/** True for instants from year 1 to 9999: what `instant` accepts, and what derived instants must stay within. */
export const inRange = (date: Date) => date.getTime() >= EARLIEST && date.getTime() <= LATEST;

/** A calendar day, YYYY-MM-DD, that really exists (no 2026-02-30), from year 1. */
export const isoDate = z.iso.date().refine((day) => !day.startsWith('0000'), 'year must be from 1 to 9999');

/** An instant: a Date or an ISO 8601 string with an offset, from year 1 to 9999. */
export const instant = z
  .union([z.date(), z.iso.datetime({ offset: true })])
  .transform((value) => new Date(value))
  .refine(inRange, 'must be between the years 1 and 9999');

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
      return isStorableText(value);
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (value === null) return true;
      if (Array.isArray(value)) return value.every((item) => isJsonValue(item, depth + 1));
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      for (const key in value) if (!isStorableText(key) || !isJsonValue((value as Record<string, unknown>)[key], depth + 1)) return false;
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

/**
 * Decimal money amounts: a number or a numeric string for NUMERIC(12, 2). A
 * number is bounded like the string (ten integer digits), or it overflows the
 * column in the database (22003).
 */
export const money = z.union([z.number().finite().nonnegative().max(9_999_999_999.99), z.string().regex(/^\d{1,10}(\.\d{1,2})?$/)]);
