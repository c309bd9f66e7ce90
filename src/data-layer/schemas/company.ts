import { z } from 'zod';
import { id, jsonObject } from './common.js';

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
  title: z.string().trim().min(1).max(300),
  phone: z.string().trim().max(50).nullish(),
  timezone: timezone.optional(),
  settings: jsonObject.optional(),
});
