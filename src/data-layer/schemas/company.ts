import { z } from 'zod';
import { isTimeZone } from '../../domain/salon-time.js';
import { id, jsonObject, text } from './common.js';

export const getCompanyInput = z.object({ companyId: id });

/** An IANA zone, checked as the booking rules will read it (src/domain/salon-time.ts). */
const timezone = z.string().refine(isTimeZone, 'unknown time zone');

export const upsertCompanyInput = z.object({
  id,
  title: text().trim().min(1).max(300),
  phone: text().trim().max(50).nullish(),
  timezone: timezone.optional(),
  settings: jsonObject.optional(),
});
