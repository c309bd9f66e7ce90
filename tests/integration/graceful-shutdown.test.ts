import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { freePort } from '../../src/net/free-port.js';
import { isAlive, pollUntil, spawnApi, type ApiProcess } from '../helpers/api-process.js';
import { composeApi } from '../../src/api/compose-api.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/observability/logger.js';
import { noopReporter } from '../../src/observability/error-reporter.js';

/**
 * The slow request is a /metrics scrape held on a table lock the test owns:
 * no test-only route ships in production. METRICS_DB_TIMEOUT_MS is raised so
 * the scrape waits for the lock instead of answering without the figures.
 */
describe('API process on SIGTERM', () => {
  let database: TestDatabase;
  let api: ApiProcess;
  let locker: pg.Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    api = spawnApi(
      {
        DATABASE_URL: database.url,
        // Long enough that a poll on a loaded machine cannot miss the 503 window.
        SHUTDOWN_READINESS_DELAY_MS: '8000',
        SHUTDOWN_TIMEOUT_MS: '30000',
        METRICS_DB_TIMEOUT_MS: '30000',
        SENTRY_FLUSH_TIMEOUT_MS: '500',
      },
      await freePort(),
    );
    await pollUntil(async () => {
      if (api.child.exitCode !== null) throw new Error(`the API exited early:\n${api.output()}`);
      return (await fetch(`${api.baseUrl}/health/ready`)).status === 200 ? true : undefined;
    }, 'the API to become ready');
    locker = new pg.Client({ connectionString: database.url });
    await locker.connect();
  });
  afterAll(async () => {
    if (isAlive(api.child.pid)) api.child.kill('SIGKILL');
    await locker.end().catch(() => undefined);
    await database.drop();
  });

  test('when SIGTERM arrives during a slow request, then readiness turns 503, the request completes with 200, and the process exits 0', async () => {
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE whatsapp_keys IN ACCESS EXCLUSIVE MODE');
    const slow = fetch(`${api.baseUrl}/metrics`).then(async (response) => ({ status: response.status, body: await response.text() }));
    // The scrape is in flight once the API's backend waits on our lock.
    await pollUntil(async () => {
      const { rows } = await locker.query(
        "SELECT 1 FROM pg_stat_activity WHERE application_name = 'ai-admin-data-api' AND wait_event_type = 'Lock'",
      );
      return rows.length > 0 ? true : undefined;
    }, 'the scrape to wait on the lock');

    api.child.kill('SIGTERM');

    const ready = await pollUntil(async () => {
      const response = await fetch(`${api.baseUrl}/health/ready`);
      return response.status === 503 ? ((await response.json()) as { status: string }) : undefined;
    }, 'readiness to answer 503', 2_000, 10);
    expect(ready.status).toBe('shutting_down');

    // Then the listener closes while the slow request is still held.
    await pollUntil(
      () => fetch(`${api.baseUrl}/health`).then(() => undefined, () => true),
      'the listener to close',
    );
    expect(isAlive(api.child.pid)).toBe(true);

    await locker.query('ROLLBACK');
    const response = await slow;
    expect(response.status).toBe(200);
    expect(response.body).toContain('ai_admin_data_metrics_database_up 1');

    await expect(api.exited).resolves.toEqual({ code: 0, signal: null });
    expect(isAlive(api.child.pid)).toBe(false);
    const log = api.output();
    expect(log).toContain('shutdown complete');
    expect(log).not.toContain('shutdown step failed');
  });
});

describe('composeApi shutdown order', () => {
  test('when shutdown runs, then the listener is closed and the pool ended before Sentry flushes, and a second call waits for the same shutdown', async () => {
    const database = await createTestDatabase();
    try {
      const seen: { listenerClosed?: boolean; poolEnded?: boolean; flushMs?: number } = {};
      let api: Awaited<ReturnType<typeof composeApi>> | undefined;
      api = await composeApi(
        loadConfig({ NODE_ENV: 'test', DATABASE_URL: database.url, PORT: '0', HOST: '127.0.0.1', SENTRY_FLUSH_TIMEOUT_MS: '750' }),
        silentLogger,
        noopReporter,
        {
          flushReporter: async (ms) => {
            seen.flushMs = ms;
            seen.poolEnded = api!.database.pool.ending;
            seen.listenerClosed = await fetch(`http://127.0.0.1:${api!.address.port}/health`).then(() => false, () => true);
            return true;
          },
        },
      );
      expect((await fetch(`http://127.0.0.1:${api.address.port}/health/ready`)).status).toBe(200);
      const first = api.shutdown('SIGTERM');
      const second = api.shutdown('SIGINT');
      await Promise.all([first, second]);
      expect(seen).toEqual({ listenerClosed: true, poolEnded: true, flushMs: 750 });
    } finally {
      await database.drop();
    }
  });
});
