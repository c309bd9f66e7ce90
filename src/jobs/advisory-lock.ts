/**
 * Jobs that must run once across all workers (key cleanup) take a
 * PostgreSQL advisory lock for their whole run: any number of workers can be
 * started, and one that finds the lock taken skips instead of waiting. The
 * lock is session-level on one pooled connection held for the run;
 * PostgreSQL frees it if the worker dies.
 */
import type pg from 'pg';

/** One bigint per job name, in a namespace apart from the WhatsApp session locks. */
const LOCK_KEY = "hashtextextended('job:' || $1, 0)";

export type LockedRun<T> = { acquired: true; result: T } | { acquired: false };

export async function withJobLock<T>(pool: pg.Pool, jobName: string, fn: () => Promise<T>): Promise<LockedRun<T>> {
  const client = await pool.connect();
  let broken = false;
  try {
    const { rows } = await client.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(${LOCK_KEY}) AS locked`, [jobName]);
    if (!rows[0]?.locked) return { acquired: false };
    try {
      return { acquired: true, result: await fn() };
    } finally {
      await client.query(`SELECT pg_advisory_unlock(${LOCK_KEY})`, [jobName]).catch(() => {
        // Could not unlock: drop the connection, which releases the lock with it.
        broken = true;
      });
    }
  } finally {
    client.release(broken);
  }
}
