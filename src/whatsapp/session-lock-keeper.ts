/**
 * Keeps this process's WhatsApp session lock (session-lock.ts) across
 * database restarts. The lock lives on one connection; when that connection
 * goes (a restart, a failover, a terminated backend), PostgreSQL frees the
 * lock and another process could take the session. So the socket must stop
 * at once (`onLost`), but the service should not: the keeper retries taking
 * the lock with capped exponential backoff and, once it holds it again,
 * hands it back (`onReacquired`) so the socket can be restarted.
 *
 * Kept apart from Baileys so the loop can be tested against a real
 * PostgreSQL without connecting to WhatsApp; the sleep is injectable.
 */
import type { ErrorReporter } from '../observability/error-reporter.js';
import type { Logger } from '../observability/logger.js';
import type { SessionLock } from './session-lock.js';

export interface SessionLockKeeperOptions {
  sessionId: string;
  /** Takes the lock (throws SessionLockedError when another process holds it). */
  acquire: () => Promise<SessionLock>;
  /** Called once the lock is lost, before any retry: stop driving the session. Awaited. */
  onLost: () => void | Promise<void>;
  /** Called each time the lock is held again after a loss: the caller may drive the session again. Awaited. */
  onReacquired: (lock: SessionLock) => void | Promise<void>;
  logger: Logger;
  reporter: ErrorReporter;
  /** First retry delay; doubles per failed attempt up to maxDelayMs. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Waits `ms`, or less when `signal` aborts (stop()). Injectable for tests. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export interface SessionLockKeeper {
  /** True while this process holds the session's lock. */
  held(): boolean;
  /** Stops retrying and releases the lock if held; for good. */
  stop(): Promise<void>;
}

export const DEFAULT_INITIAL_DELAY_MS = 1_000;
export const DEFAULT_MAX_DELAY_MS = 60_000;

/** Capped exponential backoff: initial, 2x, 4x, ... up to max. */
export function backoffDelay(attempt: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, initialMs * 2 ** attempt);
}

export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Takes the lock now (so a session already in use fails the start, as before)
 * and keeps taking it back after each loss until stop().
 */
export async function startSessionLockKeeper(options: SessionLockKeeperOptions): Promise<SessionLockKeeper> {
  const { sessionId, logger, reporter } = options;
  const initialMs = options.initialDelayMs ?? DEFAULT_INITIAL_DELAY_MS;
  const maxMs = options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
  const sleep = options.sleep ?? abortableSleep;
  const stopping = new AbortController();

  let lock: SessionLock | undefined = await options.acquire();

  const reacquire = async (): Promise<SessionLock | undefined> => {
    for (let attempt = 0; !stopping.signal.aborted; attempt += 1) {
      try {
        const taken = await options.acquire();
        if (!stopping.signal.aborted) return taken;
        // stop() came while we were connecting: give it straight back.
        await taken.release();
        return undefined;
      } catch (error) {
        const delayMs = backoffDelay(attempt, initialMs, maxMs);
        // Expected while the database restarts or another process holds the session: logged, not reported.
        logger.warn(
          { sessionId, attempt: attempt + 1, delayMs, reason: error instanceof Error ? error.name : 'unknown' },
          'whatsapp session lock not taken back yet, retrying',
        );
        await sleep(delayMs, stopping.signal);
      }
    }
    return undefined;
  };

  const keep = async () => {
    while (lock && !stopping.signal.aborted) {
      await lock.lost;
      if (stopping.signal.aborted) return;
      lock = undefined;
      const error = new Error('WhatsApp session lock lost: socket stopped until the lock is taken back, so that no second process drives the session');
      logger.error({ sessionId }, error.message);
      reporter.report(error, { component: 'whatsapp', operation: 'session-lock', tags: { session_id: sessionId } });
      await options.onLost();
      const taken = await reacquire();
      if (!taken) return;
      if (stopping.signal.aborted) {
        await taken.release();
        return;
      }
      lock = taken;
      logger.info({ sessionId }, 'whatsapp session lock taken back');
      await options.onReacquired(taken);
    }
  };
  const loop = keep().catch((error: unknown) => {
    // A throwing callback would otherwise leave the session silently unmanaged.
    logger.error({ sessionId }, 'whatsapp session lock keeper failed');
    reporter.report(error, { component: 'whatsapp', operation: 'session-lock', tags: { session_id: sessionId } });
  });

  return {
    held: () => lock !== undefined,
    async stop() {
      if (stopping.signal.aborted) return;
      stopping.abort();
      const current = lock;
      lock = undefined;
      await current?.release();
      await loop;
    },
  };
}
