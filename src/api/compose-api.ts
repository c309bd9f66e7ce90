/**
 * Builds the whole API process from its configuration: database, metrics,
 * routes, HTTP server, and the shutdown that takes them down in order.
 * src/index.ts is a thin entry around this; tests call it in-process.
 *
 * Shutdown order (each step bounded, a failing step does not stop the rest):
 *  1. readiness answers 503, and keeps answering for SHUTDOWN_READINESS_DELAY_MS
 *     while the listener is still open and serving, so load balancers stop
 *     sending traffic (15 s by default in production, 0 elsewhere);
 *  2. the listener closes; in-flight requests finish with `Connection: close`,
 *     idle keep-alive connections are closed, and the step ends as soon as the
 *     last connection is gone (after SHUTDOWN_TIMEOUT_MS the rest are cut and
 *     counted in the log; see connection-drain.ts);
 *  3. Prisma disconnects; 4. the pool ends (after the requests that use it);
 *  5. Sentry flushes (SENTRY_FLUSH_TIMEOUT_MS), while the process can still send;
 *  6. the embedded PostgreSQL stops, if this process started it.
 */
import type { AddressInfo } from 'node:net';
import type { Router } from 'express';
import * as Sentry from '@sentry/core';
import type { Config } from '../config.js';
import type { Logger } from '../observability/logger.js';
import type { ErrorReporter } from '../observability/error-reporter.js';
import { createMetrics, type Metrics } from '../observability/metrics.js';
import { openDatabase, type Database } from '../db/database.js';
import { probeSessions } from '../db/session-probe.js';
import { createShutdown } from '../lifecycle.js';
import { createApp } from './app.js';
import { ReadinessProbe } from './readiness.js';
import { healthRouter, type Lifecycle } from './routes/health.js';
import { metricsRouter } from './routes/metrics.js';
import { catalogueRouter } from './routes/catalogue.js';
import { createDataLayer, type DataLayer } from '../data-layer/index.js';
import { startServer, stopServer } from './server.js';
import { listRoutes } from './route-list.js';
import { whatsappHealthRouter } from './routes/whatsapp-health.js';
import { createSessionHealth } from '../whatsapp/session-health.js';
import { thresholdsFromConfig } from '../whatsapp/health-thresholds.js';
import type { BaileysService } from '../whatsapp/baileys-service.js';

/** What extra routers get to build on. */
export interface ApiParts {
  config: Config;
  logger: Logger;
  reporter: ErrorReporter;
  database: Database;
  metrics: Metrics;
  /** The one facade of this process; routers read through it. */
  dataLayer: DataLayer;
  probe: ReadinessProbe;
  lifecycle: Lifecycle;
}

export interface ComposeApiOptions {
  /**
   * EXTRA ROUTERS GO HERE: e.g. the WhatsApp health router (issue 5) or the
   * data-layer routes. Mounted after /health and /metrics, before the 404.
   */
  extraRouters?: (parts: ApiParts) => Router[] | Promise<Router[]>;
  /** Replaces Sentry.flush (tests). */
  flushReporter?: (timeoutMs: number) => Promise<unknown>;
}

export interface ComposedApi {
  address: AddressInfo;
  /** Runs once; later calls return the same promise. Does not exit the process. */
  shutdown: (reason: string) => Promise<void>;
  /** For in-process tests and the entry's log line. */
  database: Database;
  metrics: Metrics;
  /** The facade the routes use, so tests act through the same wiring (e.g. transaction metrics). */
  dataLayer: DataLayer;
  /** "GET /health", ... as mounted, for the start banner. */
  routes: string[];
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function composeApi(
  config: Config,
  logger: Logger,
  reporter: ErrorReporter,
  options: ComposeApiOptions = {},
): Promise<ComposedApi> {
  const metrics = createMetrics({ databaseTimeoutMs: config.METRICS_DB_TIMEOUT_MS });
  const database = await openDatabase({
    config,
    logger,
    reporter,
    applicationName: 'ai-admin-data-api',
    onOperation: metrics.onOperation,
  });
  metrics.registerPool(database.pool);
  if (!database.embedded && (await probeSessions(database.pool.options).catch(() => 'own-sessions' as const)) === 'shared-sessions') {
    logger.warn(
      'DATABASE_URL goes through a transaction-mode pooler: statement and idle-in-transaction timeouts hold for every transaction; ' +
        'statements outside a transaction get the server session defaults, so set the same values on the database role ' +
        '(ALTER ROLE ... SET statement_timeout / idle_in_transaction_session_timeout) for a guarantee',
    );
  }
  // Built once: every router shares its settings, reporting and transaction metrics.
  const dataLayer = createDataLayer(database.db, {
    logger,
    reporter,
    settings: { dialogContextTtlHours: config.DIALOG_CONTEXT_TTL_HOURS, dialogContextMaxBytes: config.DIALOG_CONTEXT_MAX_BYTES },
    transactionTimeoutMs: config.TRANSACTION_TIMEOUT_MS,
    transactionMaxRetries: config.TRANSACTION_MAX_RETRIES,
    onTransaction: metrics.observeTransaction,
  });
  const lifecycle: Lifecycle = { shuttingDown: false };
  const probe = new ReadinessProbe(database.pool);

  const thresholds = thresholdsFromConfig(config);
  const whatsappHealth = createSessionHealth({
    db: database.db,
    pool: database.pool,
    thresholds,
    authDir: config.BAILEYS_AUTH_DIR,
    reporter,
    logger,
  });

  let server: Awaited<ReturnType<typeof startServer>>;
  let whatsapp: BaileysService | undefined;
  let routes: string[];
  try {
    const parts: ApiParts = { config, logger, reporter, database, metrics, dataLayer, probe, lifecycle };
    const extra = (await options.extraRouters?.(parts)) ?? [];
    const routers = [
      healthRouter(probe, lifecycle),
      // All sessions: the socket may run in another process; auth record count is the number of sessions.
      whatsappHealthRouter(whatsappHealth, { thresholds, service: () => whatsapp?.status() }),
      metricsRouter(metrics.registry),
      catalogueRouter(dataLayer),
      ...extra,
    ];
    routes = listRoutes(routers);
    const app = createApp({
      routers,
      logger,
      reporter,
      bodyLimit: config.HTTP_BODY_LIMIT,
      observeHttpRequest: metrics.observeHttpRequest,
    });
    server = await startServer(app, config.PORT, config.HOST);
    // Never in tests or by default; throws SessionLockedError when another process drives the session.
    if (config.WHATSAPP_ENABLED) {
      // Loaded only when enabled: Baileys and its protobufs cost tens of MB of memory.
      const { startBaileysService } = await import('../whatsapp/baileys-service.js');
      whatsapp = await startBaileysService({ config, db: database.db, pool: database.pool, lockConnection: database.lockConnection, logger, reporter }).catch(async (error: unknown) => {
        await stopServer(server.server, 0);
        throw error;
      });
    }
  } catch (error) {
    await database.close();
    throw error;
  }

  const flush = options.flushReporter ?? ((ms: number) => Sentry.flush(ms));
  const shutdown = createShutdown(
    logger,
    [
      {
        name: 'readiness',
        run: async () => {
          lifecycle.shuttingDown = true;
          if (config.SHUTDOWN_READINESS_DELAY_MS > 0) await sleep(config.SHUTDOWN_READINESS_DELAY_MS);
        },
      },
      {
        name: 'http',
        run: async () => {
          const { forcedConnections } = await stopServer(server.server, config.SHUTDOWN_TIMEOUT_MS);
          if (forcedConnections > 0) {
            logger.warn({ forcedConnections, timeoutMs: config.SHUTDOWN_TIMEOUT_MS }, 'requests still running at SHUTDOWN_TIMEOUT_MS were cut');
          }
        },
      },
      { name: 'whatsapp', run: () => whatsapp?.stop() },
      { name: 'prisma', run: () => database.db.$disconnect() },
      { name: 'pool', run: () => database.pool.end() },
      { name: 'sentry', run: async () => void (await flush(config.SENTRY_FLUSH_TIMEOUT_MS)) },
      { name: 'embedded database', run: () => database.embedded?.stop() },
    ],
    config.SENTRY_FLUSH_TIMEOUT_MS,
  );
  return { address: server.address, shutdown, database, metrics, dataLayer, routes };
}
