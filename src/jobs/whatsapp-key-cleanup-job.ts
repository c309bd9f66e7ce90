/** The expired WhatsApp key cleanup as a job: exclusive, recorded, reported. Used by the worker and the script. */
import type pg from 'pg';
import type { Db } from '../db/prisma-client.js';
import type { ErrorReporter } from '../observability/error-reporter.js';
import type { Logger } from '../observability/logger.js';
import { cleanupExpiredKeys, KEY_CLEANUP_JOB_NAME, type KeyCleanupOptions, type KeyCleanupStats } from '../whatsapp/key-cleanup.js';
import { runExclusiveJob, type JobOutcome } from './run-exclusive-job.js';

export interface KeyCleanupJobDeps {
  db: Db;
  pool: pg.Pool;
  /** Where the job lock connects (DIRECT_DATABASE_URL); absent: a connection of `pool`. */
  lockConnection?: pg.ClientConfig | undefined;
  logger: Logger;
  reporter: ErrorReporter;
}

export function runKeyCleanupJob(deps: KeyCleanupJobDeps, options: KeyCleanupOptions): Promise<JobOutcome<KeyCleanupStats>> {
  return runExclusiveJob({ ...deps, name: KEY_CLEANUP_JOB_NAME, dryRun: options.dryRun }, () => cleanupExpiredKeys(deps, options));
}
