import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import request from 'supertest';
import { createTestStack, type TestStack } from '../helpers/test-stack.js';
import { freePort } from '../../src/net/free-port.js';
import { createApp } from '../../src/api/app.js';
import { whatsappHealthRouter, type WhatsappHealthRouteOptions } from '../../src/api/routes/whatsapp-health.js';
import { createSessionHealth } from '../../src/whatsapp/session-health.js';
import { createDbClient } from '../../src/db/prisma-client.js';
import type { HealthThresholds } from '../../src/whatsapp/health-thresholds.js';
import { silentLogger } from '../../src/observability/logger.js';
import { noopReporter } from '../../src/observability/error-reporter.js';
import { KEY_CLEANUP_JOB_NAME } from '../../src/whatsapp/key-cleanup.js';

let stack: TestStack;
let folder: string;
const thresholds: HealthThresholds = { expiredKeysWarning: 3, expiredKeysCritical: 5, filesWarning: 2, filesCritical: 3 };

beforeAll(async () => {
  stack = await createTestStack();
  folder = await mkdtemp(path.join(tmpdir(), 'whatsapp-auth-dir-'));
});
afterAll(async () => {
  await stack?.close();
  if (folder) await rm(folder, { recursive: true, force: true });
});
beforeEach(async () => {
  await stack.pool.query('TRUNCATE whatsapp_keys, whatsapp_auth, job_runs');
});

function appFor(pool: pg.Pool, db = stack.db, authDir?: string, service?: WhatsappHealthRouteOptions['service']) {
  const health = createSessionHealth({ db, pool, thresholds, authDir, reporter: noopReporter });
  return createApp({ routers: [whatsappHealthRouter(health, { thresholds, timeoutMs: 2_000, service })], logger: silentLogger, reporter: noopReporter });
}

/** `expired` keys past their expiry and `live` keys that never expire, in session `s`. */
async function seedKeys(expired: number, live = 2, session = 's') {
  await stack.pool.query(
    `INSERT INTO whatsapp_keys (session_id, type, key_id, value, expires_at)
     SELECT $1, 'pre-key', 'e' || g, '{}', now() - interval '1 day' FROM generate_series(1, $2::int) g
     UNION ALL SELECT $1, 'session', 'l' || g, '{}', NULL FROM generate_series(1, $3::int) g`,
    [session, expired, live],
  );
}

describe('GET /health/whatsapp', () => {
  test('when nothing is expired, then it answers 200 healthy with counts, last cleanup and thresholds, as JSON', async () => {
    await seedKeys(0, 4);
    await stack.pool.query("INSERT INTO whatsapp_auth (session_id, creds) VALUES ('s', '{}')");
    await stack.pool.query(
      "INSERT INTO job_runs (job_name, status, started_at, finished_at) VALUES ($1, 'succeeded', '2026-01-01T00:00:00Z', '2026-01-01T00:00:05Z')",
      [KEY_CLEANUP_JOB_NAME],
    );

    const response = await request(appFor(stack.pool)).get('/health/whatsapp');

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/application\/json/);
    expect(response.body).toMatchObject({
      status: 'healthy',
      authRecords: 1,
      totalKeys: 4,
      expiredKeys: 0,
      keysByType: { session: { total: 4, expired: 0 } },
      lastCleanupAt: '2026-01-01T00:00:05.000Z',
      thresholds,
    });
    expect(response.body).not.toHaveProperty('fileCount');
  });

  test('when a Baileys service runs in the process, then its lock and socket state are in the answer; without one, they are absent', async () => {
    await seedKeys(0);
    let state = { lockHeld: false, socketOpen: false };

    const running = appFor(stack.pool, stack.db, undefined, () => state);
    const whileRetrying = await request(running).get('/health/whatsapp');
    state = { lockHeld: true, socketOpen: true };
    const recovered = await request(running).get('/health/whatsapp');
    const none = await request(appFor(stack.pool, stack.db, undefined, () => undefined)).get('/health/whatsapp');

    expect(whileRetrying.body).toMatchObject({ status: 'healthy', service: { lockHeld: false, socketOpen: false } });
    expect(recovered.body).toMatchObject({ service: { lockHeld: true, socketOpen: true } });
    expect(none.body).not.toHaveProperty('service');
  });

  test.each([
    [2, 200, 'healthy'],
    [3, 200, 'warning'],
    [5, 200, 'warning'],
    [6, 503, 'critical'],
  ])('when %i keys are expired (warning 3, critical 5), then it answers %i %s', async (expired, httpStatus, status) => {
    await seedKeys(expired);

    const response = await request(appFor(stack.pool)).get('/health/whatsapp');

    expect(response.status).toBe(httpStatus);
    expect(response.body).toMatchObject({ status, expiredKeys: expired, totalKeys: expired + 2 });
  });

  test.each([
    [1, 200, 'healthy'],
    [2, 200, 'warning'],
    [3, 200, 'warning'],
    [4, 503, 'critical'],
  ])('when the legacy auth folder holds %i files (warning 2, critical 3), then it answers %i %s with the file count', async (files, httpStatus, status) => {
    const dir = await mkdtemp(path.join(folder, 'count-'));
    for (let i = 0; i < files; i += 1) await writeFile(path.join(dir, `pre-key-${i}.json`), '{}');

    const response = await request(appFor(stack.pool, stack.db, dir)).get('/health/whatsapp');

    expect(response.status).toBe(httpStatus);
    expect(response.body).toMatchObject({ status, fileCount: files });
    expect(JSON.stringify(response.body)).not.toContain(dir);
  });

  test('when the database server is not there, then it answers 503 with no connection details', async () => {
    const url = `postgresql://nobody:secret-password@127.0.0.1:${await freePort()}/nothing`;
    const deadPool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: 1_000 });
    deadPool.on('error', () => undefined);
    const deadDb = createDbClient(deadPool, { logger: silentLogger, reporter: noopReporter, slowQueryMs: 10_000 });
    try {
      const response = await request(appFor(deadPool, deadDb)).get('/health/whatsapp');

      expect(response.status).toBe(503);
      expect(response.body).toEqual({ status: 'critical', error: 'database unreachable', thresholds });
      expect(response.text).not.toMatch(/secret-password|127\.0\.0\.1|postgresql:/);
    } finally {
      await deadPool.end();
    }
  });

  test('when the database goes away while the server runs, then the same route turns from 200 to 503', async () => {
    const pool = new pg.Pool({ connectionString: stack.database.url, max: 2 });
    pool.on('error', () => undefined);
    const app = appFor(pool);
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      expect((await request(server).get('/health/whatsapp')).status).toBe(200);

      await pool.end();

      const response = await request(server).get('/health/whatsapp');
      expect(response.status).toBe(503);
      expect(response.body.error).toBe('database unreachable');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('createSessionHealth', () => {
  test('when asked for one session, then only its keys and creds are counted; getAuthStateStats counts all', async () => {
    await seedKeys(1, 2, 'a');
    await seedKeys(4, 1, 'a:b');
    await stack.pool.query("INSERT INTO whatsapp_auth (session_id, creds) VALUES ('a', '{}'), ('a:b', '{}')");
    const health = createSessionHealth({ db: stack.db, thresholds, reporter: noopReporter });

    const one = await health.checkSessionHealth('a');
    const all = await health.getAuthStateStats();

    expect(one).toMatchObject({ sessionId: 'a', authRecords: 1, totalKeys: 3, expiredKeys: 1, status: 'healthy', lastCleanupAt: null });
    expect(all).toMatchObject({ authRecords: 2, totalKeys: 8, expiredKeys: 5, keysByType: { 'pre-key': { total: 5, expired: 5 }, session: { total: 3, expired: 0 } } });
    expect(Date.parse(all.oldestKeyUpdate ?? '')).toBeLessThanOrEqual(Date.parse(all.newestKeyUpdate ?? ''));
  });
});
