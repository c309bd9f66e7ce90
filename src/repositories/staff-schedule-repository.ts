/**
 * Staff schedules: one row per staff member and day. Dates are calendar days
 * (YYYY-MM-DD, the salon's local days), ranges inclusive at both ends.
 */
import { NotFoundError, ValidationError } from '../db/errors.js';
import type { DbOrTx } from '../db/prisma-client.js';
import type { Prisma, StaffSchedule } from '../generated/prisma/client.js';
import { BaseRepository, ParamList, type Filters, type FindOneOptions, type RepositoryDeps } from './base-repository.js';
import { syncByKey } from './grouped-bulk-upsert.js';
import { encodeValue } from './sql.js';
import type { SyncResult } from './sync-result.js';
import { staffScheduleTable } from './table-specs.js';

export interface WorkingInterval {
  from: string;
  to: string;
}

export interface ScheduleInput {
  staffId: number;
  /** YYYY-MM-DD */
  date: string;
  isWorking?: boolean | undefined;
  workingIntervals?: WorkingInterval[] | undefined;
  freeSlots?: unknown[] | undefined;
}

export interface ScheduleQuery {
  companyId: number;
  staffId?: number | undefined;
  /** YYYY-MM-DD, inclusive */
  from: string;
  /** YYYY-MM-DD, inclusive */
  to: string;
}

/** How @db.Date values travel: midnight UTC of the day, as Prisma returns them. */
export const dayToDate = (day: string): Date => new Date(`${day}T00:00:00.000Z`);

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * A calendar day for a lookup. Checked here rather than left to the date cast:
 * JavaScript rolls 2026-02-30 over to March 2, which would answer for another day.
 */
function toDay(day: string | Date): Date {
  if (day instanceof Date) {
    if (Number.isNaN(day.getTime())) throw new ValidationError('date must be a valid Date or a YYYY-MM-DD day', { fields: ['date'] });
    return day;
  }
  const parts = typeof day === 'string' ? DAY.exec(day) : null;
  const date = parts ? dayToDate(day) : undefined;
  if (!parts || !date || Number.isNaN(date.getTime()) || date.getUTCDate() !== Number(parts[3]) || date.getUTCMonth() + 1 !== Number(parts[2])) {
    throw new ValidationError('date must be a real calendar day, YYYY-MM-DD', { fields: ['date'] });
  }
  return date;
}

export class StaffScheduleRepository extends BaseRepository<StaffSchedule> {
  constructor(db: DbOrTx, deps: RepositoryDeps = {}) {
    super(db, staffScheduleTable, deps);
  }

  /** Schedules of a salon's staff (or one staff member) between two days, inclusive, by day then staff. */
  findSchedules(query: ScheduleQuery): Promise<StaffSchedule[]> {
    const params = new ParamList();
    const conditions = [
      `st."company_id" = ${params.add(query.companyId, 'int')}`,
      `s."date" BETWEEN ${params.add(query.from, 'date')} AND ${params.add(query.to, 'date')}`,
    ];
    if (query.staffId !== undefined) conditions.push(`s."staff_id" = ${params.add(query.staffId, 'int')}`);
    const sql =
      `SELECT ${this.returning('s')} FROM ${this.table} s JOIN "staff" st ON st."id" = s."staff_id" ` +
      `WHERE ${conditions.join(' AND ')} ORDER BY s."date", s."staff_id"`;
    return this.queryRows<StaffSchedule>(this.db, 'findSchedules', sql, params.values, {
      companyId: query.companyId,
      staffId: query.staffId,
      from: query.from,
      to: query.to,
    });
  }

  /**
   * `findOne(companyId, staffId, date)`: the schedule of one of the salon's
   * staff members on one day, or null (also for a staff member of another
   * salon). `findOne(filters, options)`: the base's filter lookup, which other
   * code and the transaction twins rely on, so both forms stay: the first
   * argument's type decides (a number is a salon id, anything else goes to
   * the filter lookup, which refuses non-objects).
   */
  override findOne(companyId: number, staffId: number, date: string | Date): Promise<StaffSchedule | null>;
  override findOne(filters: Filters<StaffSchedule>, options?: FindOneOptions<StaffSchedule>): Promise<StaffSchedule | null>;
  override findOne(
    first: number | Filters<StaffSchedule>,
    second?: number | FindOneOptions<StaffSchedule>,
    third?: string | Date,
  ): Promise<StaffSchedule | null> {
    if (typeof first === 'number') return this.findForDay(first, second as number, third as string | Date);
    return this.findOneTx(this.db, first, second as FindOneOptions<StaffSchedule> | undefined);
  }

  /** The schedule of one of the salon's staff members on one day (YYYY-MM-DD or a Date at midnight UTC), or null. */
  async findForDay(companyId: number, staffId: number, day: string | Date): Promise<StaffSchedule | null> {
    const rows = await this.findForDays(companyId, staffId, [day]);
    return rows[0] ?? null;
  }

  /** The schedules of one of the salon's staff members on the given days, by day; days without a row are absent. */
  async findForDays(companyId: number, staffId: number, days: (string | Date)[]): Promise<StaffSchedule[]> {
    const params = new ParamList();
    const dates = days.map((day) => toDay(day).toISOString().slice(0, 10));
    // Checked here, not left to the cast: a bad id is the caller's ValidationError, not a database error.
    const int = this.spec.columns.staffId;
    const sql =
      `SELECT ${this.returning('s')} FROM ${this.table} s JOIN "staff" st ON st."id" = s."staff_id" ` +
      `WHERE st."company_id" = ${params.add(encodeValue(int, companyId, { field: 'companyId' }), 'int')} ` +
      `AND s."staff_id" = ${params.add(encodeValue(int, staffId, { field: 'staffId' }), 'int')} ` +
      `AND s."date" = ANY(${params.add(dates, 'date[]')}) ORDER BY s."date"`;
    return this.queryRows<StaffSchedule>(this.db, 'findForDays', sql, params.values, { companyId, staffId, days: dates.length });
  }

  /**
   * Upserts per (staff, date) for one salon's staff, the last row of a day
   * winning; an omitted field keeps the stored value. A staff id of another
   * salon (or none) is NOT_FOUND, naming its row, and nothing is written.
   * Run it in a transaction to make the whole call atomic.
   */
  async bulkUpsertSchedules(companyId: number, inputs: ScheduleInput[]): Promise<SyncResult> {
    await this.assertStaffOfCompany(companyId, inputs);
    // The day as given is the key: a day that is not a real date must reach validation, not be dropped as a duplicate.
    const rows = inputs.map(
      ({ date, workingIntervals, freeSlots, ...rest }) =>
        ({
          ...rest,
          date: dayToDate(date),
          workingIntervals: workingIntervals as Prisma.JsonArray | undefined,
          freeSlots: freeSlots as Prisma.JsonArray | undefined,
        }) as Partial<StaffSchedule>,
    );
    const keys = inputs.map((input) => `${String(input.staffId)}:${String(input.date)}`);
    return syncByKey(rows, (_row, index) => keys[index], (group) => this.bulkUpsert(group, ['staffId', 'date']));
  }

  /** One query for all staff ids of the call: the first one not of this salon is named. */
  private async assertStaffOfCompany(companyId: number, inputs: ScheduleInput[]): Promise<void> {
    const staffIds = [...new Set(inputs.map((input) => input.staffId))];
    const params = new ParamList();
    const sql = `SELECT "id" FROM "staff" WHERE "company_id" = ${params.add(companyId, 'int')} AND "id" = ANY(${params.add(staffIds, 'int[]')})`;
    const found = await this.queryRows<{ id: number }>(this.db, 'bulkUpsertSchedules', sql, params.values, { companyId, staffCount: staffIds.length });
    const known = new Set(found.map((row) => row.id));
    const index = inputs.findIndex((input) => !known.has(input.staffId));
    if (index >= 0) {
      throw new NotFoundError(`row ${index}: field "staffId": the staff member does not exist in this salon`, { fields: ['staffId'], rowIndex: index });
    }
  }
}
