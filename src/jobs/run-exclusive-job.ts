/**
 * Runs a job at most once at a time across every worker: under its advisory
 * lock, recorded in job_runs (running -> succeeded / failed, or skipped when
 * another run holds the lock), failures logged and reported to Sentry. It
 * returns the outcome instead of throwing, so a scheduler keeps going and a
 * script can choose its exit code.
 */
import type pg from 'pg';
import type { Db } from '../db/prisma-client.js';
import type { ErrorReporter } from '../observability/error-reporter.js';
import type { Logger } from '../observability/logger.js';
import { withJobLock } from './advisory-lock.js';
import { recordJobEnd, recordJobSkipped, recordJobStart } from './job-runs.js';

export interface ExclusiveJobOptions {
  name: string;
  dryRun: boolean;
  db: Db;
  pool: pg.Pool;
  /** Where the job lock connects (DIRECT_DATABASE_URL); absent: a connection of `pool`. */
  lockConnection?: pg.ClientConfig | undefined;
  logger: Logger;
  reporter: ErrorReporter;
}

export type JobOutcome<T> =
  | { status: 'succeeded'; runId: number; stats: T }
  | { status: 'skipped'; runId: number | undefined }
  | { status: 'failed'; runId: number | undefined; error: unknown };

/** For job_runs.error and logs: the error's name and message, never a stack. */
export function describeJobError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 1_000);
  return 'unknown error';
}

export async function runExclusiveJob<T extends Record<string, unknown>>(options: ExclusiveJobOptions, job: () => Promise<T>): Promise<JobOutcome<T>> {
  const { name, dryRun, db, logger } = options;
  let runId: number | undefined;
  try {
    const locked = await withJobLock(options.lockConnection ?? options.pool, name, async () => {
      runId = await recordJobStart(db, name, dryRun);
      logger.info({ job: name, runId, dryRun }, 'job started');
      const stats = await job();
      await recordJobEnd(db, runId, { status: 'succeeded', stats });
      logger.info({ job: name, runId, dryRun, stats }, 'job succeeded');
      return stats;
    });
    if (locked.acquired) return { status: 'succeeded', runId: runId as number, stats: locked.result };
    const skippedId = await recordJobSkipped(db, name, dryRun, 'another run holds the job lock');
    logger.info({ job: name, runId: skippedId }, 'job skipped: another run holds the job lock');
    return { status: 'skipped', runId: skippedId };
  } catch (error) {
    const message = describeJobError(error);
    logger.error({ job: name, runId, dryRun, error: message }, 'job failed');
    options.reporter.report(error, { component: 'jobs', operation: name, tags: { job: name, dry_run: dryRun }, context: { runId: runId ?? null } });
    if (runId !== undefined) {
      const id = runId;
      await recordJobEnd(db, id, { status: 'failed', error: message }).catch(() => undefined);
    }
    return { status: 'failed', runId, error };
  }
}
