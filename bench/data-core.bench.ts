/**
 * Data core against raw `pg` doing the same work on the same pool size, in
 * the same run, interleaved so machine noise hits both sides alike:
 * - bulkUpsert.10k: 10,000 clients, half existing (changed) and half new, by
 *   BaseRepository.bulkUpsert (one statement per 500 rows, each batch its own
 *   transaction) vs raw INSERT ... SELECT FROM unnest ... ON CONFLICT DO UPDATE
 *   in batches of 500 inside one transaction. rows/s, median of rounds.
 *   bulkUpsert.10k.tx: the same inside withTransaction (savepoint per batch).
 * - findOne.unique: findOne by (companyId, phone) vs raw pg sending the same
 *   SQL text (built by the same functions) with the same parameters. ops/s.
 * - upsert.single: upsert of one changed client vs the same statement. ops/s.
 * - transaction.booking3: withTransaction around find client, upsert
 *   appointment, upsert client's visit count vs raw pg BEGIN; the same 3
 *   statements; COMMIT. ops/s.
 * So the single-statement and transaction ratios measure the client path
 * (Prisma's raw query and interactive transaction, the error extension, the
 * repository), not differences in SQL.
 */
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import { createPool, poolSettingsFromConfig } from '../src/db/pool.js';
import { createDbClient } from '../src/db/prisma-client.js';
import { noopReporter } from '../src/observability/error-reporter.js';
import { silentLogger } from '../src/observability/logger.js';
import { compileFilters } from '../src/repositories/filters.js';
import { ParamList, quoteIdent } from '../src/repositories/sql.js';
import { buildUpsert, planWrite, selectList } from '../src/repositories/statements.js';
import type { TableSpec } from '../src/repositories/table-spec.js';
import { appointmentTable, clientTable } from '../src/repositories/table-specs.js';
import { BenchAppointments, BenchClients, BenchCompanies } from './support/bench-tables.js';
import { median, throughput, type BenchContext, type BenchResult } from './types.js';

const BULK_ROWS = 10_000;
const BATCH = 500;

/**
 * The exact SQL text the repository sends for findOne by (companyId, phone),
 * so the raw side runs the same statement ("same statement" in issue 3).
 */
function findOneSql(): string {
  const where = compileFilters(clientTable, { companyId: 0, phone: '' }, new ParamList());
  return `SELECT ${selectList(clientTable)} FROM ${quoteIdent(clientTable.table)} WHERE ${where} LIMIT 1`;
}

/** The exact SQL text of the repository's upsert for these fields. */
function upsertSql<Row>(spec: TableSpec<Row>, sample: Record<string, unknown>, conflict: string[]): string {
  return buildUpsert(spec, sample, planWrite(spec, Object.keys(sample), conflict)).sql;
}

interface ClientInput {
  companyId: number;
  phone: string;
  name: string;
  visitCount: number;
  totalSpent: string;
  raw: { source: string; index: number; version: number };
  lastVisitAt: Date;
}

const phoneOf = (index: number) => String(79_100_000_000 + index);

function clientRows(companyId: number, count: number, version: number): ClientInput[] {
  return Array.from({ length: count }, (_, index) => ({
    companyId,
    phone: phoneOf(index),
    name: `Client ${index}`,
    visitCount: version,
    totalSpent: `${index}.50`,
    raw: { source: 'crm', index, version },
    lastVisitAt: new Date(Date.UTC(2026, 0, 1) + index * 60_000),
  }));
}

const RAW_BULK_SQL =
  `INSERT INTO clients (company_id, phone, name, visit_count, total_spent, raw, last_visit_at) ` +
  `SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::int[], $5::numeric[], $6::jsonb[], $7::timestamptz[]) ` +
  `ON CONFLICT (company_id, phone) DO UPDATE SET name = EXCLUDED.name, visit_count = EXCLUDED.visit_count, ` +
  `total_spent = EXCLUDED.total_spent, raw = EXCLUDED.raw, last_visit_at = EXCLUDED.last_visit_at, updated_at = now()`;

async function rawBulk(client: pg.PoolClient, rows: ClientInput[]): Promise<void> {
  for (let from = 0; from < rows.length; from += BATCH) {
    const batch = rows.slice(from, from + BATCH);
    await client.query(RAW_BULK_SQL, [
      batch.map((r) => r.companyId),
      batch.map((r) => r.phone),
      batch.map((r) => r.name),
      batch.map((r) => r.visitCount),
      batch.map((r) => r.totalSpent),
      batch.map((r) => JSON.stringify(r.raw)),
      batch.map((r) => r.lastVisitAt),
    ]);
  }
}

async function inRawTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** CPU time (user + system) of this process since `from`, ms. */
const cpuMsSince = (from: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1000;
};

/**
 * Runs both sides in alternating chunks; returns ops/s of each, and the
 * process CPU ms per operation of each (client-side cost, which machine load
 * distorts much less than wall time).
 */
async function interleaved(total: number, chunks: number, ours: (i: number) => Promise<unknown>, raw: (i: number) => Promise<unknown>) {
  const perChunk = Math.ceil(total / chunks);
  const spent = { ours: { ms: 0, cpuMs: 0 }, raw: { ms: 0, cpuMs: 0 } };
  let i = 0;
  for (let chunk = 0; chunk < chunks; chunk += 1) {
    const sides: [(i: number) => Promise<unknown>, 'ours' | 'raw'][] = chunk % 2 ? [[raw, 'raw'], [ours, 'ours']] : [[ours, 'ours'], [raw, 'raw']];
    const start = i;
    for (const [fn, side] of sides) {
      const started = performance.now();
      const cpu = process.cpuUsage();
      for (let k = 0; k < perChunk; k += 1) await fn(start + k);
      spent[side].cpuMs += cpuMsSince(cpu);
      spent[side].ms += performance.now() - started;
    }
    i += perChunk;
  }
  const ops = perChunk * chunks;
  return {
    ours: (ops * 1000) / spent.ours.ms,
    raw: (ops * 1000) / spent.raw.ms,
    cpu: `CPU per op: ours ${(spent.ours.cpuMs / ops).toFixed(2)} ms, raw ${(spent.raw.cpuMs / ops).toFixed(2)} ms`,
  };
}

export async function run(ctx: BenchContext): Promise<BenchResult[]> {
  const config = loadConfig({ LOG_LEVEL: 'silent' });
  const settings = poolSettingsFromConfig(config, ctx.databaseUrl, 'ai-admin-bench');
  const appPool = createPool(settings, { logger: silentLogger, reporter: noopReporter });
  const db = createDbClient(appPool, { logger: silentLogger, reporter: noopReporter, slowQueryMs: 60_000 });
  const rawPool = new pg.Pool({ connectionString: ctx.databaseUrl, max: settings.max });
  rawPool.on('error', () => undefined);
  const companies = new BenchCompanies(db);
  const clients = new BenchClients(db);
  const appointments = new BenchAppointments(db);
  const results: BenchResult[] = [];
  try {
    ctx.log(`pool size ${settings.max} for both sides`);
    for (let id = 1; id <= 40; id += 1) await companies.upsert({ id, title: `Salon ${id}` }, ['id']);

    // ---- bulkUpsert.10k ----------------------------------------------------
    const rounds = ctx.quick ? 3 : 7;
    const ours: number[] = [];
    const oursTx: number[] = [];
    const raw: number[] = [];
    const bulkCpuMs = { ours: 0, tx: 0, raw: 0 };
    // Prisma's engine (its wasm query compiler) starts on the first transaction: not part of any round.
    await clients.withTransaction(async () => undefined);
    for (let round = 0; round < rounds; round += 1) {
      const [companyOurs, companyTx, companyRaw] = [10 + round * 3, 11 + round * 3, 12 + round * 3];
      // Half of the rows exist beforehand (with other values), half are new.
      for (const companyId of [companyOurs, companyTx, companyRaw]) {
        await inRawTransaction(rawPool, (client) => rawBulk(client, clientRows(companyId, BULK_ROWS / 2, 0)));
      }
      await rawPool.query('ANALYZE clients');
      const order = round % 2 ? ['raw', 'ours', 'tx'] : ['ours', 'tx', 'raw'];
      for (const side of order) {
        const companyId = side === 'ours' ? companyOurs : side === 'tx' ? companyTx : companyRaw;
        const rows = clientRows(companyId, BULK_ROWS, round + 1);
        const started = performance.now();
        const cpu = process.cpuUsage();
        if (side === 'ours') {
          const result = await clients.bulkUpsert(rows, ['companyId', 'phone'], { batchSize: BATCH });
          if (result.inserted !== BULK_ROWS / 2 || result.updated !== BULK_ROWS / 2) throw new Error(`bulkUpsert counted ${JSON.stringify(result)}`);
        } else if (side === 'tx') {
          await clients.withTransaction((tx) => clients.bulkUpsertTx(tx, rows, ['companyId', 'phone'], { batchSize: BATCH }));
        } else {
          await inRawTransaction(rawPool, (client) => rawBulk(client, rows));
        }
        const rowsPerSecond = (BULK_ROWS * 1000) / (performance.now() - started);
        bulkCpuMs[side as 'ours' | 'tx' | 'raw'] += cpuMsSince(cpu);
        (side === 'ours' ? ours : side === 'tx' ? oursTx : raw).push(rowsPerSecond);
      }
      ctx.log(`bulkUpsert round ${round + 1}/${rounds}: ours ${Math.round(ours.at(-1)!)} rows/s, in tx ${Math.round(oursTx.at(-1)!)}, raw ${Math.round(raw.at(-1)!)}`);
    }
    const perThousand = (ms: number) => ((ms / rounds / BULK_ROWS) * 1000).toFixed(1);
    ctx.log(`bulkUpsert CPU per 1,000 rows: ours ${perThousand(bulkCpuMs.ours)} ms, in tx ${perThousand(bulkCpuMs.tx)} ms, raw ${perThousand(bulkCpuMs.raw)} ms`);
    results.push(throughput('bulkUpsert.10k', 'rows/s', median(ours), median(raw)));
    results.push(throughput('bulkUpsert.10k.tx', 'rows/s', median(oursTx), median(raw)));

    // ---- findOne.unique ----------------------------------------------------
    const singles = ctx.quick ? 2_000 : 12_000;
    const chunks = ctx.quick ? 12 : 24;
    await inRawTransaction(rawPool, (client) => rawBulk(client, clientRows(1, 1_000, 0)));
    const findSql = findOneSql();
    const warm = Math.min(500, singles / 4);
    for (let i = 0; i < warm; i += 1) {
      await clients.findOne({ companyId: 1, phone: phoneOf(i % 1_000) });
      await rawPool.query(findSql, [1, phoneOf(i % 1_000)]);
    }
    const find = await interleaved(
      singles,
      chunks,
      (i) => clients.findOne({ companyId: 1, phone: phoneOf(i % 1_000) }),
      (i) => rawPool.query(findSql, [1, phoneOf(i % 1_000)]),
    );
    results.push(throughput('findOne.unique', 'ops/s', find.ours, find.raw));
    ctx.log(`findOne.unique: ours ${Math.round(find.ours)} ops/s, raw ${Math.round(find.raw)}; ${find.cpu}`);

    // ---- upsert.single -----------------------------------------------------
    // Same statement as clients.upsert({ companyId, phone, name, visitCount }, ['companyId', 'phone']).
    const clientUpsertSql = upsertSql(clientTable, { companyId: 0, phone: '', name: '', visitCount: 0 }, ['companyId', 'phone']);
    for (let i = 0; i < warm; i += 1) {
      await clients.upsert({ companyId: 2, phone: phoneOf(i % 300), name: 'Warm', visitCount: i }, ['companyId', 'phone']);
      await rawPool.query(clientUpsertSql, [3, phoneOf(i % 300), 'Warm', i]);
    }
    const upsert = await interleaved(
      singles,
      chunks,
      (i) => clients.upsert({ companyId: 2, phone: phoneOf(i % 300), name: `Client ${i % 300}`, visitCount: 1_000 + i }, ['companyId', 'phone']),
      (i) => rawPool.query(clientUpsertSql, [3, phoneOf(i % 300), `Client ${i % 300}`, 1_000 + i]),
    );
    results.push(throughput('upsert.single', 'ops/s', upsert.ours, upsert.raw));
    ctx.log(`upsert.single: ours ${Math.round(upsert.ours)} ops/s, raw ${Math.round(upsert.raw)}; ${upsert.cpu}`);

    // ---- transaction.booking3 ----------------------------------------------
    const staff = await rawPool.query<{ id: number }>(
      `INSERT INTO staff (company_id, crm_id, name) VALUES (4, 1, 'Master A'), (5, 1, 'Master B') RETURNING id`,
    );
    const [staffOurs, staffRaw] = staff.rows.map((row) => row.id) as [number, number];
    await inRawTransaction(rawPool, async (client) => {
      await rawBulk(client, clientRows(4, 200, 0));
      await rawBulk(client, clientRows(5, 200, 0));
    });
    const hour = 3_600_000;
    const base = Date.UTC(2027, 0, 1);
    // The raw side sends the very statements the repositories send, inside BEGIN ... COMMIT.
    const appointmentUpsertSql = upsertSql(
      appointmentTable,
      { companyId: 0, clientId: 0, staffId: 0, crmRecordId: 0, startAt: new Date(0), endAt: new Date(0), status: 'pending' },
      ['crmRecordId'],
    );
    const visitUpsertSql = upsertSql(clientTable, { companyId: 0, phone: '', visitCount: 0 }, ['companyId', 'phone']);
    const bookOurs = (n: number) =>
      clients.withTransaction(async (tx) => {
        const client = await clients.findOneTx(tx, { companyId: 4, phone: phoneOf(n % 200) });
        if (!client) throw new Error('seeded client missing');
        await appointments.upsertTx(
          tx,
          { companyId: 4, clientId: client.id, staffId: staffOurs, crmRecordId: n + 1, startAt: new Date(base + n * hour), endAt: new Date(base + n * hour + hour / 2), status: 'confirmed' },
          ['crmRecordId'],
        );
        await clients.upsertTx(tx, { companyId: 4, phone: client.phone, visitCount: client.visitCount + 1 }, ['companyId', 'phone']);
      });
    const bookRaw = (n: number) =>
      inRawTransaction(rawPool, async (tx) => {
        const found = await tx.query<{ id: number; phone: string; visitCount: number }>(findSql, [5, phoneOf(n % 200)]);
        const client = found.rows[0];
        if (!client) throw new Error('seeded client missing');
        const startAt = new Date(base + n * hour).toISOString();
        const endAt = new Date(base + n * hour + hour / 2).toISOString();
        await tx.query(appointmentUpsertSql, [5, client.id, staffRaw, 5_000_000 + n, startAt, endAt, 'confirmed']);
        await tx.query(visitUpsertSql, [5, client.phone, client.visitCount + 1]);
      });
    const bookings = ctx.quick ? 800 : 5_000;
    for (let n = 0; n < 100; n += 1) {
      await bookOurs(1_000_000 + n);
      await bookRaw(1_000_000 + n);
    }
    const booking = await interleaved(bookings, chunks, bookOurs, bookRaw);
    results.push(throughput('transaction.booking3', 'ops/s', booking.ours, booking.raw));
    ctx.log(`transaction.booking3: ours ${Math.round(booking.ours)} tx/s, raw ${Math.round(booking.raw)}; ${booking.cpu}`);
  } finally {
    await db.$disconnect();
    await appPool.end();
    await rawPool.end();
  }
  return results;
}
