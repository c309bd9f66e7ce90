/**
 * What the WhatsApp store looks like right now: auth records, keys (total, by
 * type, expired), the oldest and newest key update, the legacy file count
 * when a folder is configured, the last cleanup, and a status from the
 * configured thresholds. Read by GET /health/whatsapp and by operators.
 */
import type pg from 'pg';
import type { Db } from '../db/prisma-client.js';
import { sentryReporter, type ErrorReporter } from '../observability/error-reporter.js';
import { silentLogger, type Logger } from '../observability/logger.js';
import { poolSqlRunner, prismaSqlRunner, type SqlRunner } from './sql-runner.js';
import { reportedOperation } from './auth-reporting.js';
import { classifyHealth, type HealthStatus, type HealthThresholds } from './health-thresholds.js';
import { countAuthFiles } from './file-monitor.js';
import { cleanupCoveredSession, KEY_CLEANUP_JOB_NAME } from './key-cleanup.js';

export interface KeyTypeStats {
  total: number;
  expired: number;
}

export interface AuthStateStats {
  authRecords: number;
  totalKeys: number;
  expiredKeys: number;
  keysByType: Record<string, KeyTypeStats>;
  oldestKeyUpdate: string | null;
  newestKeyUpdate: string | null;
}

export interface SessionHealthReport extends AuthStateStats {
  status: HealthStatus;
  /** null = all sessions. */
  sessionId: string | null;
  /** Present only when BAILEYS_AUTH_DIR is configured. */
  fileCount?: number;
  lastCleanupAt: string | null;
  thresholds: HealthThresholds;
}

export interface SessionHealthOptions {
  db: Db;
  pool?: pg.Pool | undefined;
  thresholds: HealthThresholds;
  authDir?: string | undefined;
  reporter?: ErrorReporter | undefined;
  logger?: Logger | undefined;
}

export interface SessionHealth {
  checkSessionHealth(sessionId?: string): Promise<SessionHealthReport>;
  getAuthStateStats(): Promise<AuthStateStats>;
}

const KEY_STATS = `SELECT type, count(*)::int AS total, (count(*) FILTER (WHERE expires_at <= now()))::int AS expired,
  min(updated_at) AS oldest, max(updated_at) AS newest
FROM whatsapp_keys WHERE ($1::text IS NULL OR session_id = $1) GROUP BY type ORDER BY type`;
const AUTH_COUNT = 'SELECT count(*)::int AS count FROM whatsapp_auth WHERE ($1::text IS NULL OR session_id = $1)';
// With no session asked ($2 null) only runs over all sessions count (`= NULL` is never true); with one, also runs over that one.
const LAST_CLEANUP = `SELECT max(finished_at) AS at FROM job_runs
WHERE job_name = $1 AND status = 'succeeded' AND NOT dry_run AND ${cleanupCoveredSession('$2')}`;

const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : null);

export function createSessionHealth(options: SessionHealthOptions): SessionHealth {
  const deps = { reporter: options.reporter ?? sentryReporter, logger: options.logger ?? silentLogger };
  const runner: SqlRunner = options.pool ? poolSqlRunner(options.pool) : prismaSqlRunner(options.db, deps);

  const stats = (sessionId: string | null): Promise<AuthStateStats> =>
    reportedOperation(deps, 'getStats', sessionId ?? undefined, {}, async () => {
      const [byType, auth] = await Promise.all([
        runner.query<{ type: string; total: number; expired: number; oldest: Date; newest: Date }>(KEY_STATS, [sessionId]),
        runner.query<{ count: number }>(AUTH_COUNT, [sessionId]),
      ]);
      const keysByType: Record<string, KeyTypeStats> = {};
      let oldest: Date | undefined;
      let newest: Date | undefined;
      for (const row of byType) {
        keysByType[row.type] = { total: row.total, expired: row.expired };
        if (!oldest || row.oldest < oldest) oldest = row.oldest;
        if (!newest || row.newest > newest) newest = row.newest;
      }
      return {
        authRecords: auth[0]?.count ?? 0,
        totalKeys: byType.reduce((sum, row) => sum + row.total, 0),
        expiredKeys: byType.reduce((sum, row) => sum + row.expired, 0),
        keysByType,
        oldestKeyUpdate: iso(oldest),
        newestKeyUpdate: iso(newest),
      };
    });

  return {
    getAuthStateStats: () => stats(null),
    async checkSessionHealth(sessionId) {
      const [current, lastCleanup, fileCount] = await Promise.all([
        stats(sessionId ?? null),
        runner.query<{ at: Date | null }>(LAST_CLEANUP, [KEY_CLEANUP_JOB_NAME, sessionId ?? null]),
        options.authDir === undefined ? Promise.resolve(undefined) : countAuthFiles(options.authDir),
      ]);
      return {
        status: classifyHealth({ expiredKeys: current.expiredKeys, fileCount }, options.thresholds),
        sessionId: sessionId ?? null,
        ...current,
        ...(fileCount === undefined ? {} : { fileCount }),
        lastCleanupAt: iso(lastCleanup[0]?.at),
        thresholds: options.thresholds,
      };
    },
  };
}
