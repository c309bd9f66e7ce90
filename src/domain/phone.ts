/**
 * Phone numbers as people type them, normalised to what the database stores:
 * E.164 digits without "+" (clients.phone / dialog_contexts.phone CHECK
 * '^[1-9][0-9]{6,14}$').
 *
 * Russian habits are the common case for these salons: "+7 (999) 123-45-67",
 * the trunk prefix "8 999 123 45 67" and a bare ten-digit "9991234567" all mean
 * 79991234567. WhatsApp JIDs ("79991234567@s.whatsapp.net") are accepted too,
 * because that is how the assistant first sees a number.
 */
import { ValidationError } from '../db/errors.js';

const ALLOWED = /^\+?[\d\s().\-]+$/;
const JID_SUFFIX = /@(s\.whatsapp\.net|c\.us)$/i;
const MIN_DIGITS = 7;
const MAX_DIGITS = 15;

/** Returns E.164 digits, or null when the text cannot be a phone number. */
export function tryNormalizePhone(input: string): string | null {
  const text = input.trim().replace(JID_SUFFIX, '');
  if (text.length === 0 || text.length > 32 || !ALLOWED.test(text)) return null;
  // A "+" is only meaningful in front.
  if (text.lastIndexOf('+') > 0) return null;
  let digits = text.replace(/\D/g, '');
  const international = text.startsWith('+');
  if (!international) {
    // Russian trunk prefix: 8 + ten digits is +7 + the same ten digits.
    if (digits.length === 11 && digits.startsWith('8')) digits = `7${digits.slice(1)}`;
    // A ten-digit Russian mobile typed without the country code.
    else if (digits.length === 10 && digits.startsWith('9')) digits = `7${digits}`;
  }
  if (digits.length < MIN_DIGITS || digits.length > MAX_DIGITS || digits.startsWith('0')) return null;
  // Russia / Kazakhstan (+7) numbers are always exactly eleven digits.
  if (digits.startsWith('7') && digits.length !== 11) return null;
  return digits;
}

/** Like tryNormalizePhone, but an impossible number is a ValidationError (the value is not echoed). */
export function normalizePhone(input: string, field = 'phone'): string {
  const digits = tryNormalizePhone(input);
  if (digits === null) throw new ValidationError(`${field} is not a valid phone number`, { fields: [field] });
  return digits;
}
