/**
 * The service behind a real, stock, transaction-mode PgBouncer (Debian's
 * package, started by tests/helpers/pgbouncer.ts): the API starts and serves,
 * the statement and idle-in-transaction timeouts still hold, and session-level
 * advisory locks (the worker's job lock, prisma migrate's lock) refuse to run
 * through it, naming DIRECT_DATABASE_URL.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { composeApi, type ComposedApi } from '../../src/api/compose-api.js';
import { loadConfig } from '../../src/config.js';
import { noopReporter } from '../../src/observability/error-reporter.js';
import { withTransaction } from '../../src/db/transaction.js';
import { ConnectionLostError, TimeoutError } from '../../src/db/errors.js';
import { assertOwnSessions, probeSessions } from '../../src/db/session-probe.js';
import { projectRoot } from '../../src/db/migrations.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { startPgBouncer, type RunningPgBouncer } from '../helpers/pgbouncer.js';
import { captureLog, type CapturedLog } from '../helpers/log-capture.js';
import { createPool, poolSettingsFromConfig } from '../../src/db/pool.js';
import { createDbClient } from '../../src/db/prisma-client.js';
import { silentLogger } from '../../src/observability/logger.js';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let database: TestDatabase;
let bouncer: RunningPgBouncer;
let sessionBouncer: RunningPgBouncer;

beforeAll(async () => {
  database = await createTestDatabase();
  const upstreamUrl = process.env.TEST_ADMIN_URL as string;
  // Two server connections for the whole service: transaction pooling is the only way it can work.
  bouncer = await startPgBouncer({ upstreamUrl, defaultPoolSize: 2 });
  sessionBouncer = await startPgBouncer({ upstreamUrl, poolMode: 'session' });
});
afterAll(async () => {
  await bouncer?.stop();
  await sessionBouncer?.stop();
  await database?.drop();
});

describe('the API through a transaction-mode PgBouncer', () => {
  let api: ComposedApi;
  let log: CapturedLog;

  beforeAll(async () => {
    log = captureLog('info');
    api = await composeApi(
      loadConfig({
        NODE_ENV: 'test',
        DATABASE_URL: bouncer.url(database.name),
        PORT: '0',
        HOST: '127.0.0.1',
        POSTGRES_STATEMENT_TIMEOUT_MS: '1000',
        POSTGRES_IDLE_IN_TRANSACTION_TIMEOUT_MS: '1000',
      }),
      log.logger,
      noopReporter,
    );
  });
  afterAll(async () => {
    await api?.shutdown('test end');
  });

  test('when it starts, then it is ready, PgBouncer refused nothing, and the log says statements outside transactions rely on the role settings', async () => {
    const response = await fetch(`http://127.0.0.1:${api.address.port}/health/ready`);
    expect(response.status).toBe(200);
    expect(bouncer.log()).not.toMatch(/unsupported startup parameter/);
    expect(log.text()).toContain('DATABASE_URL goes through a transaction-mode pooler');
  });

  test('when a statement inside a transaction runs past the statement timeout, then the server cancels it (TIMEOUT, 57014)', async () => {
    const slow = withTransaction(api.database.db, (tx) => tx.$queryRaw`SELECT pg_sleep(5)`, { reporter: noopReporter, maxRetries: 0 });
    await expect(slow).rejects.toBeInstanceOf(TimeoutError);
    await expect(slow).rejects.toMatchObject({ code: 'TIMEOUT', sqlState: '57014' });
  });

  test('when many transactions run on the two shared server sessions, then each one sees the configured timeouts', async () => {
    const seen = await Promise.all(
      Array.from({ length: 12 }, () =>
        withTransaction(
          api.database.db,
          (tx) => tx.$queryRaw<{ statement: string; idle: string }[]>`SELECT current_setting('statement_timeout') AS statement, current_setting('idle_in_transaction_session_timeout') AS idle`,
          { reporter: noopReporter },
        ),
      ),
    );
    for (const [row] of seen) expect(row).toEqual({ statement: '1s', idle: '1s' });
  });

  test('when a transaction stays idle past the idle-in-transaction timeout, then the caller gets CONNECTION_LOST and the next call succeeds', async () => {
    const idle = withTransaction(
      api.database.db,
      async (tx) => {
        await tx.$queryRaw`SELECT 1`;
        await sleep(3_000);
        await tx.$queryRaw`SELECT 1`;
      },
      { reporter: noopReporter, maxRetries: 0, timeout: 30_000 },
    );
    await expect(idle).rejects.toBeInstanceOf(ConnectionLostError);
    await expect(api.database.db.company.count()).resolves.toBe(0);
  });

  test('when a statement outside a transaction runs past the timeout on a server session the service set up, then it is cancelled too', async () => {
    // One server session behind PgBouncer: the service's per-connection SET certainly reached it.
    const single = await startPgBouncer({ upstreamUrl: process.env.TEST_ADMIN_URL as string, defaultPoolSize: 1 });
    const config = loadConfig({ NODE_ENV: 'test', POSTGRES_STATEMENT_TIMEOUT_MS: '1000' });
    const pool = createPool(poolSettingsFromConfig(config, single.url(database.name)), { logger: silentLogger, reporter: noopReporter });
    const db = createDbClient(pool, { logger: silentLogger, reporter: noopReporter, slowQueryMs: 60_000 });
    try {
      await expect(db.$queryRaw`SELECT pg_sleep(5)`).rejects.toMatchObject({ code: 'TIMEOUT', sqlState: '57014' });
    } finally {
      await db.$disconnect();
      await pool.end();
      await single.stop();
    }
  });
});

describe('session-level advisory locks through PgBouncer', () => {
  test('when the connection goes through transaction pooling, then the probe sees shared sessions; directly or in session mode, own sessions', async () => {
    await expect(probeSessions({ connectionString: bouncer.url(database.name) })).resolves.toBe('shared-sessions');
    await expect(probeSessions({ connectionString: sessionBouncer.url(database.name) })).resolves.toBe('own-sessions');
    await expect(probeSessions({ connectionString: database.url })).resolves.toBe('own-sessions');
  });

  test("when the worker's job lock would go through transaction pooling, then it refuses with a message naming DIRECT_DATABASE_URL", async () => {
    const refusal = assertOwnSessions({ connectionString: bouncer.url(database.name) }, "the worker's job lock", 'DATABASE_URL');
    await expect(refusal).rejects.toMatchObject({ name: 'SharedSessionsError' });
    await expect(refusal).rejects.toThrow(/DATABASE_URL goes through a transaction-mode pooler.*set DIRECT_DATABASE_URL/);
  });

  test('when the worker starts with DATABASE_URL through PgBouncer and no DIRECT_DATABASE_URL, then it exits 1 with one line naming DIRECT_DATABASE_URL; with it, it starts', async () => {
    const worker = (env: Record<string, string>) =>
      run(process.execPath, ['--import', 'tsx', '--import', './src/instrument.ts', 'src/worker.ts'], {
        cwd: projectRoot,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'test', LOG_LEVEL: 'info', ...env },
        timeout: 90_000,
      });
    const refused = await worker({ DATABASE_URL: bouncer.url(database.name) }).then(
      () => undefined,
      (error: { code?: number; stderr?: string }) => error,
    );
    expect(refused?.code).toBe(1);
    expect(refused?.stderr).toMatch(/^ai-admin-data: the worker's job lock .* set DIRECT_DATABASE_URL/m);

    // With a direct URL for the lock it passes the check and runs its first cleanup.
    const child = execFile(process.execPath, ['--import', 'tsx', '--import', './src/instrument.ts', 'src/worker.ts'], {
      cwd: projectRoot,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'test', LOG_LEVEL: 'info', DATABASE_URL: bouncer.url(database.name), DIRECT_DATABASE_URL: database.url },
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    for (let attempt = 0; attempt < 900 && !output.includes('"job succeeded"') && child.exitCode === null; attempt += 1) await sleep(100);
    expect(output).toContain('worker started');
    expect(output).toContain('job succeeded');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  test('when prisma migrate would take its lock through PgBouncer, then it refuses naming DIRECT_DATABASE_URL; with DIRECT_DATABASE_URL it runs', async () => {
    const migrateStatus = (env: Record<string, string>) =>
      run(process.execPath, [prismaCli(), 'migrate', 'status'], {
        cwd: projectRoot,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', CHECKPOINT_DISABLE: '1', ...env },
        timeout: 120_000,
      });
    const refused = await migrateStatus({ DATABASE_URL: bouncer.url(database.name) }).then(
      () => undefined,
      (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ''}${error.stderr ?? ''}`,
    );
    expect(refused).toMatch(/prisma migrate's lock .* set DIRECT_DATABASE_URL/);
    const direct = await migrateStatus({ DATABASE_URL: bouncer.url(database.name), DIRECT_DATABASE_URL: database.url });
    expect(direct.stdout).toMatch(/Database schema is up to date/);
  });
});

/** The Prisma CLI of the project (what `npm run db:status` runs). */
function prismaCli(): string {
  return `${projectRoot}/node_modules/prisma/build/index.js`;
}


