/**
 * Jobs that must run once across all workers (key cleanup) take a
 * PostgreSQL advisory lock for their whole run: any number of workers can be
 * started, and one that finds the lock taken skips instead of waiting. The
 * lock is session-level, so PostgreSQL frees it if the worker dies.
 *
 * It lives on one server session for the run: a pool connection held for the
 * run, or, given connection settings (DIRECT_DATABASE_URL), a connection of its
 * own. The second is the one to use behind a transaction-mode PgBouncer, where
 * lock and unlock could otherwise land on different server sessions.
 */
import pg from 'pg';

/** One bigint per job name, in a namespace apart from the WhatsApp session locks. */
const LOCK_KEY = "hashtextextended('job:' || $1, 0)";

export type LockedRun<T> = { acquired: true; result: T } | { acquired: false };

/** The pool to borrow a connection from, or settings for a connection of the lock's own. */
export type JobLockSource = pg.Pool | pg.ClientConfig;

interface LockSession {
  client: pg.ClientBase;
  /** Gives the session back; `broken` drops it (and the lock with it). */
  done(broken: boolean): Promise<void>;
}

async function openLockSession(source: JobLockSource, jobName: string): Promise<LockSession> {
  if (source instanceof pg.Pool) {
    const client = await source.connect();
    return { client, done: async (broken) => client.release(broken) };
  }
  const client = new pg.Client({ ...source, application_name: 'ai-admin-data-job-lock' });
  // An error on an idle lock connection must not crash the worker; the run's own queries report theirs.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new Error(`could not open the lock connection for job ${jobName}: ${(error as { code?: string }).code ?? 'connection failed'}`, { cause: error });
  }
  return { client, done: () => client.end().catch(() => undefined) };
}

export async function withJobLock<T>(source: JobLockSource, jobName: string, fn: () => Promise<T>): Promise<LockedRun<T>> {
  const session = await openLockSession(source, jobName);
  let broken = false;
  try {
    const { rows } = await session.client.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(${LOCK_KEY}) AS locked`, [jobName]);
    if (!rows[0]?.locked) return { acquired: false };
    try {
      return { acquired: true, result: await fn() };
    } finally {
      const unlocked = await session.client
        .query<{ unlocked: boolean }>(`SELECT pg_advisory_unlock(${LOCK_KEY}) AS unlocked`, [jobName])
        .then((result) => result.rows[0]?.unlocked === true)
        .catch(() => false);
      // Not unlocked: the statement failed, or it ran on a session that did not hold the lock (a
      // transaction-mode pooler in between). Dropping the connection releases a lock it holds.
      if (!unlocked) broken = true;
    }
  } finally {
    await session.done(broken);
  }
}
