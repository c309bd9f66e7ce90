/**
 * The data layer against raw `pg` doing the same work, same pool size, same run.
 * - dataLayer.bulkSync: one salon's CRM sync (1,000 clients, 100 services,
 *   20 staff, 30 days x 20 staff schedules = 1,720 rows), rows/s. Each round
 *   syncs a new salon (every row an insert), then the same salon again (every
 *   row unchanged); the figure covers both. Raw pg runs the same set-based
 *   INSERT ... ON CONFLICT ... WHERE IS DISTINCT FROM statements, one
 *   transaction per table, with phones normalised the same way.
 * - dataLayer.dialogContext.loadSave: load then merge-save one conversation's
 *   state, pairs/s, against the same two statements in raw pg.
 * - dataLayer.getClientByPhone: lookups/s against a raw SELECT by (company, phone).
 * Median of 5 rounds (1 with --quick) after an uncounted warm-up; calls are
 * sequential (one conversation at a time), so the figures are latency-bound.
 */
import pg from 'pg';
import { median, throughput, type BenchContext, type BenchResult } from './types.js';
import { createDataLayer, type DataLayer } from '../src/data-layer/index.js';
import { createDbClient } from '../src/db/prisma-client.js';
import { tryNormalizePhone } from '../src/domain/phone.js';
import { noopReporter } from '../src/observability/error-reporter.js';
import { silentLogger } from '../src/observability/logger.js';
import { StaffRepository } from '../src/repositories/staff-repository.js';
import { crmPayload, syncSalon, type CrmPayload } from '../tests/helpers/crm-payload.js';

const SYNC_ROWS = 1_000 + 100 + 20 + 600;
const DIALOG_PAIRS = 300;
const LOOKUPS = 500;

const phoneOf = (typed: string) => {
  const digits = tryNormalizePhone(typed);
  if (digits === null) throw new Error('bench payload has an invalid phone');
  return digits;
};

async function inTransaction(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<void>) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await work(client);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

/** The same upserts as the data layer, hand-written for pg. */
async function rawSync(pool: pg.Pool, payload: CrmPayload): Promise<void> {
  const c = payload.companyId;
  await pool.query(
    `INSERT INTO companies AS t (id, title, timezone) VALUES ($1, $2, 'Europe/Moscow')
     ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, timezone = EXCLUDED.timezone, updated_at = now()
     WHERE ROW(t.title, t.timezone) IS DISTINCT FROM ROW(EXCLUDED.title, EXCLUDED.timezone)`,
    [c, `Salon ${c}`],
  );
  await inTransaction(pool, async (client) => {
    for (let from = 0; from < payload.clients.length; from += 500) {
      const rows = payload.clients.slice(from, from + 500);
      await client.query(
        `INSERT INTO clients AS t (company_id, phone, crm_id, name, email, visit_count, total_spent, last_visit_at, raw)
         SELECT $1, * FROM unnest($2::text[], $3::int[], $4::text[], $5::text[], $6::int[], $7::numeric[], $8::timestamptz[], $9::jsonb[])
         ON CONFLICT (company_id, phone) DO UPDATE SET crm_id = EXCLUDED.crm_id, name = EXCLUDED.name, email = EXCLUDED.email,
           visit_count = EXCLUDED.visit_count, total_spent = EXCLUDED.total_spent, last_visit_at = EXCLUDED.last_visit_at, raw = EXCLUDED.raw, updated_at = now()
         WHERE ROW(t.crm_id, t.name, t.email, t.visit_count, t.total_spent, t.last_visit_at, t.raw)
           IS DISTINCT FROM ROW(EXCLUDED.crm_id, EXCLUDED.name, EXCLUDED.email, EXCLUDED.visit_count, EXCLUDED.total_spent, EXCLUDED.last_visit_at, EXCLUDED.raw)`,
        [
          c,
          rows.map((r) => phoneOf(r.phone)),
          rows.map((r) => r.crmId),
          rows.map((r) => r.name),
          rows.map((r) => r.email),
          rows.map((r) => r.visitCount),
          rows.map((r) => r.totalSpent),
          rows.map((r) => r.lastVisitAt?.toISOString() ?? null),
          rows.map((r) => JSON.stringify(r.raw)),
        ],
      );
    }
  });
  await inTransaction(pool, async (client) => {
    const rows = payload.services;
    await client.query(
      `INSERT INTO services AS t (company_id, crm_id, title, category_id, category_title, price_min, price_max, duration, is_active, weight, raw)
       SELECT $1, * FROM unnest($2::int[], $3::text[], $4::int[], $5::text[], $6::numeric[], $7::numeric[], $8::int[], $9::bool[], $10::int[], $11::jsonb[])
       ON CONFLICT (company_id, crm_id) DO UPDATE SET title = EXCLUDED.title, category_id = EXCLUDED.category_id, category_title = EXCLUDED.category_title,
         price_min = EXCLUDED.price_min, price_max = EXCLUDED.price_max, duration = EXCLUDED.duration, is_active = EXCLUDED.is_active, weight = EXCLUDED.weight,
         raw = EXCLUDED.raw, updated_at = now()
       WHERE ROW(t.title, t.category_id, t.category_title, t.price_min, t.price_max, t.duration, t.is_active, t.weight, t.raw)
         IS DISTINCT FROM ROW(EXCLUDED.title, EXCLUDED.category_id, EXCLUDED.category_title, EXCLUDED.price_min, EXCLUDED.price_max, EXCLUDED.duration, EXCLUDED.is_active, EXCLUDED.weight, EXCLUDED.raw)`,
      [
        c,
        rows.map((r) => r.crmId),
        rows.map((r) => r.title),
        rows.map((r) => r.categoryId),
        rows.map((r) => r.categoryTitle),
        rows.map((r) => r.priceMin),
        rows.map((r) => r.priceMax),
        rows.map((r) => r.duration),
        rows.map((r) => r.isActive),
        rows.map((r) => r.weight),
        rows.map((r) => JSON.stringify(r.raw)),
      ],
    );
  });
  const staff = payload.staff;
  await pool.query(
    `INSERT INTO staff AS t (company_id, crm_id, name, specialization, rating, is_active, is_fired, raw)
     SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::numeric[], $6::bool[], $7::bool[], $8::jsonb[])
     ON CONFLICT (company_id, crm_id) DO UPDATE SET name = EXCLUDED.name, specialization = EXCLUDED.specialization, rating = EXCLUDED.rating,
       is_active = EXCLUDED.is_active, is_fired = EXCLUDED.is_fired, raw = EXCLUDED.raw, updated_at = now()
     WHERE ROW(t.name, t.specialization, t.rating, t.is_active, t.is_fired, t.raw)
       IS DISTINCT FROM ROW(EXCLUDED.name, EXCLUDED.specialization, EXCLUDED.rating, EXCLUDED.is_active, EXCLUDED.is_fired, EXCLUDED.raw)`,
    [
      c,
      staff.map((r) => r.crmId),
      staff.map((r) => r.name),
      staff.map((r) => r.specialization),
      staff.map((r) => r.rating),
      staff.map((r) => r.isActive),
      staff.map((r) => r.isFired),
      staff.map((r) => JSON.stringify(r.raw)),
    ],
  );
  const { rows: members } = await pool.query<{ id: number; crm_id: number }>('SELECT id, crm_id FROM staff WHERE company_id = $1', [c]);
  const idByCrm = new Map(members.map((m) => [m.crm_id, m.id]));
  await inTransaction(pool, async (client) => {
    for (let from = 0; from < payload.schedules.length; from += 500) {
      const rows = payload.schedules.slice(from, from + 500);
      await client.query(
        `INSERT INTO staff_schedules AS t (staff_id, date, is_working, working_intervals, free_slots)
         SELECT * FROM unnest($1::int[], $2::date[], $3::bool[], $4::jsonb[], $5::jsonb[])
         ON CONFLICT (staff_id, date) DO UPDATE SET is_working = EXCLUDED.is_working, working_intervals = EXCLUDED.working_intervals,
           free_slots = EXCLUDED.free_slots, updated_at = now()
         WHERE ROW(t.is_working, t.working_intervals, t.free_slots) IS DISTINCT FROM ROW(EXCLUDED.is_working, EXCLUDED.working_intervals, EXCLUDED.free_slots)`,
        [
          rows.map((r) => idByCrm.get(r.staffCrmId)),
          rows.map((r) => r.date),
          rows.map((r) => r.isWorking),
          rows.map((r) => JSON.stringify(r.workingIntervals)),
          rows.map((r) => JSON.stringify(r.freeSlots)),
        ],
      );
    }
  });
}

async function timeIt(work: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

function expectOk<T>(result: { success: true; data: T } | { success: false; error: { code: string } }): T {
  if (!result.success) throw new Error(`data layer failed during the bench: ${result.error.code}`);
  return result.data;
}

export async function run(ctx: BenchContext): Promise<BenchResult[]> {
  const pool = new pg.Pool({ connectionString: ctx.databaseUrl, max: 3 });
  const db = createDbClient(pool, { logger: silentLogger, reporter: noopReporter, slowQueryMs: 60_000 });
  const dataLayer: DataLayer = createDataLayer(db, { reporter: noopReporter });
  const staffRepository = new StaffRepository(db);
  const rounds = ctx.quick ? 1 : 5;
  let nextCompany = 1_000;
  const figures = { sync: [] as number[], syncRaw: [] as number[], dialog: [] as number[], dialogRaw: [] as number[], lookup: [] as number[], lookupRaw: [] as number[] };

  const syncTwice = (sync: (p: CrmPayload) => Promise<unknown>) => async () => {
    const payload = crmPayload(nextCompany++);
    return timeIt(async () => {
      await sync(payload);
      await sync(payload);
    });
  };
  const viaLayer = syncTwice((p) => syncSalon(dataLayer, staffRepository, p));
  const viaRaw = syncTwice((p) => rawSync(pool, p));

  try {
    // Lookup and dialog data: one synced salon.
    const lookupPayload = crmPayload(999);
    await syncSalon(dataLayer, staffRepository, lookupPayload);
    const phones = lookupPayload.clients.map((client) => client.phone);
    const digits = phones.map(phoneOf);

    const layerLookups = () =>
      timeIt(async () => {
        for (let i = 0; i < LOOKUPS; i += 1) expectOk(await dataLayer.getClientByPhone({ companyId: 999, phone: phones[i % phones.length]! }));
      });
    const rawLookups = () =>
      timeIt(async () => {
        for (let i = 0; i < LOOKUPS; i += 1) {
          await pool.query('SELECT * FROM clients WHERE company_id = $1 AND phone = $2', [999, digits[i % digits.length]]);
        }
      });

    const state = (i: number) => ({ step: `step-${i % 5}`, cart: [{ serviceId: i, staffId: null }], note: 'Здравствуйте 💅' });
    const layerDialog = () =>
      timeIt(async () => {
        for (let i = 0; i < DIALOG_PAIRS; i += 1) {
          const phone = phones[i % 50]!;
          expectOk(await dataLayer.getDialogContext({ companyId: 999, phone }));
          expectOk(await dataLayer.upsertDialogContext({ companyId: 999, phone, state: state(i) }));
        }
      });
    const rawDialog = () =>
      timeIt(async () => {
        for (let i = 0; i < DIALOG_PAIRS; i += 1) {
          const phone = digits[i % 50]!;
          const now = new Date();
          await pool.query('SELECT * FROM dialog_contexts WHERE company_id = $1 AND phone = $2 AND (expires_at IS NULL OR expires_at > $3)', [999, phone, now]);
          await pool.query(
            `INSERT INTO dialog_contexts AS t (company_id, phone, state, last_message_at, expires_at, updated_at)
             VALUES ($1, $2, $3::jsonb, $4, $5, $4)
             ON CONFLICT (company_id, phone) DO UPDATE SET state = CASE WHEN t.expires_at <= $4 THEN EXCLUDED.state ELSE t.state || EXCLUDED.state END,
               last_message_at = EXCLUDED.last_message_at, expires_at = EXCLUDED.expires_at, updated_at = EXCLUDED.updated_at
             RETURNING *`,
            [999, phone, JSON.stringify(state(i)), now, new Date(now.getTime() + 86_400_000)],
          );
        }
      });

    // Warm-up (not counted).
    await viaLayer();
    await viaRaw();
    await layerLookups();
    await rawLookups();
    await layerDialog();
    await rawDialog();

    for (let round = 0; round < rounds; round += 1) {
      // Alternate who goes first so neither always runs on a warmer cache.
      const pairs: [() => Promise<number>, number[], () => Promise<number>, number[]][] = [
        [viaLayer, figures.sync, viaRaw, figures.syncRaw],
        [layerDialog, figures.dialog, rawDialog, figures.dialogRaw],
        [layerLookups, figures.lookup, rawLookups, figures.lookupRaw],
      ];
      for (const [a, aOut, b, bOut] of pairs) {
        if (round % 2 === 0) {
          aOut.push(await a());
          bOut.push(await b());
        } else {
          bOut.push(await b());
          aOut.push(await a());
        }
      }
      ctx.log(`data-layer round ${round + 1}/${rounds} done`);
    }
  } finally {
    await db.$disconnect();
    await pool.end();
  }

  const result = (name: string, unit: string, work: number, layer: number[], raw: number[]): BenchResult =>
    throughput(name, unit, work / median(layer), work / median(raw));
  return [
    result('dataLayer.bulkSync', 'rows/s', SYNC_ROWS * 2, figures.sync, figures.syncRaw),
    result('dataLayer.dialogContext.loadSave', 'pairs/s', DIALOG_PAIRS, figures.dialog, figures.dialogRaw),
    result('dataLayer.getClientByPhone', 'lookups/s', LOOKUPS, figures.lookup, figures.lookupRaw),
  ];
}
