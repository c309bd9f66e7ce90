/**
 * Bookings. Every booking and move is checked against the salon's rules
 * (src/domain/booking-rules.ts) inside the same transaction that writes it,
 * so a refusal writes nothing. Double-booking is refused by the database
 * (exclusion constraint appointments_no_overlap), not by a read-then-write
 * check here: a check in application code cannot hold under concurrency,
 * the constraint does.
 *
 * Tenancy: the salon's id comes with every call, and a staff member,
 * service or appointment of another salon is NOT_FOUND.
 */
import type { z } from 'zod';
import { IdempotencyConflictError, NotFoundError, ValidationError } from '../db/errors.js';
import { bookingDays, bookingEnd, checkBookingRules } from '../domain/booking-rules.js';
import type { Appointment, Client } from '../generated/prisma/client.js';
import type { Repositories } from '../repositories/repositories.js';
import { bookingFingerprint } from './booking-fingerprint.js';
import type { DataLayerContext } from './context.js';
import { appointmentWithLocalTimes, salonTimeZone, type AppointmentWithLocalTimes } from './local-times.js';
import { runOperation } from './run-operation.js';
import { cancelBookingInput, createBookingInput, rescheduleBookingInput, type CreateBookingRequest } from './schemas/booking.js';
import { inRange } from './schemas/common.js';

export interface BookingResult {
  appointment: AppointmentWithLocalTimes;
  client: Client;
  /** True when this call created the client. */
  clientCreated: boolean;
  /** True when the idempotency key had been used for this same request: the original appointment, nothing new written. */
  replayed: boolean;
}

/** The salon's time zone; a salon that does not exist has none of the records asked for. */
async function timeZoneOf(repositories: Repositories, companyId: number, missing: string): Promise<string> {
  const timeZone = await salonTimeZone(repositories, companyId);
  if (timeZone === null) throw new NotFoundError(missing);
  return timeZone;
}

/** A start late on 9999-12-31 plus a duration leaves the range PostgreSQL reads back as given (fuzz test). */
function checkEndInRange(endAt: Date): void {
  if (!inRange(endAt)) throw new ValidationError('the booking would end after the year 9999', { fields: ['endAt'] });
}

/**
 * Finds or creates the client and creates the appointment in one
 * transaction: when the booking is refused (a rule, an overlap, unknown staff
 * or service), no new client row remains.
 *
 * With an idempotencyKey, bookings with that key in the salon are serialised
 * by a transaction-scoped lock, so a retry racing its original waits for it
 * and then answers the original appointment (`replayed: true`) instead of a
 * BOOKING_CONFLICT against itself; the unique index on (company_id,
 * idempotency_key) backs this up in the database.
 */
export function createBooking(ctx: DataLayerContext, input: z.input<typeof createBookingInput>) {
  return runOperation(
    ctx,
    'createBooking',
    createBookingInput,
    input,
    (i) => ({
      companyId: i.companyId,
      staffId: i.staffId,
      serviceId: i.serviceId,
      startAt: i.startAt.toISOString(),
      fromCrm: i.crmRecordId !== undefined,
      withIdempotencyKey: i.idempotencyKey !== undefined,
    }),
    (i) => ctx.transaction('createBooking', (repositories) => book(ctx, repositories, i)),
  );
}

async function book(ctx: DataLayerContext, repositories: Repositories, i: CreateBookingRequest): Promise<BookingResult> {
  const timeZone = await timeZoneOf(repositories, i.companyId, 'the salon does not exist');
  // Over the phone as stored, not as typed: "+7 999 ..." and "8 999 ..." are the same request.
  const fingerprint =
    i.idempotencyKey === undefined
      ? null
      : bookingFingerprint({ ...i, client: { ...i.client, phone: await repositories.clients.resolvePhone(i.companyId, i.client.phone, 'client.phone') } });
  if (i.idempotencyKey !== undefined) {
    await repositories.appointments.lockIdempotencyKey(i.companyId, i.idempotencyKey);
    const original = await repositories.appointments.findByIdempotencyKey(i.companyId, i.idempotencyKey);
    if (original) return replay(repositories, original, fingerprint, timeZone);
  }
  const staff = await repositories.staff.findById(i.companyId, i.staffId);
  if (!staff) throw new NotFoundError('the staff member does not exist in this salon');
  const service = i.serviceId === undefined ? null : await repositories.services.findById(i.companyId, i.serviceId);
  if (i.serviceId !== undefined && !service) throw new NotFoundError('the service does not exist in this salon');
  const endAt = bookingEnd(i.startAt, { endAt: i.endAt, durationMinutes: service?.duration });
  checkEndInRange(endAt);
  const fromCrm = i.crmRecordId !== undefined;
  // The CRM's truth skips the schedule rules: its schedule is not even read.
  const schedules = fromCrm ? [] : await repositories.schedules.findForDays(i.companyId, i.staffId, bookingDays(i.startAt, timeZone));
  checkBookingRules({ startAt: i.startAt, endAt, now: ctx.now(), timeZone, staff, service, schedules, fromCrm });
  const { client, created } = await repositories.clients.findOrCreateByPhone(i.companyId, i.client);
  const appointment = await repositories.appointments.create({
    companyId: i.companyId,
    clientId: client.id,
    staffId: i.staffId,
    serviceId: i.serviceId ?? null,
    startAt: i.startAt,
    endAt,
    status: i.status,
    crmRecordId: i.crmRecordId ?? null,
    comment: i.comment ?? null,
    idempotencyKey: i.idempotencyKey ?? null,
    requestFingerprint: fingerprint,
  });
  return { appointment: appointmentWithLocalTimes(appointment, timeZone), client, clientCreated: created, replayed: false };
}

/** The answer to a retry: the original appointment as it is now, or a conflict when the key came with another request. */
async function replay(repositories: Repositories, original: Appointment, fingerprint: string | null, timeZone: string): Promise<BookingResult> {
  if (original.requestFingerprint !== fingerprint) {
    throw new IdempotencyConflictError('this idempotencyKey was already used for a different booking request; a new request needs a new key');
  }
  const client = await repositories.clients.findById(original.companyId, original.clientId);
  // appointments.client_id is a foreign key with ON DELETE RESTRICT: the client exists while the appointment does.
  if (!client) throw new NotFoundError('the client of the original booking does not exist');
  return { appointment: appointmentWithLocalTimes(original, timeZone), client, clientCreated: false, replayed: true };
}

/**
 * Moves an active appointment of the salon. The move is a request of its
 * own: the booking rules apply to the new time (a booking recorded from the
 * CRM included), and without endAt the appointment keeps its length. A taken
 * slot is a BOOKING_CONFLICT and the appointment stays as it was. Run in a
 * transaction so the rules hold where the row is written, and so a deadlock
 * is retried: two moves into the same slot that reach the exclusion check
 * together wait for each other, and PostgreSQL aborts one with 40P01; its
 * retry then sees the real outcome (a conflict) instead of "try again".
 */
export function rescheduleBooking(ctx: DataLayerContext, input: z.input<typeof rescheduleBookingInput>) {
  return runOperation(
    ctx,
    'rescheduleBooking',
    rescheduleBookingInput,
    input,
    (i) => ({ companyId: i.companyId, appointmentId: i.appointmentId, startAt: i.startAt.toISOString() }),
    (i) =>
      ctx.transaction('rescheduleBooking', async (repositories) => {
        const missing = 'the appointment does not exist in this salon';
        const timeZone = await timeZoneOf(repositories, i.companyId, missing);
        const appointment = await repositories.appointments.findById(i.companyId, i.appointmentId);
        if (!appointment) throw new NotFoundError(missing);
        if (appointment.status !== 'pending' && appointment.status !== 'confirmed') {
          throw new ValidationError(`a ${appointment.status} appointment cannot be rescheduled`, { fields: ['appointmentId'] });
        }
        const endAt = bookingEnd(i.startAt, { endAt: i.endAt, durationMinutes: (appointment.endAt.getTime() - appointment.startAt.getTime()) / 60_000 });
        checkEndInRange(endAt);
        const staff = await repositories.staff.findById(i.companyId, appointment.staffId);
        if (!staff) throw new NotFoundError('the staff member of this appointment does not exist in this salon');
        const service = appointment.serviceId === null ? null : await repositories.services.findById(i.companyId, appointment.serviceId);
        const schedules = await repositories.schedules.findForDays(i.companyId, appointment.staffId, bookingDays(i.startAt, timeZone));
        checkBookingRules({ startAt: i.startAt, endAt, now: ctx.now(), timeZone, staff, service, schedules, fromCrm: false });
        const moved = await repositories.appointments.reschedule(i.companyId, i.appointmentId, i.startAt, endAt);
        return appointmentWithLocalTimes(moved, timeZone);
      }),
  );
}

/** Cancels an appointment of the salon (idempotent: cancelling a cancelled one returns it unchanged). */
export function cancelBooking(ctx: DataLayerContext, input: z.input<typeof cancelBookingInput>) {
  return runOperation(
    ctx,
    'cancelBooking',
    cancelBookingInput,
    input,
    (i) => ({ companyId: i.companyId, appointmentId: i.appointmentId }),
    async (i) => {
      const timeZone = await timeZoneOf(ctx.repositories, i.companyId, 'the appointment does not exist in this salon');
      return appointmentWithLocalTimes(await ctx.repositories.appointments.cancel(i.companyId, i.appointmentId), timeZone);
    },
  );
}
