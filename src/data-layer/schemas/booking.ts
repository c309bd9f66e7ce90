import { z } from 'zod';
import { id, instant, optionalEmail, optionalText, phone, text } from './common.js';

const orUndefined = <T>(value: T | null | undefined): T | undefined => value ?? undefined;

const MAX_BOOKING_MINUTES = 24 * 60;

/** Both ends parsed to Dates: only then can the refinements below compare them. */
const bothDates = (v: { startAt: unknown; endAt?: unknown }): v is { startAt: Date; endAt: Date } => v.startAt instanceof Date && v.endAt instanceof Date;

export const createBookingInput = z
  .object({
    companyId: id,
    // "" (how CRMs and forms say "none") reads as not given: the booking leaves a stored client as it is.
    client: z.object({ phone, name: optionalText(200).transform(orUndefined), email: optionalEmail.transform(orUndefined) }),
    staffId: id,
    serviceId: id.optional(),
    startAt: instant,
    /** Defaults to startAt + the service's duration. */
    endAt: instant.optional(),
    status: z.enum(['pending', 'confirmed']).default('pending'),
    crmRecordId: id.optional(),
    comment: text().max(2_000).optional(),
  })
  .refine((v) => v.endAt !== undefined || v.serviceId !== undefined, { message: 'endAt or serviceId is required', path: ['endAt'] })
  // zod runs these object refinements even when a field already failed, with the raw value: a
  // string endAt reached `.getTime()` and threw out of safeParse (found by the data-layer fuzz test).
  .refine((v) => !bothDates(v) || v.endAt > v.startAt, { message: 'endAt must be after startAt', path: ['endAt'] })
  .refine((v) => !bothDates(v) || v.endAt.getTime() - v.startAt.getTime() <= MAX_BOOKING_MINUTES * 60_000, {
    message: 'a booking cannot last more than a day',
    path: ['endAt'],
  });

export const rescheduleBookingInput = z
  .object({ appointmentId: id, startAt: instant, /** Defaults to the same duration as before. */ endAt: instant.optional() })
  .refine((v) => !bothDates(v) || v.endAt > v.startAt, { message: 'endAt must be after startAt', path: ['endAt'] });

export const cancelBookingInput = z.object({ appointmentId: id });
