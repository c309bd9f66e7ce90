/**
 * Deletes signal keys whose `expires_at` has passed (see key-expiry.ts for
 * which keys ever get one). Deletes run in batches of `batchSize` rows, each
 * its own short statement, so no lock is held for long; rows a live session
 * is writing at that moment are skipped (SKIP LOCKED) and the row's expiry is
 * checked again as it is deleted, so a key refreshed meanwhile survives.
 * A dry run counts what would go and deletes nothing.
 *
 * The job wrapper (src/jobs) adds the advisory lock, the job_runs record and
 * Sentry; this module is only the database work.
 */
import type pg from 'pg';
import type { Db } from '../db/prisma-client.js';
import { noopReporter } from '../observability/error-reporter.js';
import { poolSqlRunner, prismaSqlRunner, type SqlRunner } from './sql-runner.js';

export const KEY_CLEANUP_JOB_NAME = 'whatsapp-key-cleanup';

/**
 * SQL conditions on a job_runs row of this job, for "last cleanup": a run
 * with `--session X` cleaned only X, so it must not make the other sessions
 * look cleaned. The scope is `stats.sessionId` (written by the job from
 * KeyCleanupStats, null = all sessions); a row without the key predates
 * scoped runs and every such run covered all sessions.
 */
export const CLEANUP_COVERED_ALL_SESSIONS = "stats->>'sessionId' IS NULL";
/** As above, for one session: runs over all sessions or over this one. With the parameter null it equals CLEANUP_COVERED_ALL_SESSIONS. */
export const cleanupCoveredSession = (param: string) => `(stats->>'sessionId' IS NULL OR stats->>'sessionId' = ${param}::text)`;

export interface KeyCleanupOptions {
  dryRun: boolean;
  /** Only this session; all sessions when absent. */
  sessionId?: string | undefined;
  batchSize: number;
}

export interface KeyCleanupStats {
  [key: string]: unknown;
  dryRun: boolean;
  /** The run's scope, kept in job_runs.stats: null = all sessions (see CLEANUP_COVERED_ALL_SESSIONS). */
  sessionId: string | null;
  /** Keys with expires_at at or before this instant (the database clock at start). */
  cutoff: string;
  found: number;
  deleted: number;
  byType: Record<string, number>;
  batches: number;
  durationMs: number;
}

const NOW = 'SELECT now() AS now';
const COUNT_EXPIRED = `SELECT type, count(*)::int AS count FROM whatsapp_keys
WHERE expires_at <= $1::timestamptz AND ($2::text IS NULL OR session_id = $2) GROUP BY type ORDER BY type`;
const DELETE_BATCH = `WITH doomed AS (
  SELECT session_id, type, key_id FROM whatsapp_keys
  WHERE expires_at <= $1::timestamptz AND ($2::text IS NULL OR session_id = $2)
  LIMIT $3::int FOR UPDATE SKIP LOCKED
)
DELETE FROM whatsapp_keys AS w USING doomed AS d
WHERE w.session_id = d.session_id AND w.type = d.type AND w.key_id = d.key_id AND w.expires_at <= $1::timestamptz
RETURNING w.type`;

export async function cleanupExpiredKeys(target: { db: Db; pool?: pg.Pool | undefined }, options: KeyCleanupOptions): Promise<KeyCleanupStats> {
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1) throw new RangeError('batchSize must be a positive integer');
  // Failures are reported once by the job that runs this (src/jobs/run-exclusive-job.ts).
  const runner: SqlRunner = target.pool ? poolSqlRunner(target.pool) : prismaSqlRunner(target.db, { reporter: noopReporter });
  const started = performance.now();
  const cutoff = ((await runner.query<{ now: Date }>(NOW, []))[0]?.now ?? new Date()).toISOString();
  const sessionId = options.sessionId ?? null;

  const counts = await runner.query<{ type: string; count: number }>(COUNT_EXPIRED, [cutoff, sessionId]);
  const found = counts.reduce((sum, row) => sum + row.count, 0);
  const byType: Record<string, number> = {};
  let deleted = 0;
  let batches = 0;

  if (options.dryRun) {
    for (const row of counts) byType[row.type] = row.count;
  } else {
    for (;;) {
      const rows = await runner.query<{ type: string }>(DELETE_BATCH, [cutoff, sessionId, options.batchSize]);
      batches += 1;
      deleted += rows.length;
      for (const row of rows) byType[row.type] = (byType[row.type] ?? 0) + 1;
      if (rows.length < options.batchSize) break;
    }
  }
  return { dryRun: options.dryRun, sessionId, cutoff, found, deleted, byType, batches, durationMs: Math.round(performance.now() - started) };
}
