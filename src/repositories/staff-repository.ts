/** Staff of a salon, and who can take a booking on a given day. */
import { NotFoundError } from '../db/errors.js';
import type { DbOrTx } from '../db/prisma-client.js';
import type { Prisma, Staff } from '../generated/prisma/client.js';
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

export interface FreeInterval {
  startAt: Date;
  endAt: Date;
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

/**
 * Free time = the day's working intervals (salon local time, turned into
 * instants with the salon's time zone) minus non-cancelled appointments,
 * computed as multiranges; a staff member is available when one free piece
 * is at least the needed duration.
 */
const AVAILABILITY_SQL = `
WITH day AS (
  SELECT c."timezone" AS tz, $2::date AS d FROM "companies" c WHERE c."id" = $1::int
),
working AS (
  SELECT s."staff_id",
         range_agg(tstzrange((day.d + (i->>'from')::time) AT TIME ZONE day.tz,
                             (day.d + (i->>'to')::time) AT TIME ZONE day.tz, '[)')) AS hours
  FROM "staff_schedules" s
  JOIN "staff" st ON st."id" = s."staff_id"
  CROSS JOIN day
  CROSS JOIN LATERAL jsonb_array_elements(s."working_intervals") i
  WHERE st."company_id" = $1::int AND st."is_active" AND NOT st."is_fired" AND s."date" = day.d AND s."is_working"
  GROUP BY s."staff_id"
),
busy AS (
  SELECT a."staff_id", range_agg(tstzrange(a."start_at", a."end_at", '[)')) AS taken
  FROM "appointments" a JOIN working w ON w."staff_id" = a."staff_id"
  WHERE a."status" <> 'cancelled' AND tstzrange(a."start_at", a."end_at", '[)') && range_merge(w.hours)
  GROUP BY a."staff_id"
)
SELECT w."staff_id" AS "staffId", lower(f) AS "startAt", upper(f) AS "endAt"
FROM working w
LEFT JOIN busy b ON b."staff_id" = w."staff_id"
CROSS JOIN LATERAL unnest(
  (w.hours - COALESCE(b.taken, '{}'::tstzmultirange)) * tstzmultirange(tstzrange($4::timestamptz, NULL))
) f
WHERE upper(f) - lower(f) >= make_interval(mins => $3::int)
ORDER BY w."staff_id", lower(f)`;

export class StaffRepository extends BaseRepository<Staff> {
  constructor(db: DbOrTx, deps: RepositoryDeps = {}) {
    super(db, staffTable, deps);
  }

  findById(id: number): Promise<Staff | null> {
    return this.findOne({ id });
  }

  /** Active, not fired staff by name (all of them with includeInactive). */
  findByCompany(companyId: number, options: { includeInactive?: boolean | undefined } = {}): Promise<Staff[]> {
    const filters = options.includeInactive ? { companyId } : { companyId, isActive: true, isFired: false };
    return this.findMany(filters, { orderBy: [{ field: 'name' }, { field: 'id' }] });
  }

  /** Staff working that day with at least one free interval long enough for the service. */
  async findAvailable(companyId: number, day: string, options: AvailabilityOptions = {}): Promise<AvailableStaff[]> {
    const minutes = options.serviceId === undefined ? (options.durationMinutes ?? 1) : await this.serviceDuration(companyId, options.serviceId);
    const params = [companyId, day, minutes, options.notBefore ? options.notBefore.toISOString() : null];
    const free = await this.queryRows<{ staffId: number } & FreeInterval>(this.db, 'findAvailable', AVAILABILITY_SQL, params, {
      companyId,
      serviceId: options.serviceId,
      minutes,
    });
    if (free.length === 0) return [];
    const byStaff = new Map<number, FreeInterval[]>();
    for (const { staffId, startAt, endAt } of free) {
      const list = byStaff.get(staffId) ?? [];
      list.push({ startAt, endAt });
      byStaff.set(staffId, list);
    }
    const staff = await this.findMany({ id: { in: [...byStaff.keys()] } }, { orderBy: [{ field: 'name' }, { field: 'id' }] });
    return staff.map((member) => ({ ...member, freeIntervals: byStaff.get(member.id) ?? [] }));
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

  private async serviceDuration(companyId: number, serviceId: number): Promise<number> {
    const params = new ParamList();
    const sql = `SELECT "duration" FROM "services" WHERE "id" = ${params.add(serviceId, 'int')} AND "company_id" = ${params.add(companyId, 'int')}`;
    const rows = await this.queryRows<{ duration: number }>(this.db, 'findAvailable', sql, params.values, { companyId, serviceId });
    if (!rows[0]) throw new NotFoundError('the service does not exist in this salon');
    return rows[0].duration;
  }
}
