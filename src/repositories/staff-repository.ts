/** Staff of a salon, and who can take a booking on a given day. */
import { NotFoundError } from '../db/errors.js';
import type { DbOrTx } from '../db/prisma-client.js';
import { assertServiceBookable, freeIntervals, workingPeriods, type Interval, type ScheduleDay } from '../domain/booking-rules.js';
import { toLocalIso } from '../domain/salon-time.js';
import type { Prisma, Staff } from '../generated/prisma/client.js';
import { AppointmentRepository } from './appointment-repository.js';
import { BaseRepository, ParamList, type RepositoryDeps } from './base-repository.js';
import { syncByKey } from './grouped-bulk-upsert.js';
import type { SyncResult } from './sync-result.js';
import { staffTable } from './table-specs.js';

export interface StaffInput {
  crmId: number;
  name: string;
  specialization?: string | null | undefined;
  rating?: number | string | null | undefined;
  isActive?: boolean | undefined;
  isFired?: boolean | undefined;
  raw?: Record<string, unknown> | undefined;
}

/** A free stretch of a staff member's day: instants, and the salon's wall-clock reading of them. */
export interface FreeInterval {
  startAt: Date;
  endAt: Date;
  /** ISO 8601 with the salon's offset, e.g. 2026-12-03T10:00:00+03:00. */
  startAtLocal: string;
  endAtLocal: string;
}

export type AvailableStaff = Staff & { freeIntervals: FreeInterval[] };

export interface AvailabilityOptions {
  /** Free time must fit this service's duration. */
  serviceId?: number | undefined;
  /** Used without a service (default 1 minute: any free time). */
  durationMinutes?: number | undefined;
  /** Free time before this instant does not count (pass "now" for today). */
  notBefore?: Date | undefined;
}

/** What availability needs to know about the salon (and the service asked for). */
interface SalonFacts {
  timeZone: string;
  service: { duration: number; isActive: boolean } | null;
}

export class StaffRepository extends BaseRepository<Staff> {
  private readonly appointments: AppointmentRepository;

  constructor(db: DbOrTx, deps: RepositoryDeps = {}) {
    super(db, staffTable, deps);
    this.appointments = new AppointmentRepository(db, deps);
  }

  /** The salon's staff member with this id, or null (also when they belong to another salon). */
  findById(companyId: number, id: number): Promise<Staff | null> {
    return this.findOne({ id, companyId });
  }

  /** Active, not fired staff by name (all of them with includeInactive). */
  findByCompany(companyId: number, options: { includeInactive?: boolean | undefined } = {}): Promise<Staff[]> {
    const filters = options.includeInactive ? { companyId } : { companyId, isActive: true, isFired: false };
    return this.findMany(filters, { orderBy: [{ field: 'name' }, { field: 'id' }] });
  }

  /**
   * Active staff working that salon-local day with at least one free interval
   * long enough for the service. Free time comes from the booking rules'
   * freeIntervals (src/domain/booking-rules.ts), the function the booking
   * check uses too, so every interval offered here can be booked. A service
   * the salon switched off is refused as the booking would refuse it.
   */
  async findAvailable(companyId: number, day: string, options: AvailabilityOptions = {}): Promise<AvailableStaff[]> {
    const salon = await this.salonFacts(companyId, options.serviceId);
    if (!salon) return [];
    if (options.serviceId !== undefined && !salon.service) throw new NotFoundError('the service does not exist in this salon');
    assertServiceBookable(salon.service);
    const minutes = salon.service?.duration ?? options.durationMinutes ?? 1;
    const working = await this.workingOn(companyId, day);
    if (working.length === 0) return [];
    const periods = new Map(working.map(({ member, schedule }) => [member.id, workingPeriods([schedule], salon.timeZone)]));
    const all = [...periods.values()].flat();
    const busy = all.length === 0 ? [] : await this.appointments.findBusy([...periods.keys()], minInstant(all), maxInstant(all));
    const available: AvailableStaff[] = [];
    for (const { member } of working) {
      const taken = busy.filter((b) => b.staffId === member.id);
      const free = freeIntervals(periods.get(member.id) ?? [], taken, options.notBefore).filter(
        (f) => f.endAt.getTime() - f.startAt.getTime() >= minutes * 60_000,
      );
      if (free.length === 0) continue;
      available.push({
        ...member,
        freeIntervals: free.map((f) => ({ ...f, startAtLocal: toLocalIso(f.startAt, salon.timeZone), endAtLocal: toLocalIso(f.endAt, salon.timeZone) })),
      });
    }
    return available;
  }

  /** Staff of one salon by CRM id, in batches (the last row of a CRM id wins); run it in a transaction to make the whole call atomic. */
  async bulkUpsertForCompany(companyId: number, inputs: StaffInput[]): Promise<SyncResult> {
    const rows = inputs.map(({ rating, raw, ...rest }) =>
      ({
        ...rest,
        companyId,
        rating: rating === undefined || rating === null ? rating : String(rating), // numeric as exact text
        raw: raw as Prisma.JsonObject | undefined,
      }) as unknown as Partial<Staff>,
    );
    return syncByKey(rows, (row) => String(row.crmId), (group) => this.bulkUpsert(group, ['companyId', 'crmId']));
  }

  /** The salon's time zone and, when asked for, its service; null when there is no such salon. */
  private async salonFacts(companyId: number, serviceId: number | undefined): Promise<SalonFacts | null> {
    const params = new ParamList();
    const company = params.add(companyId, 'int');
    const service = params.add(serviceId ?? null, 'int');
    const sql =
      `SELECT c."timezone" AS "timeZone", s."duration" AS "duration", s."is_active" AS "isActive" FROM "companies" c ` +
      `LEFT JOIN "services" s ON s."id" = ${service} AND s."company_id" = c."id" WHERE c."id" = ${company}`;
    const rows = await this.queryRows<{ timeZone: string; duration: number | null; isActive: boolean | null }>(this.db, 'findAvailable', sql, params.values, {
      companyId,
      serviceId,
    });
    const row = rows[0];
    if (!row) return null;
    return { timeZone: row.timeZone, service: row.duration === null ? null : { duration: row.duration, isActive: row.isActive === true } };
  }

  /** Active, not fired staff with a working schedule on the day, by name, each with that day's schedule. */
  private async workingOn(companyId: number, day: string): Promise<{ member: Staff; schedule: ScheduleDay }[]> {
    const params = new ParamList();
    const sql =
      `SELECT ${this.returning('st')}, s."working_intervals" AS "scheduleWorkingIntervals" FROM ${this.table} st ` +
      `JOIN "staff_schedules" s ON s."staff_id" = st."id" ` +
      `WHERE st."company_id" = ${params.add(companyId, 'int')} AND st."is_active" AND NOT st."is_fired" ` +
      `AND s."date" = ${params.add(day, 'date')} AND s."is_working" ORDER BY st."name", st."id"`;
    const rows = await this.queryRows<Staff & { scheduleWorkingIntervals: unknown }>(this.db, 'findAvailable', sql, params.values, { companyId });
    return rows.map(({ scheduleWorkingIntervals, ...member }) => ({
      member,
      schedule: { date: day, isWorking: true, workingIntervals: scheduleWorkingIntervals },
    }));
  }
}

const minInstant = (intervals: Interval[]) => new Date(Math.min(...intervals.map((i) => i.startAt.getTime())));
const maxInstant = (intervals: Interval[]) => new Date(Math.max(...intervals.map((i) => i.endAt.getTime())));
