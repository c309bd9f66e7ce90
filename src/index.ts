/**
 * The API process. Started with `node --import ./dist/instrument.js dist/index.js`;
 * the import below keeps Sentry first when it is run any other way.
 * Everything is built by composeApi; this file only handles signals and the
 * one-line exit reasons (port taken, database unreachable, bad configuration).
 */
import { envFile } from './instrument.js';
import path from 'node:path';
import { loadConfig } from './config.js';
import { createLogger } from './observability/logger.js';
import { sentryReporter } from './observability/error-reporter.js';
import { composeApi } from './api/compose-api.js';
import { exitWithReason } from './lifecycle.js';
import { exitOnSignals } from './shutdown-signals.js';
import { describeDatabase, listenUrl, nextStep, startBanner } from './api/start-banner.js';

async function main(): Promise<void> {
  const started = performance.now();
  let logger = createLogger();
  try {
    const config = loadConfig();
    logger = createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT });
    if (envFile.file) logger.info({ envFile: envFile.file, applied: envFile.applied, keptFromEnvironment: envFile.keptFromEnvironment }, 'env file loaded');
    // Extra routers (the WhatsApp health router, data-layer routes) are passed
    // here as composeApi's `extraRouters` option.
    const api = await composeApi(config, logger, sentryReporter);
    exitOnSignals({ logger, shutdown: api.shutdown });
    // PM2 (wait_ready) hands traffic over to this process, and stops the old one, only after this:
    // the port is listening and the database answered.
    process.send?.('ready');
    const startupMs = Math.round(performance.now() - started);
    const url = listenUrl(config.HOST, api.address.port);
    // Plain text only for a person: a log collector reading JSON lines gets the same facts as fields instead.
    const forPerson = config.LOG_FORMAT === 'pretty' || Boolean(process.stdout.isTTY);
    logger.info(
      { port: api.address.port, url, embeddedDatabase: Boolean(api.database.embedded), startupMs, ...(forPerson ? {} : { routes: api.routes, next: nextStep(url) }) },
      `ai-admin-data listening on port ${api.address.port}`,
    );
    if (forPerson) {
      process.stdout.write(
        startBanner({
          url,
          routes: api.routes,
          database: describeDatabase(config, api.database),
          startupMs,
          envFile: envFile.file ? { file: path.relative(process.cwd(), envFile.file) || envFile.file, keys: envFile.applied.length } : undefined,
        }),
      );
    }
  } catch (error) {
    exitWithReason(logger, error);
  }
}

await main();
