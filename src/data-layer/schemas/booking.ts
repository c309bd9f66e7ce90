import { z } from 'zod';
import { id, instant, phone } from './common.js';

const MAX_BOOKING_MINUTES = 24 * 60;

export const createBookingInput = z
  .object({
    companyId: id,
    client: z.object({ phone, name: z.string().trim().max(200).optional(), email: z.email().max(200).optional() }),
    staffId: id,
    serviceId: id.optional(),
    startAt: instant,
    /** Defaults to startAt + the service's duration. */
    endAt: instant.optional(),
    status: z.enum(['pending', 'confirmed']).default('pending'),
    crmRecordId: id.optional(),
    comment: z.string().max(2_000).optional(),
  })
  .refine((v) => v.endAt !== undefined || v.serviceId !== undefined, { message: 'endAt or serviceId is required', path: ['endAt'] })
  .refine((v) => !v.endAt || v.endAt > v.startAt, { message: 'endAt must be after startAt', path: ['endAt'] })
  .refine((v) => !v.endAt || v.endAt.getTime() - v.startAt.getTime() <= MAX_BOOKING_MINUTES * 60_000, {
    message: 'a booking cannot last more than a day',
    path: ['endAt'],
  });

export const rescheduleBookingInput = z
  .object({ appointmentId: id, startAt: instant, /** Defaults to the same duration as before. */ endAt: instant.optional() })
  .refine((v) => !v.endAt || v.endAt > v.startAt, { message: 'endAt must be after startAt', path: ['endAt'] });

export const cancelBookingInput = z.object({ appointmentId: id });
