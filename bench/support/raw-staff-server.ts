/**
 * The reference side of `http.staffAvailability`: a minimal Express server on
 * raw `pg` answering GET /api/companies/:companyId/staff?date=&serviceId=
 * with the very SQL texts the API's repositories send (built by the same
 * functions, or imported), on a pool of the same size, and the same JSON
 * view. No validation library, no data layer, no logging: the floor a Node
 * HTTP server over pg can reach for this route.
 * Run by bench/http-read.bench.ts: `node --import tsx bench/support/raw-staff-server.ts`
 * with DATABASE_URL, PORT and POOL_MAX in the environment.
 */
import express from 'express';
import pg from 'pg';
import { freeIntervals, workingPeriods, type Interval } from '../../src/domain/booking-rules.js';
import { toLocalIso } from '../../src/domain/salon-time.js';
import { compileFilters } from '../../src/repositories/filters.js';
import { ParamList, quoteIdent } from '../../src/repositories/sql.js';
import { selectList } from '../../src/repositories/statements.js';
import { companyTable, staffTable } from '../../src/repositories/table-specs.js';

/** The repositories' statement texts: the company read, then StaffRepository.findAvailable's three statements. */
const COMPANY_SQL = `SELECT ${selectList(companyTable)} FROM ${quoteIdent(companyTable.table)} WHERE ${compileFilters(companyTable, { id: 0 }, new ParamList())} LIMIT 1`;
const FACTS_SQL =
  'SELECT c."timezone" AS "timeZone", s."duration" AS "duration", s."is_active" AS "isActive" FROM "companies" c ' +
  'LEFT JOIN "services" s ON s."id" = $2::int AND s."company_id" = c."id" WHERE c."id" = $1::int';
const WORKING_SQL =
  `SELECT ${selectList(staffTable, 'st')}, s."working_intervals" AS "scheduleWorkingIntervals" FROM "staff" st ` +
  'JOIN "staff_schedules" s ON s."staff_id" = st."id" ' +
  'WHERE st."company_id" = $1::int AND st."is_active" AND NOT st."is_fired" AND s."date" = $2::date AND s."is_working" ORDER BY st."name", st."id"';
const BUSY_SQL =
  'SELECT "staff_id" AS "staffId", "start_at" AS "startAt", "end_at" AS "endAt" FROM "appointments" ' +
  'WHERE "staff_id" = ANY($1::int[]) AND "status" <> \'cancelled\' AND "start_at" < $2::timestamptz AND "end_at" > $3::timestamptz ' +
  'ORDER BY "staff_id", "start_at"';

interface WorkingRow {
  id: number;
  crmId: number;
  name: string;
  specialization: string | null;
  rating: string | null;
  scheduleWorkingIntervals: unknown;
}

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_MAX ?? 3) });
pool.on('error', () => undefined);
const app = express();

app.get('/health', (_req, res) => {
  res.json({ status: 'ok' });
});

const local = (i: Interval, timeZone: string) => ({
  startAt: i.startAt.toISOString(),
  endAt: i.endAt.toISOString(),
  startAtLocal: toLocalIso(i.startAt, timeZone),
  endAtLocal: toLocalIso(i.endAt, timeZone),
});

app.get('/api/companies/:companyId/staff', async (req, res) => {
  const companyId = Number(req.params.companyId);
  const date = String(req.query.date);
  const serviceId = Number(req.query.serviceId);
  const company = await pool.query(COMPANY_SQL, [companyId]);
  if (company.rows.length === 0) return void res.status(404).json({ error: { code: 'NOT_FOUND' } });
  const facts = (await pool.query<{ timeZone: string; duration: number | null; isActive: boolean | null }>(FACTS_SQL, [companyId, serviceId])).rows[0];
  if (!facts || facts.duration === null || !facts.isActive) return void res.status(404).json({ error: { code: 'NOT_FOUND' } });
  const working = (await pool.query<WorkingRow>(WORKING_SQL, [companyId, date])).rows;
  const periods = new Map(working.map((m) => [m.id, workingPeriods([{ date, isWorking: true, workingIntervals: m.scheduleWorkingIntervals }], facts.timeZone)]));
  const all = [...periods.values()].flat();
  const from = new Date(Math.min(...all.map((i) => i.startAt.getTime())));
  const to = new Date(Math.max(...all.map((i) => i.endAt.getTime())));
  const busy = all.length === 0 ? [] : (await pool.query<Interval & { staffId: number }>(BUSY_SQL, [[...periods.keys()], to.toISOString(), from.toISOString()])).rows;
  const now = new Date();
  const data = [];
  for (const m of working) {
    const free = freeIntervals(periods.get(m.id) ?? [], busy.filter((b) => b.staffId === m.id), now).filter(
      (f) => f.endAt.getTime() - f.startAt.getTime() >= (facts.duration ?? 1) * 60_000,
    );
    if (free.length === 0) continue;
    data.push({ id: m.id, crmId: m.crmId, name: m.name, specialization: m.specialization, rating: m.rating, freeIntervals: free.map((f) => local(f, facts.timeZone)) });
  }
  res.json({ data });
});

const server = app.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void pool.end().finally(() => process.exit(0));
});
