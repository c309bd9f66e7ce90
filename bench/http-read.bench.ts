/**
 * http.staffAvailability: GET /api/companies/:id/staff?date=&serviceId= of the
 * built API (`node --import ./dist/instrument.js dist/index.js`, default pool
 * of 3, no Sentry DSN, logs off) against a minimal Express server on raw `pg`
 * sending the same SQL on a pool of 3 (bench/support/raw-staff-server.ts),
 * same database, same load: autocannon from this process, 16 connections,
 * rounds alternating between the two servers so machine noise hits both.
 * req/s, median of rounds. Both answers are compared first, so the two sides
 * do the same work.
 */
import autocannon from 'autocannon';
import pg from 'pg';
import { freePort } from '../src/net/free-port.js';
import { ensureBuilt, startBuiltApi, startServerProcess, stop, waitForHealth, type ServerProcess } from './support/server-process.js';
import { median, throughput, type BenchContext, type BenchResult } from './types.js';

const CONNECTIONS = 16;
const COMPANY_ID = 1;
/** Far enough ahead that "free time already past" never cuts it. */
const DAY = '2031-03-04';
const STAFF = 12;

/** A salon with 12 working staff, each with a few appointments carving the day, and services of several durations. */
async function seedSalon(databaseUrl: string): Promise<{ serviceId: number }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`INSERT INTO companies (id, title, timezone, updated_at) VALUES ($1, 'Salon', 'Europe/Moscow', now())`, [COMPANY_ID]);
    const services = await client.query<{ id: number }>(
      `INSERT INTO services (company_id, crm_id, title, duration, price_min, updated_at)
       SELECT $1, n, 'Service ' || n, 30 * n, 1000 + 250 * n, now() FROM generate_series(1, 6) AS n RETURNING id`,
      [COMPANY_ID],
    );
    await client.query(
      `INSERT INTO staff (company_id, crm_id, name, specialization, rating, updated_at)
       SELECT $1, n, 'Master ' || n, 'Stylist', 4 + (n % 10) / 10.0, now() FROM generate_series(1, $2::int) AS n`,
      [COMPANY_ID, STAFF],
    );
    await client.query(
      `INSERT INTO staff_schedules (staff_id, date, is_working, working_intervals, updated_at)
       SELECT id, $2::date, true, '[{"from": "09:00", "to": "13:00"}, {"from": "14:00", "to": "20:00"}]'::jsonb, now()
       FROM staff WHERE company_id = $1`,
      [COMPANY_ID, DAY],
    );
    const person = await client.query<{ id: number }>(`INSERT INTO clients (company_id, phone, updated_at) VALUES ($1, '79990000001', now()) RETURNING id`, [COMPANY_ID]);
    // Three one-hour bookings per master at staggered hours (Moscow time): free time in several pieces.
    await client.query(
      `INSERT INTO appointments (company_id, client_id, staff_id, start_at, end_at, status, updated_at)
       SELECT $1, $2, s.id, ($3::date + make_interval(hours => h + (s.crm_id % 3))) AT TIME ZONE 'Europe/Moscow',
              ($3::date + make_interval(hours => h + 1 + (s.crm_id % 3))) AT TIME ZONE 'Europe/Moscow', 'confirmed', now()
       FROM staff s CROSS JOIN (VALUES (9), (14), (17)) AS hours(h) WHERE s.company_id = $1`,
      [COMPANY_ID, person.rows[0]?.id, DAY],
    );
    await client.query('ANALYZE');
    const service = services.rows[1];
    if (!service) throw new Error('seed: no service');
    return { serviceId: service.id };
  } finally {
    await client.end();
  }
}

interface StaffAnswer {
  data: { id: number; rating: string | null; freeIntervals: unknown[] }[];
}

/** The answer with ratings as numbers: the API sends Decimal text ("4.9"), pg's numeric text keeps the scale ("4.90"). */
async function answerOf(url: string): Promise<unknown> {
  const res = await fetch(url);
  if (res.status !== 200) throw new Error(`GET ${new URL(url).pathname} answered ${res.status}`);
  const body = (await res.json()) as StaffAnswer;
  return body.data.map((member) => ({ ...member, rating: member.rating === null ? null : Number(member.rating) }));
}

/** req/s of `seconds` of load; any error, timeout or non-2xx answer fails the bench (the figure would not be of working servers). */
async function load(side: string, url: string, seconds: number): Promise<number> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds });
  if (result.errors || result.timeouts || result.non2xx) {
    throw new Error(`load on the ${side} had ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx answers`);
  }
  return result.requests.total / (result.duration || seconds);
}

export async function run(ctx: BenchContext): Promise<BenchResult[]> {
  await ensureBuilt(ctx.log);
  const { serviceId } = await seedSalon(ctx.databaseUrl);
  const [apiPort, rawPort] = [await freePort(), await freePort()];
  const servers: ServerProcess[] = [];
  try {
    const api = startBuiltApi(ctx.databaseUrl, apiPort);
    servers.push(api);
    const raw = startServerProcess(['--import', 'tsx', 'bench/support/raw-staff-server.ts'], { DATABASE_URL: ctx.databaseUrl, PORT: String(rawPort), POOL_MAX: '3' });
    servers.push(raw);
    const route = `/api/companies/${COMPANY_ID}/staff?date=${DAY}&serviceId=${serviceId}`;
    const ours = `http://127.0.0.1:${apiPort}${route}`;
    const reference = `http://127.0.0.1:${rawPort}${route}`;
    await waitForHealth(`http://127.0.0.1:${apiPort}`, api);
    await waitForHealth(`http://127.0.0.1:${rawPort}`, raw);

    const [ourAnswer, referenceAnswer] = [await answerOf(ours), await answerOf(reference)];
    if (JSON.stringify(ourAnswer) !== JSON.stringify(referenceAnswer)) throw new Error('the API and the raw-pg server answer differently: not the same work');
    if (!Array.isArray(ourAnswer) || ourAnswer.length !== STAFF) throw new Error(`expected ${STAFF} available staff, got ${Array.isArray(ourAnswer) ? ourAnswer.length : 'none'}`);

    const rounds = ctx.quick ? 2 : 5;
    const seconds = ctx.quick ? 3 : 10;
    ctx.log(`${CONNECTIONS} connections, ${rounds} rounds of ${seconds} s per side, after ${seconds} s of warm-up each`);
    await load('API', ours, seconds);
    await load('raw-pg server', reference, seconds);
    const oursPerSecond: number[] = [];
    const rawPerSecond: number[] = [];
    for (let round = 0; round < rounds; round += 1) {
      const order: ['API' | 'raw-pg server', string][] = round % 2 ? [['raw-pg server', reference], ['API', ours]] : [['API', ours], ['raw-pg server', reference]];
      for (const [side, url] of order) (side === 'API' ? oursPerSecond : rawPerSecond).push(await load(side, url, seconds));
      ctx.log(`round ${round + 1}/${rounds}: API ${Math.round(oursPerSecond.at(-1)!)} req/s, raw pg ${Math.round(rawPerSecond.at(-1)!)} req/s`);
    }
    return [throughput('http.staffAvailability', 'req/s', median(oursPerSecond), median(rawPerSecond))];
  } finally {
    for (const server of servers) await stop(server.child);
  }
}
