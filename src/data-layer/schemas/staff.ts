import { z } from 'zod';
import { id, isoDate, jsonArray } from './common.js';

/** A schedule read is bounded: a quarter is what the assistant ever shows. */
const MAX_SCHEDULE_DAYS = 92;

export const getStaffByIdInput = z.object({ companyId: id, staffId: id });

/** Without a date: the salon's staff. With a date: who can still take a booking that day (for the service, if given). */
export const getStaffInput = z
  .object({ companyId: id, includeInactive: z.boolean().default(false), date: isoDate.optional(), serviceId: id.optional() })
  .refine((v) => v.serviceId === undefined || v.date !== undefined, { message: 'serviceId needs a date', path: ['date'] });

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'expected HH:MM');
export const timeInterval = z
  .object({ from: hhmm, to: hhmm })
  .refine((i) => i.from < i.to, { message: 'from must be before to', path: ['to'] });

export const getStaffSchedulesInput = z
  .object({ companyId: id, staffId: id.optional(), from: isoDate, to: isoDate })
  .refine((v) => v.from <= v.to, { message: 'from is after to', path: ['to'] })
  .refine((v) => Date.parse(v.to) - Date.parse(v.from) <= MAX_SCHEDULE_DAYS * 86_400_000, {
    message: `at most ${MAX_SCHEDULE_DAYS + 1} days at once`,
    path: ['to'],
  });

export const getStaffScheduleInput = z.object({ companyId: id, staffId: id, date: isoDate });

/**
 * No defaults here: an omitted field keeps the stored value on update. A new
 * day gets the table's defaults (working, no intervals, no free slots).
 */
export const scheduleFields = z.object({
  staffId: id,
  date: isoDate,
  isWorking: z.boolean().optional(),
  workingIntervals: z.array(timeInterval).max(48).optional(),
  freeSlots: jsonArray.optional(),
});
export type ScheduleFields = z.output<typeof scheduleFields>;

/** Every staff id must be of the salon: a staff member of another salon is NOT_FOUND and nothing is written. */
export const upsertStaffSchedulesInput = z.object({
  companyId: id,
  schedules: z.array(scheduleFields).min(1).max(50_000),
});
