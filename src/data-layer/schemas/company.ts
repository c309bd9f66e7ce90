import { z } from 'zod';
import { isPhoneRegion } from '../../domain/phone.js';
import { isTimeZone } from '../../domain/salon-time.js';
import { id, jsonObject, optionalText, text } from './common.js';

export const getCompanyInput = z.object({ companyId: id });

/** An IANA zone, checked as the booking rules will read it (src/domain/salon-time.ts). */
const timezone = z.string().refine(isTimeZone, 'unknown time zone');

/** ISO 3166-1 alpha-2 with numbering rules (RU, KZ, BY, DE ...); lower case is accepted. */
const country = z
  .string()
  .trim()
  .transform((code) => code.toUpperCase())
  .refine(isPhoneRegion, 'must be an ISO 3166-1 alpha-2 country code with phone numbering rules, e.g. RU');

export const upsertCompanyInput = z.object({
  id,
  title: text().trim().min(1).max(300),
  phone: optionalText(50),
  timezone: timezone.optional(),
  country: country.optional(),
  settings: jsonObject.optional(),
});
