/**
 * Staff schedules: one row per staff member and day. Dates are calendar days
 * (YYYY-MM-DD, the salon's local days), ranges inclusive at both ends.
 */
import type { DbOrTx } from '../db/prisma-client.js';
import type { Prisma, StaffSchedule } from '../generated/prisma/client.js';
import { BaseRepository, ParamList, type BulkUpsertResult, type RepositoryDeps } from './base-repository.js';
import { bulkUpsertByFieldSet } from './grouped-bulk-upsert.js';
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

  /** The schedule of one staff member on one day, or null. (Not `findOne`: that is the base's filter lookup.) */
  findForDay(staffId: number, day: string): Promise<StaffSchedule | null> {
    return this.findOne({ staffId, date: dayToDate(day) });
  }

  /** Upserts per (staff, date); run it in a transaction to make the whole call atomic. */
  async bulkUpsertSchedules(inputs: ScheduleInput[]): Promise<BulkUpsertResult> {
    const rows = inputs.map(
      ({ date, workingIntervals, freeSlots, ...rest }) =>
        ({
          ...rest,
          date: dayToDate(date),
          workingIntervals: workingIntervals as Prisma.JsonArray | undefined,
          freeSlots: freeSlots as Prisma.JsonArray | undefined,
        }) as Partial<StaffSchedule>,
    );
    return bulkUpsertByFieldSet(rows, (group) => this.bulkUpsert(group, ['staffId', 'date']));
  }
}
