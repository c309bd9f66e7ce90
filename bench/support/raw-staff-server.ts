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
import { compileFilters } from '../../src/repositories/filters.js';
import { ParamList, quoteIdent } from '../../src/repositories/sql.js';
import { AVAILABILITY_SQL } from '../../src/repositories/staff-repository.js';
import { orderByClause, selectList } from '../../src/repositories/statements.js';
import { companyTable, staffTable } from '../../src/repositories/table-specs.js';

/** The repositories' statement texts: findOne({ id }), serviceDuration, findMany({ id: { in } }, orderBy name, id). */
const COMPANY_SQL = `SELECT ${selectList(companyTable)} FROM ${quoteIdent(companyTable.table)} WHERE ${compileFilters(companyTable, { id: 0 }, new ParamList())} LIMIT 1`;
// The text StaffRepository.serviceDuration builds (ParamList: $1::int, $2::int).
const SERVICE_SQL = 'SELECT "duration" FROM "services" WHERE "id" = $1::int AND "company_id" = $2::int';
const STAFF_SQL =
  `SELECT ${selectList(staffTable)} FROM ${quoteIdent(staffTable.table)} WHERE ${compileFilters(staffTable, { id: { in: [0] } }, new ParamList())}` +
  `${orderByClause(staffTable, [{ field: 'name' }, { field: 'id' }])} LIMIT 1000`;

interface FreeRow {
  staffId: number;
  startAt: Date;
  endAt: Date;
}

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_MAX ?? 3) });
pool.on('error', () => undefined);
const app = express();

app.get('/health', (_req, res) => {
  res.json({ status: 'ok' });
});

app.get('/api/companies/:companyId/staff', async (req, res) => {
  const companyId = Number(req.params.companyId);
  const date = String(req.query.date);
  const serviceId = Number(req.query.serviceId);
  const company = await pool.query(COMPANY_SQL, [companyId]);
  if (company.rows.length === 0) return void res.status(404).json({ error: { code: 'NOT_FOUND' } });
  const service = await pool.query<{ duration: number }>(SERVICE_SQL, [serviceId, companyId]);
  if (!service.rows[0]) return void res.status(404).json({ error: { code: 'NOT_FOUND' } });
  const free = await pool.query<FreeRow>(AVAILABILITY_SQL, [companyId, date, service.rows[0].duration, new Date().toISOString()]);
  const byStaff = new Map<number, FreeRow[]>();
  for (const row of free.rows) {
    const list = byStaff.get(row.staffId) ?? [];
    list.push(row);
    byStaff.set(row.staffId, list);
  }
  const staff = byStaff.size === 0 ? [] : (await pool.query(STAFF_SQL, [[...byStaff.keys()]])).rows;
  res.json({
    data: staff.map((m) => ({
      id: m.id,
      crmId: m.crmId,
      name: m.name,
      specialization: m.specialization,
      rating: m.rating,
      freeIntervals: (byStaff.get(m.id) ?? []).map((f) => ({ startAt: f.startAt.toISOString(), endAt: f.endAt.toISOString() })),
    })),
  });
});

const server = app.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void pool.end().finally(() => process.exit(0));
});
