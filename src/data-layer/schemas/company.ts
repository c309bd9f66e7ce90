import { z } from 'zod';
import { id, jsonObject, text } from './common.js';

export const getCompanyInput = z.object({ companyId: id });

const timezone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'unknown time zone');

export const upsertCompanyInput = z.object({
  id,
  title: text().trim().min(1).max(300),
  phone: text().trim().max(50).nullish(),
  timezone: timezone.optional(),
  settings: jsonObject.optional(),
});
