/**
 * Appointments. Double-booking is refused by the database (exclusion
 * constraint appointments_no_overlap, SQLSTATE 23P01), which surfaces as
 * BookingConflictError; no read-then-check here, because only the constraint
 * holds under concurrency.
 *
 * Tenancy: every method that takes an appointment id also takes the salon's
 * companyId, and an appointment of another salon is treated as absent.
 */
import { NotFoundError, ValidationError } from '../db/errors.js';
import type { DbOrTx } from '../db/prisma-client.js';
import type { Appointment, AppointmentStatus } from '../generated/prisma/client.js';
import { BaseRepository, ParamList, type RepositoryDeps } from './base-repository.js';
import { encodeValue, sqlType } from './sql.js';
import type { ColumnSpec } from './table-spec.js';
import { appointmentTable } from './table-specs.js';

export interface NewAppointment {
  companyId: number;
  clientId: number;
  staffId: number;
  serviceId?: number | null;
  crmRecordId?: number | null;
  startAt: Date;
  endAt: Date;
  status?: AppointmentStatus;
  comment?: string | null;
  idempotencyKey?: string | null;
  requestFingerprint?: string | null;
}

/** A busy stretch of a staff member's time (a non-cancelled appointment). */
export interface BusyInterval {
  staffId: number;
  startAt: Date;
  endAt: Date;
}

/** Statuses an appointment can still be moved or cancelled from. */
const ACTIVE: AppointmentStatus[] = ['pending', 'confirmed'];

export class AppointmentRepository extends BaseRepository<Appointment> {
  constructor(db: DbOrTx, deps: RepositoryDeps = {}) {
    super(db, appointmentTable, deps);
  }

  /** The salon's appointment with this id, or null (also when it belongs to another salon). */
  findById(companyId: number, id: number): Promise<Appointment | null> {
    return this.findOne({ id, companyId });
  }

  /** The salon's appointment created with this idempotency key, or null. */
  findByIdempotencyKey(companyId: number, idempotencyKey: string): Promise<Appointment | null> {
    return this.findOne({ companyId, idempotencyKey });
  }

  /**
   * Serialises bookings that carry the same idempotency key in one salon,
   * until the calling transaction ends: a retry racing its original waits,
   * then finds the original's appointment instead of booking a second one.
   * Outside a transaction the lock would end with the statement: useless.
   */
  async lockIdempotencyKey(companyId: number, idempotencyKey: string): Promise<void> {
    await this.queryRows(
      this.db,
      'lockIdempotencyKey',
      `SELECT true AS "locked" FROM pg_advisory_xact_lock(hashtextextended('booking-idempotency:' || $1::int || ':' || $2::text, 0))`,
      [companyId, idempotencyKey],
      { companyId },
    );
  }

  /** Non-cancelled appointments of these staff members that overlap [from, to). */
  findBusy(staffIds: number[], from: Date, to: Date): Promise<BusyInterval[]> {
    if (staffIds.length === 0) return Promise.resolve([]);
    const params = new ParamList();
    const sql =
      `SELECT "staff_id" AS "staffId", "start_at" AS "startAt", "end_at" AS "endAt" FROM ${this.table} ` +
      `WHERE "staff_id" = ANY(${params.add(staffIds, 'int[]')}) AND "status" <> 'cancelled' ` +
      `AND "start_at" < ${params.add(to.toISOString(), 'timestamptz')} AND "end_at" > ${params.add(from.toISOString(), 'timestamptz')} ` +
      `ORDER BY "staff_id", "start_at"`;
    return this.queryRows<BusyInterval>(this.db, 'findBusy', sql, params.values, { staffCount: staffIds.length });
  }

  async create(data: NewAppointment): Promise<Appointment> {
    const params = new ParamList();
    const fields = (Object.keys(data) as (keyof NewAppointment)[]).filter((field) => data[field] !== undefined);
    const values = fields.map((field) => {
      const column = this.spec.columns[field] as ColumnSpec;
      return params.add(encodeValue(column, data[field], { field }), sqlType(column));
    });
    const sql = `INSERT INTO ${this.table} AS t (${fields.map((f) => this.column(f)).join(', ')}) VALUES (${values.join(', ')}) RETURNING ${this.returning('t')}`;
    const rows = await this.queryRows<Appointment>(this.db, 'create', sql, params.values, {
      companyId: data.companyId,
      staffId: data.staffId,
      clientId: data.clientId,
    });
    return rows[0] as Appointment;
  }

  /**
   * Moves an active appointment in one statement; without endAt it keeps its
   * duration. A taken slot fails the statement, so the row stays as it was.
   */
  async reschedule(companyId: number, id: number, startAt: Date, endAt?: Date): Promise<Appointment> {
    const params = new ParamList();
    const start = params.add(startAt.toISOString(), 'timestamptz');
    const end = endAt ? params.add(endAt.toISOString(), 'timestamptz') : `${start} + ("end_at" - "start_at")`;
    const sql =
      `UPDATE ${this.table} AS t SET "start_at" = ${start}, "end_at" = ${end}, "updated_at" = now() ` +
      `WHERE "id" = ${params.add(id, 'int')} AND "company_id" = ${params.add(companyId, 'int')} ` +
      `AND "status" = ANY(${params.add(ACTIVE, 'appointment_status[]')}) RETURNING ${this.returning('t')}`;
    const rows = await this.queryRows<Appointment>(this.db, 'reschedule', sql, params.values, { companyId, appointmentId: id });
    if (rows[0]) return rows[0];
    const existing = await this.findById(companyId, id);
    if (!existing) throw new NotFoundError('the appointment does not exist');
    throw new ValidationError(`a ${existing.status} appointment cannot be rescheduled`, { fields: ['appointmentId'] });
  }

  /** Cancels an active appointment; cancelling a cancelled one returns it unchanged. */
  async cancel(companyId: number, id: number): Promise<Appointment> {
    const params = new ParamList();
    const sql =
      `UPDATE ${this.table} AS t SET "status" = 'cancelled', "updated_at" = now() ` +
      `WHERE "id" = ${params.add(id, 'int')} AND "company_id" = ${params.add(companyId, 'int')} ` +
      `AND "status" = ANY(${params.add(ACTIVE, 'appointment_status[]')}) RETURNING ${this.returning('t')}`;
    const rows = await this.queryRows<Appointment>(this.db, 'cancel', sql, params.values, { companyId, appointmentId: id });
    if (rows[0]) return rows[0];
    const existing = await this.findById(companyId, id);
    if (!existing) throw new NotFoundError('the appointment does not exist');
    if (existing.status === 'cancelled') return existing;
    throw new ValidationError(`a ${existing.status} appointment cannot be cancelled`, { fields: ['appointmentId'] });
  }
}
