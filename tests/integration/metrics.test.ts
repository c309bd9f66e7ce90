import type { Server } from 'node:http';
import pg from 'pg';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { createTestStack, type TestStack } from '../helpers/test-stack.js';
import { waitFor } from '../helpers/wait-for.js';
import { freePort } from '../../src/net/free-port.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import { KEY_CLEANUP_JOB_NAME } from '../../src/whatsapp/key-cleanup.js';
import { metricsRouter } from '../../src/api/routes/metrics.js';
import { createApp } from '../../src/api/app.js';
import { startServer, stopServer } from '../../src/api/server.js';
import { createPool, poolSettingsFromConfig } from '../../src/db/pool.js';
import { silentLogger } from '../../src/observability/logger.js';
import { noopReporter } from '../../src/observability/error-reporter.js';
import { UniqueViolationError } from '../../src/db/errors.js';
import { withTransaction } from '../../src/db/transaction.js';

async function serve(metrics: Metrics): Promise<{ server: Server; url: string }> {
  const app = createApp({ routers: [metricsRouter(metrics.registry)], logger: silentLogger, reporter: noopReporter });
  const { server, address } = await startServer(app, 0, '127.0.0.1');
  return { server, url: `http://127.0.0.1:${address.port}/metrics` };
}

/** The value of one sample line, e.g. sample(body, 'x_total{code="A"}'). */
function sample(body: string, series: string): number | undefined {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics', () => {
  let stack: TestStack;
  let metrics: Metrics;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    // A generous database bound: these tests are about the figures, not the bound (tested below).
    metrics = createMetrics({ databaseCacheMs: 0, databaseTimeoutMs: 10_000 });
    stack = await createTestStack({ onOperation: metrics.onOperation });
    metrics.registerPool(stack.pool);
    ({ server, url } = await serve(metrics));
    const past = new Date(Date.now() - 86_400_000);
    const future = new Date(Date.now() + 86_400_000);
    await stack.db.whatsappKey.createMany({
      data: [
        { sessionId: 's1', type: 'pre-key', keyId: '1', value: 'v', expiresAt: past },
        { sessionId: 's1', type: 'pre-key', keyId: '2', value: 'v', expiresAt: past },
        { sessionId: 's1', type: 'pre-key', keyId: '3', value: 'v', expiresAt: future },
        { sessionId: 's1', type: 'session', keyId: '79990001234.0', value: 'v', expiresAt: null },
        { sessionId: 's1', type: 'Odd Type 79990001234', keyId: 'x', value: 'v', expiresAt: past },
      ],
    });
    await stack.db.jobRun.createMany({
      data: [
        { jobName: KEY_CLEANUP_JOB_NAME, status: 'succeeded', startedAt: new Date('2030-01-01T00:00:00Z'), finishedAt: new Date('2030-01-01T00:00:05Z') },
        // A later dry run and a later failure do not count as a cleanup.
        { jobName: KEY_CLEANUP_JOB_NAME, status: 'succeeded', dryRun: true, startedAt: new Date('2030-01-02T00:00:00Z'), finishedAt: new Date('2030-01-02T00:00:05Z') },
        { jobName: KEY_CLEANUP_JOB_NAME, status: 'failed', startedAt: new Date('2030-01-03T00:00:00Z'), finishedAt: new Date('2030-01-03T00:00:05Z') },
        // Nor does a later run over one session only (`--session s1`): the other sessions were not cleaned.
        { jobName: KEY_CLEANUP_JOB_NAME, status: 'succeeded', stats: { sessionId: 's1' }, startedAt: new Date('2030-01-04T00:00:00Z'), finishedAt: new Date('2030-01-04T00:00:05Z') },
      ],
    });
  });
  afterAll(async () => {
    await stopServer(server, 1_000);
    await stack.close();
  });

  test('when scraped, then it answers Prometheus text with process and pool figures', async () => {
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const body = await response.text();
    expect(body).toContain('# TYPE process_resident_memory_bytes gauge');
    expect(sample(body, 'ai_admin_data_db_pool_connections_max')).toBe(3);
    expect(sample(body, 'ai_admin_data_db_pool_connections')).toBeGreaterThanOrEqual(1);
    expect(sample(body, 'ai_admin_data_db_pool_waiting_requests')).toBe(0);
    expect(body).toContain('ai_admin_data_db_pool_connections_idle ');
    expect(body).toContain('ai_admin_data_db_pool_connections_in_use ');
  });

  test('when the exposition is parsed, then every family follows the Prometheus naming rules and Node.js metrics keep their standard names', async () => {
    const families = parsePrometheusTextFormat(await (await fetch(url)).text());
    const names = families.map((family) => family.name);
    expect(new Set(names).size).toBe(names.length);
    // The standard Node.js dashboards read these exact, unprefixed names.
    for (const standard of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'process_start_time_seconds', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes', 'nodejs_gc_duration_seconds']) {
      expect(names).toContain(standard);
    }
    // prom-client's standard gauges named ..._total: promtool flags them too, but Node.js dashboards read these
    // exact names, so they are kept as they are; nothing of ours may be added to this list.
    const upstreamGaugesNamedTotal = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];
    const problems: string[] = [];
    for (const family of families) {
      const { name, type } = family;
      const ours = name.startsWith('ai_admin_data_');
      if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name)) problems.push(`${name}: not a valid metric name`);
      if (!ours && !name.startsWith('process_') && !name.startsWith('nodejs_')) problems.push(`${name}: neither ours nor a standard process/Node.js metric`);
      if (name.startsWith('ai_admin_data_') && /^ai_admin_data_(process|nodejs)_/.test(name)) problems.push(`${name}: default metric under the project prefix`);
      if (family.help.trim() === '') problems.push(`${name}: no HELP`);
      if (type === 'COUNTER' && !name.endsWith('_total')) problems.push(`${name}: counter without _total`);
      if (type !== 'COUNTER' && name.endsWith('_total') && !upstreamGaugesNamedTotal.includes(name)) problems.push(`${name}: ${type.toLowerCase()} ending in _total`);
      if (/_(count|sum|bucket)$/.test(name)) problems.push(`${name}: reserved histogram suffix`);
      if (/(^|_)(counter|gauge|histogram|summary)(_|$)/.test(name)) problems.push(`${name}: type in the name`);
      if (/_(milliseconds|microseconds|ms|sec|kilobytes|megabytes|minutes|hours)(_|$)/.test(name)) problems.push(`${name}: not a base unit`);
      if (type === 'HISTOGRAM' && ours && !name.endsWith('_seconds')) problems.push(`${name}: a duration histogram not in seconds`);
      for (const sample of family.metrics) {
        for (const label of Object.keys(sample.labels ?? {})) {
          if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(label) || label.startsWith('__')) problems.push(`${name}: bad label name ${label}`);
          if (label === 'le' && type !== 'HISTOGRAM') problems.push(`${name}: le label outside a histogram`);
        }
      }
    }
    expect(problems).toEqual([]);
    // The pool gauge renamed from ..._connections_total is there under its gauge name.
    expect(families.find((family) => family.name === 'ai_admin_data_db_pool_connections')?.type).toBe('GAUGE');
  });

  test('when WhatsApp keys are stored, then keys by type, expired keys and the last real cleanup are reported', async () => {
    const body = await (await fetch(url)).text();
    expect(sample(body, 'ai_admin_data_metrics_database_up')).toBe(1);
    expect(sample(body, 'ai_admin_data_whatsapp_keys{type="pre-key"}')).toBe(3);
    expect(sample(body, 'ai_admin_data_whatsapp_keys_expired{type="pre-key"}')).toBe(2);
    expect(sample(body, 'ai_admin_data_whatsapp_keys{type="session"}')).toBe(1);
    expect(sample(body, 'ai_admin_data_whatsapp_keys_expired{type="session"}')).toBe(0);
    expect(sample(body, 'ai_admin_data_whatsapp_keys{type="other"}')).toBe(1);
    expect(sample(body, 'ai_admin_data_whatsapp_key_cleanup_last_success_timestamp_seconds')).toBe(
      Date.parse('2030-01-01T00:00:05Z') / 1000,
    );
  });

  test('when Prisma operations run and one fails, then durations by model and operation and errors by code are counted', async () => {
    await stack.db.company.create({ data: { id: 1, title: 'Salon' } });
    await stack.db.client.create({ data: { companyId: 1, phone: '79990005678', name: 'Maria Secret' } });
    await expect(stack.db.client.create({ data: { companyId: 1, phone: '79990005678' } })).rejects.toBeInstanceOf(UniqueViolationError);
    const body = await (await fetch(url)).text();
    expect(sample(body, 'ai_admin_data_db_query_duration_seconds_count{model="Client",operation="create",outcome="ok"}')).toBe(1);
    expect(sample(body, 'ai_admin_data_db_query_duration_seconds_count{model="Client",operation="create",outcome="error"}')).toBe(1);
    expect(sample(body, 'ai_admin_data_db_errors_total{code="UNIQUE_VIOLATION",source="operation"}')).toBe(1);
  });

  test('when transactions commit and roll back, then their durations and rollbacks are reported by name', async () => {
    const options = { name: 'createBooking', reporter: noopReporter, onFinish: metrics.observeTransaction };
    await withTransaction(stack.db, (tx) => tx.company.findUnique({ where: { id: 1 } }), options);
    await expect(
      withTransaction(stack.db, (tx) => tx.client.create({ data: { companyId: 1, phone: '79990005678' } }), options),
    ).rejects.toBeInstanceOf(UniqueViolationError);
    const body = await (await fetch(url)).text();
    expect(sample(body, 'ai_admin_data_db_transaction_duration_seconds_count{transaction="createBooking",outcome="commit"}')).toBe(1);
    expect(sample(body, 'ai_admin_data_db_transaction_duration_seconds_count{transaction="createBooking",outcome="rollback"}')).toBe(1);
    expect(sample(body, 'ai_admin_data_db_errors_total{code="UNIQUE_VIOLATION",source="transaction"}')).toBe(1);
  });

  test('when personal data is in the rows, then no phone, name or key id appears in the output', async () => {
    const body = await (await fetch(url)).text();
    expect(body).not.toMatch(/7999000\d{4}/);
    expect(body).not.toContain('Maria');
    expect(body).not.toContain('Odd Type');
  });
});

describe('GET /metrics with the database down', () => {
  test('when nothing listens at the database address, then the scrape still answers 200 and says the database figures are missing', async () => {
    const metrics = createMetrics({ databaseTimeoutMs: 500, processMetrics: false });
    const deadUrl = `postgresql://postgres@127.0.0.1:${await freePort()}/none`;
    const pool = createPool(
      poolSettingsFromConfig(
        { POSTGRES_MAX_CONNECTIONS: 3, POSTGRES_MIN_CONNECTIONS: 0, POSTGRES_ACQUIRE_TIMEOUT_MS: 5_000, POSTGRES_STATEMENT_TIMEOUT_MS: 1_000, POSTGRES_IDLE_TIMEOUT_MS: 1_000, POSTGRES_MAX_LIFETIME_S: 60, POSTGRES_IDLE_IN_TRANSACTION_TIMEOUT_MS: 1_000, POSTGRES_POOL_WARN_USAGE_PERCENT: 80 },
        deadUrl,
      ),
      { logger: silentLogger, reporter: noopReporter },
    );
    metrics.registerPool(pool);
    const { server, url } = await serve(metrics);
    try {
      const response = await fetch(url);
      expect(response.status).toBe(200);
      const body = await response.text();
      expect(sample(body, 'ai_admin_data_metrics_database_up')).toBe(0);
      expect(body).not.toContain('ai_admin_data_whatsapp_keys{');
      expect(sample(body, 'ai_admin_data_db_pool_connections_max')).toBe(3);
    } finally {
      await stopServer(server, 1_000);
      await pool.end();
    }
  });

  test('when the database holds the key table locked past the bound, then the scrape answers 200 without the figures', async () => {
    const stack = await createTestStack();
    const metrics = createMetrics({ databaseTimeoutMs: 300, databaseCacheMs: 0, processMetrics: false });
    metrics.registerPool(stack.pool);
    const { server, url } = await serve(metrics);
    const locker = new pg.Client({ connectionString: stack.database.url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE whatsapp_keys IN ACCESS EXCLUSIVE MODE');
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(sample(await response.text(), 'ai_admin_data_metrics_database_up')).toBe(0);
      await locker.query('ROLLBACK');
      // Once the lock is gone a scrape reads the database again (polled: the bound is short and a loaded machine slow).
      await waitFor(async () => sample(await (await fetch(url)).text(), 'ai_admin_data_metrics_database_up') === 1, { attempts: 100, intervalMs: 100 });
    } finally {
      await locker.end();
      await stopServer(server, 1_000);
      await stack.close();
    }
  });
});
