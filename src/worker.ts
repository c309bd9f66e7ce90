/**
 * The worker process: background jobs, no HTTP. Today one job: the expired
 * WhatsApp key cleanup, every CLEANUP_INTERVAL_HOURS (and once at start),
 * under a PostgreSQL advisory lock so any number of workers run it once.
 * Started with `node --import ./dist/instrument.js dist/worker.js`; the import
 * below keeps Sentry first when it is run any other way.
 */
import './instrument.js';
import { loadConfig } from './config.js';
import { createLogger } from './observability/logger.js';
import { sentryReporter } from './observability/error-reporter.js';
import { openDatabase } from './db/database.js';
import { createShutdown, exitWithReason } from './lifecycle.js';
import { exitOnSignals } from './shutdown-signals.js';
import { assertOwnSessions } from './db/session-probe.js';
import { scheduleEvery } from './jobs/scheduler.js';
import { runKeyCleanupJob } from './jobs/whatsapp-key-cleanup-job.js';

const HOUR_MS = 60 * 60 * 1000;

async function main(): Promise<void> {
  let logger = createLogger({ name: 'ai-admin-data-worker' });
  try {
    const config = loadConfig();
    logger = createLogger({ name: 'ai-admin-data-worker', level: config.LOG_LEVEL, format: config.LOG_FORMAT });
    const database = await openDatabase({ config, logger, reporter: sentryReporter, applicationName: 'ai-admin-data-worker' });
    // Behind a transaction-mode pooler the job lock would exclude no one: refuse at start rather than run the job twice.
    await assertOwnSessions(
      database.lockConnection ?? database.pool.options,
      "the worker's job lock (a session-level advisory lock)",
      database.lockConnection ? 'DIRECT_DATABASE_URL' : 'DATABASE_URL',
    ).catch(async (error: unknown) => {
      await database.close();
      throw error;
    });
    const deps = { db: database.db, pool: database.pool, lockConnection: database.lockConnection, logger, reporter: sentryReporter };
    const cleanup = scheduleEvery({
      name: 'whatsapp-key-cleanup',
      intervalMs: Math.round(config.CLEANUP_INTERVAL_HOURS * HOUR_MS),
      runAtStart: true,
      logger,
      run: () => runKeyCleanupJob(deps, { dryRun: false, batchSize: config.CLEANUP_BATCH_SIZE }),
    });
    const shutdown = createShutdown(
      logger,
      [
        { name: 'scheduler', run: () => cleanup.stop() },
        { name: 'database', run: () => database.close() },
      ],
      config.SENTRY_FLUSH_TIMEOUT_MS,
    );
    exitOnSignals({ logger, shutdown });
    logger.info({ cleanupIntervalHours: config.CLEANUP_INTERVAL_HOURS, embeddedDatabase: Boolean(database.embedded) }, 'worker started');
  } catch (error) {
    exitWithReason(logger, error);
  }
}

await main();
