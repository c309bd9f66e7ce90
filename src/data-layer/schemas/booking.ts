import { z } from 'zod';
import { MAX_BOOKING_MINUTES } from '../../domain/booking-rules.js';
import { id, instant, optionalEmail, optionalText, phone, text } from './common.js';

const orUndefined = <T>(value: T | null | undefined): T | undefined => value ?? undefined;

/** Both ends parsed to Dates: only then can the refinements below compare them. */
const bothDates = (v: { startAt: unknown; endAt?: unknown }): v is { startAt: Date; endAt: Date } => v.startAt instanceof Date && v.endAt instanceof Date;

type Span = { startAt: unknown; endAt?: unknown };

// zod runs these object refinements even when a field already failed, with the raw value: a
// string endAt reached `.getTime()` and threw out of safeParse (found by the data-layer fuzz test).
const endsAfterStart = (v: Span) => !bothDates(v) || v.endAt > v.startAt;
const atMostADay = (v: Span) => !bothDates(v) || v.endAt.getTime() - v.startAt.getTime() <= MAX_BOOKING_MINUTES * 60_000;
const endsAfterStartIssue = { message: 'endAt must be after startAt', path: ['endAt'] };
const atMostADayIssue = { message: 'a booking cannot last more than a day', path: ['endAt'] };

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
    /** The CRM's record of this booking: the booking is the CRM's truth (no schedule or clock rules). */
    crmRecordId: id.optional(),
    comment: text().max(2_000).optional(),
    /** The caller's key for safe retries (the assistant passes the WhatsApp message id); unique per salon. */
    idempotencyKey: text().trim().min(1).max(200).optional(),
  })
  .refine((v) => v.endAt !== undefined || v.serviceId !== undefined, { message: 'endAt or serviceId is required', path: ['endAt'] })
  .refine(endsAfterStart, endsAfterStartIssue)
  .refine(atMostADay, atMostADayIssue);
export type CreateBookingRequest = z.output<typeof createBookingInput>;

export const rescheduleBookingInput = z
  .object({ companyId: id, appointmentId: id, startAt: instant, /** Defaults to the same duration as before. */ endAt: instant.optional() })
  .refine(endsAfterStart, endsAfterStartIssue)
  .refine(atMostADay, atMostADayIssue);

export const cancelBookingInput = z.object({ companyId: id, appointmentId: id });
