/**
 * Database facts for /metrics that only the database knows: WhatsApp keys by
 * type (and how many are expired) and when the key cleanup last succeeded.
 *
 * Read at scrape time, so the figures are never stale by more than one scrape,
 * but cheaply: one round trip per scrape (the gauges of one scrape share it),
 * a short cache for scrapers that poll often, and a hard time bound, because a
 * scrape must still answer when the database is slow or gone.
 */
import type pg from 'pg';
import { withTimeout } from '../async/with-timeout.js';
import { CLEANUP_COVERED_ALL_SESSIONS, KEY_CLEANUP_JOB_NAME } from '../whatsapp/key-cleanup.js';

export interface WhatsappKeyCount {
  type: string;
  total: number;
  expired: number;
}

export interface DatabaseSnapshot {
  ok: boolean;
  keys: WhatsappKeyCount[];
  /** Unix seconds of the last successful, non-dry-run cleanup of all sessions (a `--session` run does not count); undefined if none. */
  lastCleanupSeconds: number | undefined;
}

export interface SnapshotReaderOptions {
  /** Longest a scrape waits for the database before answering without these figures. */
  timeoutMs: number;
  /** Scrapes within this window reuse the previous read. */
  cacheMs: number;
  now?: () => number;
}

const KEYS_SQL = `
  SELECT type,
         count(*)::int AS total,
         count(*) FILTER (WHERE expires_at IS NOT NULL AND expires_at <= now())::int AS expired
    FROM whatsapp_keys
   GROUP BY type`;

const LAST_CLEANUP_SQL = `
  SELECT extract(epoch FROM finished_at)::float8 AS finished
    FROM job_runs
   WHERE job_name = $1 AND status = 'succeeded' AND NOT dry_run AND finished_at IS NOT NULL
     AND ${CLEANUP_COVERED_ALL_SESSIONS}
   ORDER BY started_at DESC
   LIMIT 1`;

/** Key types become label values: only short, plain names pass, anything else is counted as "other". */
export function keyTypeLabel(type: string): string {
  return /^[a-z][a-z0-9-]{0,39}$/.test(type) ? type : 'other';
}

const FAILED: DatabaseSnapshot = { ok: false, keys: [], lastCleanupSeconds: undefined };

async function readSnapshot(pool: pg.Pool): Promise<DatabaseSnapshot> {
  const [keys, cleanup] = await Promise.all([
    pool.query<{ type: string; total: number; expired: number }>(KEYS_SQL),
    pool.query<{ finished: number | null }>(LAST_CLEANUP_SQL, [KEY_CLEANUP_JOB_NAME]),
  ]);
  const byLabel = new Map<string, WhatsappKeyCount>();
  for (const row of keys.rows) {
    const type = keyTypeLabel(row.type);
    const entry = byLabel.get(type) ?? { type, total: 0, expired: 0 };
    entry.total += row.total;
    entry.expired += row.expired;
    byLabel.set(type, entry);
  }
  const finished = cleanup.rows[0]?.finished;
  return { ok: true, keys: [...byLabel.values()], lastCleanupSeconds: typeof finished === 'number' ? finished : undefined };
}

/** Returns a function that never rejects: on failure or timeout it answers `{ ok: false }`. */
export function createSnapshotReader(pool: pg.Pool, options: SnapshotReaderOptions): () => Promise<DatabaseSnapshot> {
  const now = options.now ?? Date.now;
  let inFlight: Promise<DatabaseSnapshot> | undefined;
  let last: { at: number; snapshot: DatabaseSnapshot } | undefined;
  return () => {
    if (last && now() - last.at < options.cacheMs) return Promise.resolve(last.snapshot);
    inFlight ??= withTimeout(readSnapshot(pool), options.timeoutMs, 'metrics database read timed out')
      .catch(() => FAILED)
      .then((snapshot) => {
        // A failed read is not cached: the next scrape tries again.
        last = snapshot.ok ? { at: now(), snapshot } : undefined;
        inFlight = undefined;
        return snapshot;
      });
    return inFlight;
  };
}
