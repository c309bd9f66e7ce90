/**
 * The assistant's two client lookups at scale, against raw `pg` running the
 * same SQL on the same database in the same run:
 * - searchClientsByName (folded substring search narrowed by the trigram index) and
 * - getClientByPhone (phones spelled three ways: WhatsApp JID, "+7 (9xx) ...",
 *   and "8 9xx ..." typed without the country code, which also reads the
 *   salon's region),
 * on 100 salons x 10,000 clients (1M rows); --quick uses 10 salons x 2,000
 * (20,000 rows) and says so in the result names.
 *
 * bench-results.json gets throughput ratios (calls/s of the data layer over
 * raw pg doing the same statement, sequential calls); the latencies (p50/p95
 * of both sides), the plans (EXPLAIN of the exact statements: a sequential
 * scan fails the module) and the time to build the name index (which is what
 * its migration holds writes back for) go to bench-client-lookup.json.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { createDataLayer, type DataLayer } from '../src/data-layer/index.js';
import { projectRoot } from '../src/db/migrations.js';
import { createDbClient } from '../src/db/prisma-client.js';
import { noopReporter } from '../src/observability/error-reporter.js';
import { silentLogger } from '../src/observability/logger.js';
import { nameSearchStatement } from '../src/repositories/client-name-search.js';
import { compileFilters } from '../src/repositories/filters.js';
import { ParamList, quoteIdent } from '../src/repositories/sql.js';
import { selectList } from '../src/repositories/statements.js';
import { clientTable } from '../src/repositories/table-specs.js';
import { round, throughput, type BenchContext, type BenchResult } from './types.js';

const FIRST_NAMES = ['Анна', 'Мария', 'Елена', 'Ольга', 'Наталья', 'Екатерина', 'Ирина', 'Татьяна', 'Светлана', 'Юлия', 'Дарья', 'Алёна', 'Ксения', 'Полина', 'Виктория', 'Семён', 'Фёдор', 'Артём', 'Пётр', 'Алина'];
const LAST_NAMES = ['Иванова', 'Смирнова', 'Кузнецова', 'Попова', 'Васильева', 'Петрова', 'Соколова', 'Михайлова', 'Новикова', 'Фёдорова', 'Морозова', 'Волкова', 'Алексеева', 'Лебедева', 'Семёнова', 'Егорова', 'Павлова', 'Козлова', 'Степанова', 'Николаева', 'Орлова', 'Андреева', 'Макарова', 'Никитина', 'Захарова'];
/** What an administrator types: a first name, a surname stem, both, with or without ё, in any case. */
const QUERIES = ['Семен', 'смирн', 'Анна Иван', 'алена', 'ФЁДОРОВА', 'Ксения Лебед', 'петр', 'ова 12', 'Юлия', 'морозов'];

interface Sizes {
  salons: number;
  perSalon: number;
  label: string;
}

interface Latency {
  p50Ms: number;
  p95Ms: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;

function latency(samples: number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50Ms: round(percentile(sorted, 50), 3), p95Ms: round(percentile(sorted, 95), 3) };
}

/** Times each call; returns per-call milliseconds. */
async function timeCalls(count: number, call: (i: number) => Promise<void>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const started = performance.now();
    await call(i);
    samples.push(performance.now() - started);
  }
  return samples;
}

const phoneOf = (salon: number, client: number) => `79${String(salon).padStart(3, '0')}${String(client).padStart(6, '0')}`;

/** The three spellings of one client's phone the lookups use in turn. */
function spelled(digits: string, i: number): string {
  const national = digits.slice(1);
  if (i % 3 === 0) return `${digits}@s.whatsapp.net`;
  if (i % 3 === 1) return `+7 (${national.slice(0, 3)}) ${national.slice(3, 6)}-${national.slice(6, 8)}-${national.slice(8)}`;
  return `8 ${national.slice(0, 3)} ${national.slice(3, 6)} ${national.slice(6, 8)} ${national.slice(8)}`;
}

/** 1M clients in a few statements; the name index is built afterwards, and timed. */
async function seed(pool: pg.Pool, sizes: Sizes, log: (line: string) => void): Promise<number> {
  const started = performance.now();
  await pool.query('DROP INDEX clients_name_search_idx');
  await pool.query(`INSERT INTO companies (id, title) SELECT s, 'Salon ' || s FROM generate_series(1, $1::int) s`, [sizes.salons]);
  for (let salon = 1; salon <= sizes.salons; salon += 1) {
    await pool.query(
      `INSERT INTO clients (company_id, crm_id, phone, name, visit_count)
       SELECT $1::int, i, '79' || lpad($1::text, 3, '0') || lpad(i::text, 6, '0'),
              ($3::text[])[1 + i % array_length($3::text[], 1)] || ' ' || ($4::text[])[1 + (i / 7) % array_length($4::text[], 1)] || ' ' || i,
              i % 20
       FROM generate_series(1, $2::int) i`,
      [salon, sizes.perSalon, FIRST_NAMES, LAST_NAMES],
    );
  }
  log(`seeded ${sizes.salons * sizes.perSalon} clients in ${Math.round((performance.now() - started) / 1000)} s`);
  const indexStarted = performance.now();
  // The statement of the migration that created it.
  await pool.query('CREATE INDEX "clients_name_search_idx" ON "clients" USING gin ("company_id", search_trigrams(search_fold("name")))');
  const indexSeconds = (performance.now() - indexStarted) / 1000;
  log(`clients_name_search_idx built in ${indexSeconds.toFixed(1)} s`);
  await pool.query('VACUUM ANALYZE clients');
  return indexSeconds;
}

async function planOf(pool: pg.Pool, sql: string, params: unknown[]): Promise<string> {
  const { rows } = await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params);
  const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
  if (plan.includes('Seq Scan')) throw new Error(`a client lookup plans a sequential scan:\n${plan}`);
  return plan;
}

function expectOk<T>(result: { success: true; data: T } | { success: false; error: { code: string } }): T {
  if (!result.success) throw new Error(`data layer failed during the bench: ${result.error.code}`);
  return result.data;
}

export async function run(ctx: BenchContext): Promise<BenchResult[]> {
  const sizes: Sizes = ctx.quick ? { salons: 10, perSalon: 2_000, label: '20k' } : { salons: 100, perSalon: 10_000, label: '1M' };
  const calls = ctx.quick ? 150 : 600;
  const pool = new pg.Pool({ connectionString: ctx.databaseUrl, max: 3 });
  const db = createDbClient(pool, { logger: silentLogger, reporter: noopReporter, slowQueryMs: 60_000 });
  const dataLayer: DataLayer = createDataLayer(db, { reporter: noopReporter });
  try {
    const indexSeconds = await seed(pool, sizes, ctx.log);
    // Salons and clients picked the same way on both sides; a prime stride spreads them.
    const salonOf = (i: number) => 1 + ((i * 37) % sizes.salons);
    const clientOf = (i: number) => 1 + ((i * 7_919) % sizes.perSalon);
    const queryOf = (i: number) => QUERIES[i % QUERIES.length] as string;
    const byPhoneSql = `SELECT ${selectList(clientTable)} FROM ${quoteIdent('clients')} WHERE ${compileFilters(clientTable, { companyId: 0, phone: '' }, new ParamList())} LIMIT 1`;

    const search = {
      layer: (i: number) => async () => void expectOk(await dataLayer.searchClientsByName({ companyId: salonOf(i), query: queryOf(i), limit: 20 })),
      raw: (i: number) => async () => {
        const statement = nameSearchStatement(salonOf(i), queryOf(i), 20);
        await pool.query(statement.sql, statement.params);
      },
    };
    const lookup = {
      layer: (i: number) => async () => {
        const found = expectOk(await dataLayer.getClientByPhone({ companyId: salonOf(i), phone: spelled(phoneOf(salonOf(i), clientOf(i)), i) }));
        if (!found) throw new Error('getClientByPhone missed a seeded client');
      },
      raw: (i: number) => async () => void (await pool.query(byPhoneSql, [salonOf(i), phoneOf(salonOf(i), clientOf(i))])),
    };

    // Warm-up (not counted), then the two sides interleaved in blocks so noise hits both alike.
    for (let i = 0; i < 30; i += 1) {
      await search.layer(i)();
      await search.raw(i)();
      await lookup.layer(i)();
      await lookup.raw(i)();
    }
    const samples = { search: [] as number[], searchRaw: [] as number[], lookup: [] as number[], lookupRaw: [] as number[] };
    const block = 50;
    for (let from = 0; from < calls; from += block) {
      const indexes = Array.from({ length: block }, (_, k) => from + k);
      const timed = (make: (i: number) => () => Promise<void>) => timeCalls(block, (k) => make(indexes[k] as number)());
      samples.search.push(...(await timed(search.layer)));
      samples.searchRaw.push(...(await timed(search.raw)));
      samples.lookup.push(...(await timed(lookup.layer)));
      samples.lookupRaw.push(...(await timed(lookup.raw)));
    }
    ctx.log(`${calls} searches and ${calls} phone lookups per side`);

    const sample = nameSearchStatement(salonOf(1), 'семен', 20);
    const report = {
      rows: sizes.salons * sizes.perSalon,
      salons: sizes.salons,
      clientsPerSalon: sizes.perSalon,
      callsPerSide: calls,
      nameIndexBuildSeconds: round(indexSeconds, 1),
      searchClientsByName: { dataLayer: latency(samples.search), rawPg: latency(samples.searchRaw), plan: await planOf(pool, sample.sql, sample.params) },
      getClientByPhone: {
        dataLayer: latency(samples.lookup),
        rawPg: latency(samples.lookupRaw),
        plan: await planOf(pool, byPhoneSql, [salonOf(1), phoneOf(salonOf(1), 1)]),
      },
      note: 'milliseconds per sequential call; plans are EXPLAIN of the exact statements (a Seq Scan fails the bench)',
    };
    writeFileSync(path.join(projectRoot, 'bench-client-lookup.json'), `${JSON.stringify(report, null, 2)}\n`);
    ctx.log(`searchClientsByName p50/p95 ${report.searchClientsByName.dataLayer.p50Ms}/${report.searchClientsByName.dataLayer.p95Ms} ms (raw pg ${report.searchClientsByName.rawPg.p50Ms}/${report.searchClientsByName.rawPg.p95Ms})`);
    ctx.log(`getClientByPhone p50/p95 ${report.getClientByPhone.dataLayer.p50Ms}/${report.getClientByPhone.dataLayer.p95Ms} ms (raw pg ${report.getClientByPhone.rawPg.p50Ms}/${report.getClientByPhone.rawPg.p95Ms})`);

    const total = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / 1000;
    return [
      throughput(`clientLookup.${sizes.label}.searchClientsByName`, 'searches/s', calls / total(samples.search), calls / total(samples.searchRaw)),
      throughput(`clientLookup.${sizes.label}.getClientByPhone`, 'lookups/s', calls / total(samples.lookup), calls / total(samples.lookupRaw)),
    ];
  } finally {
    await db.$disconnect();
    await pool.end();
  }
}
