/**
 * Phone numbers as people and systems spell them, resolved to what the
 * database stores: E.164 digits without "+" (clients.phone /
 * dialog_contexts.phone CHECK '^[1-9][0-9]{6,14}$').
 *
 * The numbering rules come from libphonenumber-js (Google's libphonenumber
 * metadata): a number typed without its country code ("8 999 123-45-67",
 * "(495) 123-45-67") is read in the salon's region, and a number must be
 * valid for its country (right length, possible leading digits) to be
 * stored. Only the spelling is handled here, before the library sees it:
 *
 * - WhatsApp JIDs ("79991234567@s.whatsapp.net", with a device or agent
 *   suffix "79991234567:12@...") always carry the full international number;
 * - "tel:" URIs; "+" or "00" in front means international ("00" is the
 *   international prefix almost everywhere, and people in Russia type it too);
 * - spaces (also non-breaking), dots, slashes, brackets and any dash
 *   (hyphen, en and em dash, minus sign) are punctuation.
 * Letters anywhere else are refused: "555-CALL-NOW" is not a client's phone.
 */
import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { ValidationError } from '../db/errors.js';

export type { CountryCode };

/** The region of a salon that has not said otherwise (companies.country defaults to it too). */
export const DEFAULT_PHONE_REGION: CountryCode = 'RU';

/** A phone's digits and whether the spelling carried the country code. */
export interface PhoneSpelling {
  digits: string;
  international: boolean;
}

const MAX_TEXT = 64;
const JID = /^(\d{6,15})(?:_\d{1,3})?(?::\d{1,3})?@(?:s\.whatsapp\.net|c\.us)$/i;
const TEL_URI = /^tel:/i;
/** Digits and the punctuation people put between them; "+" only in front. */
const TYPED = /^\+?[\d\s().\/\[\]\-\u2010-\u2015\u2212]+$/u;
const NON_DIGITS = /\D/g;

/** Reads the spelling only (no numbering rules): null when the text cannot be a phone number at all. */
export function readPhoneSpelling(input: string): PhoneSpelling | null {
  if (typeof input !== 'string' || input.length > MAX_TEXT) return null;
  const text = input.trim();
  const jid = JID.exec(text);
  if (jid) return { digits: jid[1] as string, international: true };
  const typed = text.replace(TEL_URI, '').trim();
  if (!TYPED.test(typed)) return null;
  const digits = typed.replace(NON_DIGITS, '');
  if (digits.length < 3 || digits.length > 17) return null;
  if (typed.startsWith('+')) return { digits, international: true };
  if (digits.startsWith('00')) return { digits: digits.slice(2), international: true };
  return { digits, international: false };
}

/** True when the text is spelled like a phone number; whether it is a real one depends on the salon's region. */
export const isPhoneSpelling = (input: string): boolean => readPhoneSpelling(input) !== null;

/** True when resolving this spelling needs the salon's region (no country code given). */
export const needsRegion = (spelling: PhoneSpelling): boolean => !spelling.international;

/** E.164 digits of a spelling read in `region`, or null when no valid number has that spelling. */
export function phoneFromSpelling(spelling: PhoneSpelling, region: CountryCode): string | null {
  const parsed = spelling.international
    ? parsePhoneNumberFromString(`+${spelling.digits}`)
    : parsePhoneNumberFromString(spelling.digits, { defaultCountry: region });
  if (!parsed || !parsed.isValid()) return null;
  return parsed.number.slice(1);
}

/** E.164 digits, or null when the text is not a valid phone number in `region`. */
export function tryNormalizePhone(input: string, region: CountryCode = DEFAULT_PHONE_REGION): string | null {
  const spelling = readPhoneSpelling(input);
  return spelling === null ? null : phoneFromSpelling(spelling, region);
}

/** Like tryNormalizePhone, but an invalid number is a ValidationError naming the field (never the value). */
export function normalizePhone(input: string, region: CountryCode = DEFAULT_PHONE_REGION, field = 'phone'): string {
  const digits = tryNormalizePhone(input, region);
  if (digits === null) throw invalidPhone(field);
  return digits;
}

export function invalidPhone(field: string, rowIndex?: number): ValidationError {
  return new ValidationError(`${field} is not a valid phone number`, { fields: [field], rowIndex });
}

/** True for an ISO 3166-1 alpha-2 code libphonenumber has numbering rules for (e.g. RU, KZ, DE). */
export function isPhoneRegion(code: string): code is CountryCode {
  return /^[A-Z]{2}$/.test(code) && isSupportedCountry(code);
}
