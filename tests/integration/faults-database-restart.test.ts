import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { freePort } from '../../src/net/free-port.js';
import { pollUntil } from '../helpers/api-process.js';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../src/db/embedded-postgres.js';
import { applyMigrations } from '../../src/db/migrations.js';
import { loadConfig } from '../../src/config.js';
import { composeApi, type ComposedApi } from '../../src/api/compose-api.js';
import { silentLogger } from '../../src/observability/logger.js';
import { noopReporter } from '../../src/observability/error-reporter.js';

/** This file stops and starts a PostgreSQL of its own; the shared test server is not touched. */
/**
 * initdb, a server start and `prisma migrate deploy` on an empty database: a minute and a half of the CLI alone
 * was measured on the shared 2-CPU machine under load. A bound for a hang, not a speed check.
 */
const SERVER_SETUP_TIMEOUT_MS = 600_000;

describe('database stopped and started while the API runs', () => {
  let root: string;
  let embedded: EmbeddedPostgresHandle;
  let api: ComposedApi;
  let baseUrl: string;
  const status = (route: string) => fetch(`${baseUrl}${route}`).then((response) => response.status);

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'ai-admin-data-restart-'));
    chmodSync(root, 0o755); // as root the server runs as the postgres user and must reach its folder
    embedded = await startEmbeddedPostgres({
      dataDir: path.join(root, 'data'),
      port: await freePort(),
      password: randomBytes(8).toString('hex'),
      logger: silentLogger,
      // Not ephemeral: an ephemeral server deletes its data folder on stop, and this test starts it again.
      ephemeral: false,
    });
    await applyMigrations(embedded.adminUrl);
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: embedded.adminUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      POSTGRES_ACQUIRE_TIMEOUT_MS: '5000',
      // Down, the reads fail at once (connection refused); up, a loaded machine gets time to answer.
      METRICS_DB_TIMEOUT_MS: '5000',
    });
    api = await composeApi(config, silentLogger, noopReporter, {
      flushReporter: async () => true,
    });
    baseUrl = `http://127.0.0.1:${api.address.port}`;
  }, SERVER_SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await api?.shutdown('test end');
    await embedded?.stop().catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  });

  test('when the database goes down, then readiness and WhatsApp health answer 503 while liveness and metrics answer 200; after restart all answer 200 with no action', async () => {
    expect(await status('/health/ready')).toBe(200);
    expect(await status('/health/whatsapp')).toBe(200);

    await embedded.stop();

    await pollUntil(async () => ((await status('/health/ready')) === 503 ? true : undefined), 'readiness to answer 503');
    expect(await status('/health/whatsapp')).toBe(503);
    expect(await status('/health')).toBe(200);
    const metrics = await fetch(`${baseUrl}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('ai_admin_data_metrics_database_up 0');
    // A data call while down is a typed, retryable error, not a crash.
    await expect(api.database.db.company.count()).rejects.toMatchObject({ code: 'CONNECTION_LOST', retryable: true });

    await embedded.start();

    await pollUntil(async () => ((await status('/health/ready')) === 200 ? true : undefined), 'readiness to answer 200 again');
    await pollUntil(async () => ((await status('/health/whatsapp')) === 200 ? true : undefined), 'WhatsApp health to answer 200 again');
    await pollUntil(
      async () => ((await (await fetch(`${baseUrl}/metrics`)).text()).includes('ai_admin_data_metrics_database_up 1') ? true : undefined),
      'metrics to read the database again',
    );
    await expect(api.database.db.company.create({ data: { id: 1, title: 'Salon' } })).resolves.toMatchObject({ id: 1 });
    await expect(api.database.db.company.count()).resolves.toBe(1);
  });
});
