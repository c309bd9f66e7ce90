import '../src/instrument.js';
/**
 * `npm run cleanup:whatsapp-keys -- [--dry-run] [--session ID] [--batch-size N]`
 * Deletes WhatsApp signal keys whose expiry has passed, in batches, under the
 * same advisory lock as the worker (a run that finds it taken says so and
 * exits 0 without touching anything), recorded in job_runs. Prints what it
 * found and deleted per type. Exits non-zero on failure.
 */
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { createLogger } from '../src/observability/logger.js';
import { sentryReporter } from '../src/observability/error-reporter.js';
import { runKeyCleanupJob } from '../src/jobs/whatsapp-key-cleanup-job.js';
import { describeJobError } from '../src/jobs/run-exclusive-job.js';
import { runScript } from './cli/run-script.js';
import { integerOption, parseCommandLine, UsageError } from './cli/command-line.js';
import { createProgress } from './cli/progress.js';

const options = parseCommandLine(
  {
    invocation: 'npm run cleanup:whatsapp-keys --',
    summary:
      'Deletes WhatsApp signal keys whose expiry has passed, in batches, under the same advisory lock as the worker ' +
      '(if another run holds it, says so and exits 0 without touching anything). Each run is recorded in job_runs.',
    options: {
      'dry-run': { type: 'boolean', default: false, description: 'count what would be deleted, delete nothing' },
      session: { type: 'string', valueName: 'ID', description: 'only this session (default: all sessions)' },
      'batch-size': { type: 'string', valueName: 'N', description: 'keys deleted per statement (default: CLEANUP_BATCH_SIZE, 1000)' },
    },
    notes: ['exit codes: 0 done (or another run holds the lock), 1 failed, 2 wrong invocation'],
  },
  (values) => {
    if (values.session !== undefined && values.session.trim() === '') throw new UsageError('--session needs a session id');
    return {
      dryRun: values['dry-run'] === true,
      sessionId: values.session,
      batchSize: values['batch-size'] === undefined ? undefined : integerOption(values['batch-size'], 'batch-size', 1),
    };
  },
);

async function main(): Promise<number> {
  const config = loadConfig();
  const jobOptions = { dryRun: options.dryRun, sessionId: options.sessionId, batchSize: options.batchSize ?? config.CLEANUP_BATCH_SIZE };
  const logger = createLogger({ name: 'cleanup-whatsapp-keys', level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL });
  const progress = createProgress('cleanup:whatsapp-keys');
  const database = await openDatabase({ config, logger, reporter: sentryReporter, applicationName: 'ai-admin-data-cleanup' });
  try {
    progress.step(`${jobOptions.dryRun ? 'counting' : 'deleting'} expired keys (batches of ${jobOptions.batchSize})`);
    const outcome = await runKeyCleanupJob({ db: database.db, pool: database.pool, lockConnection: database.lockConnection, logger, reporter: sentryReporter }, jobOptions);
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
      `  ${stats.dryRun ? 'would delete' : 'deleted'}: ${stats.dryRun ? stats.found : stats.deleted}${stats.dryRun ? '' : ` in ${stats.batches} batch(es) of up to ${jobOptions.batchSize}`}`,
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
