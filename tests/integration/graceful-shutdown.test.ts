import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { freePort } from '../../src/net/free-port.js';
import { API_START_BUDGET_MS, isAlive, pollUntil, spawnApi, waitUntilReady, type ApiProcess } from '../helpers/api-process.js';
import { runKeepAliveClients } from '../../scripts/load/keep-alive-clients.js';
import { composeApi } from '../../src/api/compose-api.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/observability/logger.js';
import { noopReporter } from '../../src/observability/error-reporter.js';

/** A real API process on a database of its own, and a client that can hold its tables locked (slow requests). */
async function startApiWithLocker(env: Record<string, string>) {
  const database = await createTestDatabase();
  const api = spawnApi({ DATABASE_URL: database.url, ...env }, await freePort());
  await waitUntilReady(api);
  const locker = new pg.Client({ connectionString: database.url });
  await locker.connect();
  return {
    database,
    api,
    locker,
    close: async () => {
      if (isAlive(api.child.pid)) api.child.kill('SIGKILL');
      await locker.end().catch(() => undefined);
      await database.drop();
    },
  };
}

/** Holds the WhatsApp key table locked, so a /metrics scrape waits (no test-only route ships in production). */
async function lockKeyTable(locker: pg.Client): Promise<void> {
  await locker.query('BEGIN');
  await locker.query('LOCK TABLE whatsapp_keys IN ACCESS EXCLUSIVE MODE');
}

/** Resolves once the API's backend waits on a lock `locker` holds (a scrape is then in flight). */
async function scrapeWaitingOn(locker: pg.Client): Promise<void> {
  await pollUntil(async () => {
    const { rows } = await locker.query("SELECT 1 FROM pg_stat_activity WHERE application_name = 'ai-admin-data-api' AND wait_event_type = 'Lock'");
    return rows.length > 0 ? true : undefined;
  }, 'the scrape to wait on the lock');
}

/**
 * The slow request is a /metrics scrape held on a table lock the test owns:
 * no test-only route ships in production. METRICS_DB_TIMEOUT_MS is raised so
 * the scrape waits for the lock instead of answering without the figures.
 */
describe('API process on SIGTERM', () => {
  let fixture: Awaited<ReturnType<typeof startApiWithLocker>>;
  let api: ApiProcess;
  let locker: pg.Client;

  beforeAll(async () => {
    fixture = await startApiWithLocker({
      // Long enough that a poll on a loaded machine cannot miss the 503 window.
      SHUTDOWN_READINESS_DELAY_MS: '8000',
      SHUTDOWN_TIMEOUT_MS: '30000',
      METRICS_DB_TIMEOUT_MS: '30000',
      SENTRY_FLUSH_TIMEOUT_MS: '500',
    });
    ({ api, locker } = fixture);
  }, API_START_BUDGET_MS + 60_000);
  afterAll(async () => {
    await fixture?.close();
  });

  test('when SIGTERM arrives during a slow request, then readiness turns 503, the request completes with 200, and the process exits 0', async () => {
    await lockKeyTable(locker);
    const slow = fetch(`${api.baseUrl}/metrics`).then(async (response) => ({ status: response.status, body: await response.text() }));
    // The scrape is in flight once the API's backend waits on our lock.
    await scrapeWaitingOn(locker);

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

describe('API process on SIGTERM under keep-alive traffic', () => {
  let database: TestDatabase;
  let api: ApiProcess;

  beforeAll(async () => {
    database = await createTestDatabase();
    const seed = new pg.Client({ connectionString: database.url });
    await seed.connect();
    await seed.query("INSERT INTO companies (id, title, updated_at) VALUES (962302, 'Salon', now())");
    await seed.end();
    api = spawnApi(
      {
        DATABASE_URL: database.url,
        // Clients keep sending while readiness says 503, as they would until a load balancer reacts.
        SHUTDOWN_READINESS_DELAY_MS: '1000',
        // Far above any drain here: reaching it would be logged, and the test checks the log.
        SHUTDOWN_TIMEOUT_MS: '120000',
        SENTRY_FLUSH_TIMEOUT_MS: '500',
      },
      await freePort(),
    );
    await waitUntilReady(api);
  }, API_START_BUDGET_MS + 60_000);
  afterAll(async () => {
    if (isAlive(api?.child.pid)) api.child.kill('SIGKILL');
    await database?.drop();
  });

  test('when SIGTERM arrives while 32 keep-alive clients send requests back to back, then no request is reset, connections end with Connection: close, and the process exits 0 before the shutdown timeout', async () => {
    const load = runKeepAliveClients({
      baseUrl: api.baseUrl,
      paths: ['/api/companies/962302', '/health', '/api/companies/962302/services', '/health/ready'],
      clients: 32,
      stop: () => false,
      // The process is going away: once its listener is closed there is nothing more to send to.
      endOnRefused: true,
    });
    // Enough traffic that every client holds a kept-alive connection (read from the API's own histogram).
    await pollUntil(async () => {
      const exposition = await fetch(`${api.baseUrl}/metrics`).then((response) => response.text());
      const served = exposition
        .split('\n')
        .filter((line) => line.startsWith('ai_admin_data_http_request_duration_seconds_count{'))
        .reduce((sum, line) => sum + Number(line.split(' ')[1]), 0);
      return served >= 32 * 10 ? served : undefined;
    }, 'the clients to be under way');
    api.child.kill('SIGTERM');
    const counts = await load;

    expect(counts.answered).toBeGreaterThan(32 * 10);
    expect(counts.reset).toBe(0);
    expect(counts.otherErrors).toEqual({});
    expect(counts.statuses[500] ?? 0).toBe(0);
    expect(counts.connectionClose).toBeGreaterThan(0);
    await expect(api.exited).resolves.toEqual({ code: 0, signal: null });
    const log = api.output();
    expect(log).toContain('shutdown complete');
    expect(log).not.toContain('were cut');
    expect(log).not.toContain('shutdown step failed');
  });
});

describe('API process on repeated signals', () => {
  let fixture: Awaited<ReturnType<typeof startApiWithLocker>>;
  let api: ApiProcess;
  let locker: pg.Client;

  beforeAll(async () => {
    fixture = await startApiWithLocker({ SHUTDOWN_READINESS_DELAY_MS: '0', SHUTDOWN_TIMEOUT_MS: '120000', METRICS_DB_TIMEOUT_MS: '60000' });
    ({ api, locker } = fixture);
  }, API_START_BUDGET_MS + 60_000);
  afterAll(async () => {
    await fixture?.close();
  });

  test('when a second signal arrives during shutdown, then it is ignored with a log line, and a third forces the exit with a log line', async () => {
    // A request the drain has to wait for: a scrape held on a table lock this test owns.
    await lockKeyTable(locker);
    const slow = fetch(`${api.baseUrl}/metrics`).then((response) => response.status, () => 'failed');
    await scrapeWaitingOn(locker);

    api.child.kill('SIGTERM');
    await pollUntil(async () => (api.output().includes('SIGTERM received: shutting down') ? true : undefined), 'the shutdown to start');
    api.child.kill('SIGINT');
    await pollUntil(async () => (api.output().includes('SIGINT ignored: shutdown already in progress') ? true : undefined), 'the second signal to be logged');
    expect(isAlive(api.child.pid)).toBe(true);

    api.child.kill('SIGTERM');
    await expect(api.exited).resolves.toEqual({ code: 143, signal: null });
    expect(api.output()).toContain('SIGTERM received a third time: forced exit before the shutdown finished');
    expect(api.output()).not.toContain('shutdown complete');
    await locker.query('ROLLBACK');
    expect(await slow).toBe('failed');
  });
});
