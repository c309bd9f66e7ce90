import '../src/instrument.js';
/**
 * `npm run cleanup:whatsapp-keys -- [--dry-run] [--session ID] [--batch-size N]`
 * Deletes WhatsApp signal keys whose expiry has passed, in batches, under the
 * same advisory lock as the worker (a run that finds it taken says so and
 * exits 0 without touching anything), recorded in job_runs. Prints what it
 * found and deleted per type. Exits non-zero on failure.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { createLogger } from '../src/observability/logger.js';
import { sentryReporter } from '../src/observability/error-reporter.js';
import { runKeyCleanupJob } from '../src/jobs/whatsapp-key-cleanup-job.js';
import { describeJobError } from '../src/jobs/run-exclusive-job.js';
import { runScript } from './cli/run-script.js';

const USAGE = 'usage: cleanup-whatsapp-keys [--dry-run] [--session ID] [--batch-size N]';

function parseCommandLine(defaultBatchSize: number) {
  const { values } = parseArgs({
    options: { 'dry-run': { type: 'boolean', default: false }, session: { type: 'string' }, 'batch-size': { type: 'string' }, help: { type: 'boolean' } },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const batchSize = values['batch-size'] === undefined ? defaultBatchSize : Number(values['batch-size']);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`--batch-size must be a positive integer\n${USAGE}`);
  if (values.session === '') throw new Error(`--session needs a session id\n${USAGE}`);
  return { dryRun: values['dry-run'], sessionId: values.session, batchSize };
}

async function main(): Promise<number> {
  const config = loadConfig();
  const options = parseCommandLine(config.CLEANUP_BATCH_SIZE);
  const logger = createLogger({ name: 'cleanup-whatsapp-keys', level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL });
  const database = await openDatabase({ config, logger, reporter: sentryReporter, applicationName: 'ai-admin-data-cleanup' });
  try {
    const outcome = await runKeyCleanupJob({ db: database.db, pool: database.pool, lockConnection: database.lockConnection, logger, reporter: sentryReporter }, options);
    if (outcome.status === 'skipped') {
      process.stdout.write('another cleanup is running (job lock held); nothing done\n');
      return 0;
    }
    if (outcome.status === 'failed') {
      process.stderr.write(`cleanup failed: ${describeJobError(outcome.error)}\n`);
      return 1;
    }
    const stats = outcome.stats;
    const scope = stats.sessionId === null ? 'all sessions' : `session "${stats.sessionId}"`;
    const lines = [
      `${stats.dryRun ? 'DRY RUN: nothing deleted. ' : ''}expired WhatsApp keys (${scope}, expired at or before ${stats.cutoff})`,
      `  found:    ${stats.found}`,
      `  ${stats.dryRun ? 'would delete' : 'deleted'}: ${stats.dryRun ? stats.found : stats.deleted}${stats.dryRun ? '' : ` in ${stats.batches} batch(es) of up to ${options.batchSize}`}`,
      ...Object.entries(stats.byType).map(([type, count]) => `    ${type}: ${count}`),
      `  duration: ${stats.durationMs} ms (job run ${outcome.runId})`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    await database.close();
  }
}

await runScript('cleanup-whatsapp-keys', main);
