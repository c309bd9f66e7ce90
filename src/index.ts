/**
 * The API process. Started with `node --import ./dist/instrument.js dist/index.js`;
 * the import below keeps Sentry first when it is run any other way.
 * Everything is built by composeApi; this file only handles signals and the
 * one-line exit reasons (port taken, database unreachable, bad configuration).
 */
import './instrument.js';
import { loadConfig } from './config.js';
import { createLogger } from './observability/logger.js';
import { sentryReporter } from './observability/error-reporter.js';
import { composeApi } from './api/compose-api.js';
import { exitWithReason } from './lifecycle.js';
import { exitOnSignals } from './shutdown-signals.js';

async function main(): Promise<void> {
  const started = performance.now();
  let logger = createLogger();
  try {
    const config = loadConfig();
    logger = createLogger({ level: config.LOG_LEVEL });
    // Extra routers (the WhatsApp health router, data-layer routes) are passed
    // here as composeApi's `extraRouters` option.
    const api = await composeApi(config, logger, sentryReporter);
    exitOnSignals({ logger, shutdown: api.shutdown });
    // PM2 (wait_ready) hands traffic over to this process, and stops the old one, only after this:
    // the port is listening and the database answered.
    process.send?.('ready');
    logger.info(
      { port: api.address.port, embeddedDatabase: Boolean(api.database.embedded), startupMs: Math.round(performance.now() - started) },
      `ai-admin-data listening on port ${api.address.port}`,
    );
  } catch (error) {
    exitWithReason(logger, error);
  }
}

await main();
