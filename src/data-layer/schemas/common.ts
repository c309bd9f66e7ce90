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
 * Refines a loosely typed value to "JSON only" (no functions, undefined,
 * NaN, Dates, class instances), so callers holding `unknown` CRM data can
 * pass it, and what is stored reads back identical.
 */
function jsonOnly<S extends z.ZodType>(loose: S, strict: z.ZodType) {
  return loose.superRefine((value, ctx) => {
    const checked = strict.safeParse(value);
    if (!checked.success) {
      for (const issue of checked.error.issues.slice(0, 3)) ctx.addIssue({ code: 'custom', path: issue.path, message: `not JSON: ${issue.message}` });
    }
  });
}

/** A JSON object (settings, raw CRM payloads, dialog state). */
export const jsonObject = jsonOnly(z.record(z.string(), z.unknown()), z.record(z.string(), z.json()));
/** A JSON array (free slots). */
export const jsonArray = jsonOnly(z.array(z.unknown()), z.array(z.json()));

export const limit = (fallback: number, max: number) => z.number().int().positive().max(max).default(fallback);

/** Decimal money amounts: a number or a numeric string, two decimals at most in the column. */
export const money = z.union([z.number().finite().nonnegative(), z.string().regex(/^\d{1,10}(\.\d{1,2})?$/)]);
