/**
 * One small, bounded, observable pg.Pool per process. Prisma gets it through
 * @prisma/adapter-pg; raw hot paths use it directly. `$disconnect()` does not
 * end a pool passed to the adapter, so shutdown ends it (see database.ts).
 */
import pg from 'pg';
import type { Logger } from '../observability/logger.js';
import type { ErrorReporter } from '../observability/error-reporter.js';
import { reuseConnectionsAfterStatementErrors } from './pool-query-reuse.js';
import { applySessionTimeouts } from './session-settings.js';
import { typeAcquireFailures } from './pool-acquire-errors.js';

export interface PoolSettings {
  connectionString: string;
  max: number;
  min: number;
  acquireTimeoutMs: number;
  statementTimeoutMs: number;
  idleTimeoutMs: number;
  maxLifetimeSeconds: number;
  idleInTransactionTimeoutMs: number;
  warnUsagePercent: number;
  applicationName?: string;
}

export interface PoolStats {
  total: number;
  idle: number;
  inUse: number;
  waiting: number;
  max: number;
  usagePercent: number;
}

export interface PoolDeps {
  logger: Logger;
  reporter: ErrorReporter;
}

export function poolSettingsFromConfig(
  config: {
    POSTGRES_MAX_CONNECTIONS: number;
    POSTGRES_MIN_CONNECTIONS: number;
    POSTGRES_ACQUIRE_TIMEOUT_MS: number;
    POSTGRES_STATEMENT_TIMEOUT_MS: number;
    POSTGRES_IDLE_TIMEOUT_MS: number;
    POSTGRES_MAX_LIFETIME_S: number;
    POSTGRES_IDLE_IN_TRANSACTION_TIMEOUT_MS: number;
    POSTGRES_POOL_WARN_USAGE_PERCENT: number;
  },
  connectionString: string,
  applicationName = 'ai-admin-data',
): PoolSettings {
  return {
    connectionString,
    max: config.POSTGRES_MAX_CONNECTIONS,
    min: config.POSTGRES_MIN_CONNECTIONS,
    acquireTimeoutMs: config.POSTGRES_ACQUIRE_TIMEOUT_MS,
    statementTimeoutMs: config.POSTGRES_STATEMENT_TIMEOUT_MS,
    idleTimeoutMs: config.POSTGRES_IDLE_TIMEOUT_MS,
    maxLifetimeSeconds: config.POSTGRES_MAX_LIFETIME_S,
    idleInTransactionTimeoutMs: config.POSTGRES_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    warnUsagePercent: config.POSTGRES_POOL_WARN_USAGE_PERCENT,
    applicationName,
  };
}

export function getPoolStats(pool: pg.Pool): PoolStats {
  const max = pool.options.max ?? 10;
  const inUse = pool.totalCount - pool.idleCount;
  return {
    total: pool.totalCount,
    idle: pool.idleCount,
    inUse,
    waiting: pool.waitingCount,
    max,
    usagePercent: Math.round((inUse / max) * 100),
  };
}

/** Shortest gap between two "pool usage above N %" warnings. */
export const POOL_WARNING_INTERVAL_MS = 60_000;

export function createPool(settings: PoolSettings, deps: PoolDeps): pg.Pool {
  const timeouts = { statementTimeoutMs: settings.statementTimeoutMs, idleInTransactionTimeoutMs: settings.idleInTransactionTimeoutMs };
  const pool = new pg.Pool({
    connectionString: settings.connectionString,
    max: settings.max,
    min: settings.min,
    connectionTimeoutMillis: settings.acquireTimeoutMs,
    idleTimeoutMillis: settings.idleTimeoutMs,
    maxLifetimeSeconds: settings.maxLifetimeSeconds,
    // The server-side timeouts are not startup parameters (a transaction-mode PgBouncer refuses
    // those): they are set per connection and per transaction, see session-settings.ts.
    // Client side backstop in case the server never answers (network partition).
    query_timeout: settings.statementTimeoutMs ? settings.statementTimeoutMs + 5_000 : undefined,
    application_name: settings.applicationName ?? 'ai-admin-data',
    keepAlive: true,
    // Awaited before a new connection is handed out (session-settings.ts explains why not startup parameters).
    onConnect: (client: pg.ClientBase) => applySessionTimeouts(client, timeouts),
  });
  // Acquisition failures as typed errors (pool-acquire-errors.ts); pool.query below acquires through it.
  typeAcquireFailures(pool);
  // A failed statement must not cost a reconnect (pool-query-reuse.ts).
  reuseConnectionsAfterStatementErrors(pool);
  const { logger, reporter } = deps;
  // A burst keeps the pool full for many acquires in a row: warn once per interval, with the count.
  let lastWarnAt = Number.NEGATIVE_INFINITY;
  let exceededSinceWarn = 0;

  pool.on('connect', (client) => {
    // An error on a checked-out client surfaces to its query; without a listener
    // the same error would also be emitted unhandled and crash the process.
    client.on('error', (error) => logger.warn({ code: (error as { code?: string }).code }, 'database client error'));
    logger.info({ pool: getPoolStats(pool) }, 'database connection opened');
  });
  pool.on('acquire', () => {
    const stats = getPoolStats(pool);
    if (stats.usagePercent <= settings.warnUsagePercent) return;
    exceededSinceWarn += 1;
    const now = Date.now();
    if (now - lastWarnAt < POOL_WARNING_INTERVAL_MS) return;
    logger.warn({ pool: stats, timesSinceLastWarning: exceededSinceWarn }, `database pool usage above ${settings.warnUsagePercent}%`);
    lastWarnAt = now;
    exceededSinceWarn = 0;
  });
  pool.on('remove', () => {
    logger.info({ pool: getPoolStats(pool) }, 'database connection closed');
  });
  // An idle client losing its server (restart, pg_terminate_backend) must never crash the process.
  pool.on('error', (error) => {
    logger.error({ code: (error as { code?: string }).code, err: { message: error.message } }, 'idle database connection failed');
    reporter.report(error, { component: 'database', operation: 'pool.idle-client', level: 'warning' });
  });
  return pool;
}

/** Opens `min` connections now so the first request does not pay for the handshake. */
export async function warmPool(pool: pg.Pool, min: number): Promise<void> {
  const clients = await Promise.all(Array.from({ length: min }, () => pool.connect()));
  for (const client of clients) client.release();
}
