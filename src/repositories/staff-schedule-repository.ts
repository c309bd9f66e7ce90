/**
 * Staff schedules: one row per staff member and day. Dates are calendar days
 * (YYYY-MM-DD, the salon's local days), ranges inclusive at both ends.
 */
import { ValidationError } from '../db/errors.js';
import type { DbOrTx } from '../db/prisma-client.js';
import type { Prisma, StaffSchedule } from '../generated/prisma/client.js';
import { BaseRepository, ParamList, type Filters, type FindOneOptions, type RepositoryDeps } from './base-repository.js';
import { syncByKey } from './grouped-bulk-upsert.js';
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
   * `findOne(staffId, date)`: the schedule of one staff member on one day, or
   * null (the lookup issue 4 names). `findOne(filters, options)`: the base's
   * filter lookup, which other code and the transaction twins rely on, so both
   * forms stay: the first argument's type decides (a number is a staff id,
   * anything else goes to the filter lookup, which refuses non-objects).
   */
  override findOne(staffId: number, date: string | Date): Promise<StaffSchedule | null>;
  override findOne(filters: Filters<StaffSchedule>, options?: FindOneOptions<StaffSchedule>): Promise<StaffSchedule | null>;
  override findOne(
    first: number | Filters<StaffSchedule>,
    second?: string | Date | FindOneOptions<StaffSchedule>,
  ): Promise<StaffSchedule | null> {
    if (typeof first === 'number') return this.findForDay(first, second as string | Date);
    return this.findOneTx(this.db, first, second as FindOneOptions<StaffSchedule> | undefined);
  }

  /** The schedule of one staff member on one day (YYYY-MM-DD or a Date at midnight UTC), or null. */
  async findForDay(staffId: number, day: string | Date): Promise<StaffSchedule | null> {
    return this.findOneTx(this.db, { staffId, date: toDay(day) });
  }

  /**
   * Upserts per (staff, date), the last row of a day winning; an omitted field
   * keeps the stored value. Run it in a transaction to make the whole call atomic.
   */
  async bulkUpsertSchedules(inputs: ScheduleInput[]): Promise<SyncResult> {
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
}
