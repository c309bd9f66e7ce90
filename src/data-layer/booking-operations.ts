/**
 * Bookings. Double-booking is refused by the database (exclusion constraint
 * appointments_no_overlap), not by a read-then-write check here: a check in
 * application code cannot hold under concurrency, the constraint does.
 */
import type { z } from 'zod';
import { NotFoundError, ValidationError } from '../db/errors.js';
import type { DataLayerContext } from './context.js';
import { runOperation } from './run-operation.js';
import { cancelBookingInput, createBookingInput, rescheduleBookingInput } from './schemas/booking.js';
import { inRange } from './schemas/common.js';

/**
 * Finds or creates the client and creates the appointment in one transaction:
 * when the appointment is refused (overlap, unknown staff or service), no new
 * client row remains.
 */
export function createBooking(ctx: DataLayerContext, input: z.input<typeof createBookingInput>) {
  return runOperation(
    ctx,
    'createBooking',
    createBookingInput,
    input,
    (i) => ({ companyId: i.companyId, staffId: i.staffId, serviceId: i.serviceId, startAt: i.startAt.toISOString() }),
    (i) =>
      ctx.transaction('createBooking', async (repositories) => {
        const staff = await repositories.staff.findById(i.staffId);
        if (!staff || staff.companyId !== i.companyId) throw new NotFoundError('the staff member does not exist in this salon');
        if (!staff.isActive || staff.isFired) throw new ValidationError('the staff member does not take bookings', { fields: ['staffId'] });
        let endAt = i.endAt;
        if (i.serviceId !== undefined) {
          const service = await repositories.services.findById(i.serviceId);
          if (!service || service.companyId !== i.companyId) throw new NotFoundError('the service does not exist in this salon');
          endAt ??= new Date(i.startAt.getTime() + service.duration * 60_000);
        }
        // A start late on 9999-12-31 plus the duration leaves the range PostgreSQL reads back as given (fuzz test).
        if (endAt && !inRange(endAt)) throw new ValidationError('the booking would end after the year 9999', { fields: ['endAt'] });
        const { client, created } = await repositories.clients.findOrCreateByPhone(i.companyId, i.client);
        const appointment = await repositories.appointments.create({
          companyId: i.companyId,
          clientId: client.id,
          staffId: i.staffId,
          serviceId: i.serviceId ?? null,
          startAt: i.startAt,
          // The schema guarantees endAt or serviceId; with a service it was derived above.
          endAt: endAt as Date,
          status: i.status,
          crmRecordId: i.crmRecordId ?? null,
          comment: i.comment ?? null,
        });
        return { appointment, client, clientCreated: created };
      }),
  );
}

/**
 * Moves an active appointment; a taken slot is a BOOKING_CONFLICT and the
 * appointment stays as it was. One UPDATE, but run through a transaction so a
 * deadlock is retried: two moves into the same slot that reach the exclusion
 * check together wait for each other, and PostgreSQL aborts one with 40P01;
 * its retry then sees the real outcome (a conflict) instead of "try again".
 */
export function rescheduleBooking(ctx: DataLayerContext, input: z.input<typeof rescheduleBookingInput>) {
  return runOperation(
    ctx,
    'rescheduleBooking',
    rescheduleBookingInput,
    input,
    (i) => ({ appointmentId: i.appointmentId, startAt: i.startAt.toISOString() }),
    (i) => ctx.transaction('rescheduleBooking', (repositories) => repositories.appointments.reschedule(i.appointmentId, i.startAt, i.endAt)),
  );
}

/** Cancels an appointment (idempotent: cancelling a cancelled one returns it unchanged). */
export function cancelBooking(ctx: DataLayerContext, input: z.input<typeof cancelBookingInput>) {
  return runOperation(ctx, 'cancelBooking', cancelBookingInput, input, (i) => ({ appointmentId: i.appointmentId }), (i) =>
    ctx.repositories.appointments.cancel(i.appointmentId),
  );
}
