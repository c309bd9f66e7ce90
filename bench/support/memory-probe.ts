/**
 * Child process of the bench runner: prints `RSS_MB=<n>` after warm-up.
 *   app: the real API process (composeApi: pool, Prisma client, Express,
 *        health and metrics routes) serving health requests and running
 *        repository reads, upserts and transactions.
 *   pg:  the same database work with raw `pg` only: the floor that a
 *        Node process with a driver and a pool needs.
 * Not a *.bench.ts module: the runner spawns it so each figure is a clean process.
 * Both run under tsx with src/instrument.ts first, as `npm run` scripts do
 * (the bench sets no SENTRY_DSN, so neither loads the Sentry SDK), so the
 * difference is the app stack itself.
 */
import pg from 'pg';

const mode = process.argv[2];
const url = process.env.BENCH_DATABASE_URL;
const WARM_UP_ROUNDS = process.env.BENCH_QUICK === '1' ? 800 : 2_000;

async function settle(): Promise<number> {
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((resolve) => setTimeout(resolve, 200));
  return process.memoryUsage().rss / 1024 / 1024;
}

async function app(databaseUrl: string): Promise<number> {
  // Imported here so the raw-pg process never loads the app stack.
  const { loadConfig } = await import('../../src/config.js');
  const { composeApi } = await import('../../src/api/compose-api.js');
  const { silentLogger } = await import('../../src/observability/logger.js');
  const { noopReporter } = await import('../../src/observability/error-reporter.js');
  const { BenchClients, BenchCompanies } = await import('./bench-tables.js');
  const config = loadConfig({ NODE_ENV: 'production', DATABASE_URL: databaseUrl, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
  const api = await composeApi(config, silentLogger, noopReporter, { flushReporter: async () => true });
  try {
    const base = `http://127.0.0.1:${api.address.port}`;
    const companies = new BenchCompanies(api.database.db);
    const clients = new BenchClients(api.database.db);
    await companies.upsert({ id: 1, title: 'Salon' }, ['id']);
    for (let i = 0; i < WARM_UP_ROUNDS; i += 1) {
      const phone = String(79_000_000_000 + (i % 500));
      await clients.upsert({ companyId: 1, phone, visitCount: i }, ['companyId', 'phone']);
      await clients.findOne({ companyId: 1, phone });
      if (i % 10 === 0) await clients.withTransaction(async (tx) => clients.findManyTx(tx, { companyId: 1 }, { limit: 20 }));
      if (i % 10 === 0) await (await fetch(`${base}/health/ready`)).text();
    }
    return await settle();
  } finally {
    await api.shutdown('memory probe done');
  }
}

async function raw(databaseUrl: string): Promise<number> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 3 });
  try {
    await pool.query(`INSERT INTO companies (id, title) VALUES (1, 'Salon') ON CONFLICT (id) DO NOTHING`);
    for (let i = 0; i < WARM_UP_ROUNDS; i += 1) {
      const phone = String(79_000_000_000 + (i % 500));
      await pool.query(
        `INSERT INTO clients (company_id, phone, visit_count) VALUES ($1, $2, $3)
         ON CONFLICT (company_id, phone) DO UPDATE SET visit_count = EXCLUDED.visit_count, updated_at = now() RETURNING *`,
        [1, phone, i],
      );
      await pool.query('SELECT * FROM clients WHERE company_id = $1 AND phone = $2 LIMIT 1', [1, phone]);
      if (i % 10 === 0) {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          await client.query('SELECT * FROM clients WHERE company_id = $1 LIMIT 20', [1]);
          await client.query('COMMIT');
        } finally {
          client.release();
        }
      }
    }
    return await settle();
  } finally {
    await pool.end();
  }
}

if (!url || (mode !== 'app' && mode !== 'pg')) {
  process.stderr.write('usage: memory-probe.ts app|pg (BENCH_DATABASE_URL set)\n');
  process.exit(2);
}
const rss = mode === 'app' ? await app(url) : await raw(url);
process.stdout.write(`RSS_MB=${rss.toFixed(1)}\n`);
process.exit(0);
