/**
 * The API process. Started with `node --import ./dist/instrument.js dist/index.js`;
 * the import below keeps Sentry first when it is run any other way.
 */
import './instrument.js';
import { loadConfig } from './config.js';
import { createLogger } from './observability/logger.js';
import { sentryReporter } from './observability/error-reporter.js';
import { openDatabase } from './db/database.js';
import { createApp } from './api/app.js';
import { healthRouter, type Lifecycle } from './api/routes/health.js';
import { ReadinessProbe } from './api/readiness.js';
import { startServer, stopServer } from './api/server.js';
import { createShutdown, exitWithReason } from './lifecycle.js';

async function main(): Promise<void> {
  const started = performance.now();
  let logger = createLogger();
  try {
    const config = loadConfig();
    logger = createLogger({ level: config.LOG_LEVEL });
    const database = await openDatabase({ config, logger, reporter: sentryReporter, applicationName: 'ai-admin-data-api' });
    const lifecycle: Lifecycle = { shuttingDown: false };
    const probe = new ReadinessProbe(database.pool);
    const app = createApp({
      routers: [healthRouter(probe, lifecycle)],
      logger,
      reporter: sentryReporter,
      bodyLimit: config.HTTP_BODY_LIMIT,
    });
    const { server, address } = await startServer(app, config.PORT, config.HOST).catch(async (error: unknown) => {
      await database.close();
      throw error;
    });
    const shutdown = createShutdown(
      logger,
      [
        { name: 'readiness', run: () => void (lifecycle.shuttingDown = true) },
        { name: 'http', run: () => stopServer(server, config.SHUTDOWN_TIMEOUT_MS) },
        { name: 'database', run: () => database.close() },
      ],
      config.SENTRY_FLUSH_TIMEOUT_MS,
    );
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => void shutdown(signal).then(() => process.exit(0)));
    }
    logger.info(
      { port: address.port, embeddedDatabase: Boolean(database.embedded), startupMs: Math.round(performance.now() - started) },
      `ai-admin-data listening on port ${address.port}`,
    );
  } catch (error) {
    exitWithReason(logger, error);
  }
}

await main();
