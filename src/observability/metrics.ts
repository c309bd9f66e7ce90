/**
 * Prometheus metrics of one process. `createMetrics()` makes a Registry of its
 * own (never prom-client's global one), created once by the entry point and
 * passed down: the pool is registered, Prisma operations are fed through
 * `onOperation`, transactions through `observeTransaction`, HTTP requests
 * through `observeHttpRequest`.
 *
 * Naming follows Prometheus' rules (what `promtool check metrics` enforces):
 * the project's own series start with `ai_admin_data_`; counters end in
 * `_total` and nothing else does; units are base units in the name
 * (`_seconds`, `_bytes`). Node.js and process metrics keep their standard,
 * unprefixed names (`process_cpu_seconds_total`, `nodejs_eventloop_lag_seconds`)
 * so the usual Node.js dashboards work unchanged.
 *
 * Labels are bounded sets chosen by code (model, operation, domain error code,
 * WhatsApp key type, route template, status class): never ids, phones, message
 * text or anything from input.
 */
import type pg from 'pg';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { getPoolStats } from '../db/pool.js';
import type { OperationEvent } from '../db/prisma-client.js';
import { createSnapshotReader, type DatabaseSnapshot, type WhatsappKeyCount } from './metrics-database-snapshot.js';

export const METRICS_PREFIX = 'ai_admin_data_';

export interface MetricsOptions {
  /** Longest a scrape waits for the WhatsApp key figures (METRICS_DB_TIMEOUT_MS). */
  databaseTimeoutMs?: number;
  /** Scrapes within this window reuse the previous database read. */
  databaseCacheMs?: number;
  /** Process metrics (CPU, memory, event loop, GC). Off only for tests that create many registries. */
  processMetrics?: boolean;
  now?: () => number;
}

export interface TransactionEvent {
  /** The name passed to withTransaction: chosen by code, not by input. */
  name: string;
  durationMs: number;
  /** The domain error code when the transaction rolled back. */
  errorCode?: string | undefined;
}

export interface HttpRequestEvent {
  method: string;
  /** The route template (`/api/companies/:companyId`), never the path with its ids. */
  route: string;
  /** `2xx` ... `5xx`, or `aborted` when the connection closed before the response was complete. */
  statusClass: string;
  durationSeconds: number;
}

export interface Metrics {
  registry: Registry;
  /** Pool gauges and database-backed gauges read from this pool at scrape time. */
  registerPool(pool: pg.Pool): void;
  /** Feed for createDbClient's `onOperation`. */
  onOperation(event: OperationEvent): void;
  observeTransaction(event: TransactionEvent): void;
  observeHttpRequest(event: HttpRequestEvent): void;
}

const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const TRANSACTION_BUCKETS = [...DURATION_BUCKETS, 15, 30];

/** Names chosen by code pass; anything odd is folded into one label value so cardinality stays bounded. */
export function safeLabel(value: string | undefined, fallback: string): string {
  if (value === undefined || value === '') return fallback;
  return /^[A-Za-z$][A-Za-z0-9_$.:-]{0,63}$/.test(value) ? value : 'other';
}

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  // No prefix: standard dashboards look for process_* and nodejs_* by these exact names.
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });

  let pool: pg.Pool | undefined;
  let readSnapshot: (() => Promise<DatabaseSnapshot>) | undefined;
  const snapshot = async (): Promise<DatabaseSnapshot | undefined> => (readSnapshot ? readSnapshot() : undefined);

  const poolGauge = (name: string, help: string, read: (stats: ReturnType<typeof getPoolStats>) => number) =>
    new Gauge({
      name: `${METRICS_PREFIX}db_pool_${name}`,
      help,
      registers: [registry],
      collect() {
        if (pool) this.set(read(getPoolStats(pool)));
      },
    });
  // A gauge: no `_total` suffix (Prometheus reserves it for counters).
  poolGauge('connections', 'Open connections of the process pool', (s) => s.total);
  poolGauge('connections_idle', 'Open connections not checked out', (s) => s.idle);
  poolGauge('connections_in_use', 'Connections checked out by a query or transaction', (s) => s.inUse);
  poolGauge('waiting_requests', 'Callers waiting for a free connection', (s) => s.waiting);
  poolGauge('connections_max', 'Upper bound of the pool (POSTGRES_MAX_CONNECTIONS)', (s) => s.max);

  const queryDuration = new Histogram({
    name: `${METRICS_PREFIX}db_query_duration_seconds`,
    help: 'Duration of Prisma operations by model and operation',
    labelNames: ['model', 'operation', 'outcome'] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const transactionDuration = new Histogram({
    name: `${METRICS_PREFIX}db_transaction_duration_seconds`,
    help: 'Duration of interactive transactions, including retries',
    labelNames: ['transaction', 'outcome'] as const,
    buckets: TRANSACTION_BUCKETS,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: `${METRICS_PREFIX}http_request_duration_seconds`,
    help: 'Duration of HTTP requests by method, route template and status class',
    labelNames: ['method', 'route', 'status_class'] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const errors = new Counter({
    name: `${METRICS_PREFIX}db_errors_total`,
    help: 'Database errors by domain error code and where they surfaced',
    labelNames: ['code', 'source'] as const,
    registers: [registry],
  });

  new Gauge({
    name: `${METRICS_PREFIX}metrics_database_up`,
    help: '1 when this scrape could read the database-backed figures, 0 when the database did not answer in time',
    registers: [registry],
    async collect() {
      const current = await snapshot();
      if (current) this.set(current.ok ? 1 : 0);
    },
  });
  const keyCountGauge = (name: string, help: string, read: (count: WhatsappKeyCount) => number) =>
    new Gauge({
      name: `${METRICS_PREFIX}${name}`,
      help,
      labelNames: ['type'] as const,
      registers: [registry],
      async collect() {
        const current = await snapshot();
        if (!current?.ok) return;
        // Types that disappeared since the last scrape must not linger.
        this.reset();
        for (const key of current.keys) this.set({ type: key.type }, read(key));
      },
    });
  keyCountGauge('whatsapp_keys', 'Stored WhatsApp signal keys by key type', (count) => count.total);
  keyCountGauge('whatsapp_keys_expired', 'Stored WhatsApp signal keys past their expiry (the cleanup removes them) by key type', (count) => count.expired);
  new Gauge({
    name: `${METRICS_PREFIX}whatsapp_key_cleanup_last_success_timestamp_seconds`,
    help: 'Unix time of the last successful (not dry-run) expired-key cleanup; absent if it never ran',
    registers: [registry],
    async collect() {
      const current = await snapshot();
      if (!current?.ok) return;
      this.reset();
      if (current.lastCleanupSeconds !== undefined) this.set(current.lastCleanupSeconds);
    },
  });

  return {
    registry,
    registerPool(target) {
      pool = target;
      readSnapshot = createSnapshotReader(target, {
        timeoutMs: options.databaseTimeoutMs ?? 1_000,
        cacheMs: options.databaseCacheMs ?? 5_000,
        ...(options.now ? { now: options.now } : {}),
      });
    },
    onOperation(event) {
      const outcome = event.error ? 'error' : 'ok';
      queryDuration.observe(
        { model: safeLabel(event.model, 'raw'), operation: safeLabel(event.operation, 'unknown'), outcome },
        event.durationMs / 1000,
      );
      if (event.error) errors.inc({ code: safeLabel(event.error.code, 'UNKNOWN'), source: 'operation' });
    },
    observeTransaction(event) {
      transactionDuration.observe(
        { transaction: safeLabel(event.name, 'transaction'), outcome: event.errorCode ? 'rollback' : 'commit' },
        event.durationMs / 1000,
      );
      if (event.errorCode) errors.inc({ code: safeLabel(event.errorCode, 'UNKNOWN'), source: 'transaction' });
    },
    observeHttpRequest(event) {
      httpDuration.observe({ method: event.method, route: event.route, status_class: event.statusClass }, event.durationSeconds);
    },
  };
}
