/**
 * The session lock keeper against a real PostgreSQL: the lock's backend is
 * terminated (what a database restart does to it) and the keeper must take
 * the lock back, with capped exponential backoff while it cannot.
 */
import { createTestStack, type TestStack } from '../helpers/test-stack.js';
import { waitFor } from '../helpers/wait-for.js';
import { acquireSessionLock, SessionLockedError, type SessionLock } from '../../src/whatsapp/session-lock.js';
import { abortableSleep, startSessionLockKeeper, type SessionLockKeeper, type SessionLockKeeperOptions } from '../../src/whatsapp/session-lock-keeper.js';
import { silentLogger } from '../../src/observability/logger.js';
import type { ErrorReport, ErrorReporter } from '../../src/observability/error-reporter.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await createTestStack();
});
afterAll(async () => {
  await stack?.close();
});

const connection = () => ({ connectionString: stack.database.url });

/** Terminates the backend holding the session's advisory lock, as a database restart would; returns its pid. */
async function terminateLockHolder(sessionId: string): Promise<number> {
  const { rows } = await stack.pool.query<{ pid: number }>(
    `SELECT l.pid, pg_terminate_backend(l.pid) FROM pg_locks l
     WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
       AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended('whatsapp-session:' || $1, 0)`,
    [sessionId],
  );
  expect(rows).toHaveLength(1);
  return rows[0]?.pid ?? 0;
}

/** Takes the session for a competing process, polling while the terminated backend is still letting go of it. */
async function takeAsCompetitor(sessionId: string): Promise<SessionLock> {
  let lock: SessionLock | undefined;
  await waitFor(async () => {
    lock = await acquireSessionLock(connection(), sessionId).catch((error: unknown) => {
      if (error instanceof SessionLockedError) return undefined;
      throw error;
    });
    return lock !== undefined;
  });
  return lock as SessionLock;
}

function keeperOptions(sessionId: string, overrides: Partial<SessionLockKeeperOptions> = {}) {
  const events: string[] = [];
  const reports: ErrorReport[] = [];
  const reporter: ErrorReporter = { report: (_error, report) => void reports.push(report) };
  const options: SessionLockKeeperOptions = {
    sessionId,
    acquire: () => acquireSessionLock(connection(), sessionId),
    onLost: () => void events.push('lost'),
    onReacquired: () => void events.push('reacquired'),
    logger: silentLogger,
    reporter,
    initialDelayMs: 10,
    maxDelayMs: 40,
    ...overrides,
  };
  return { options, events, reports };
}

describe('startSessionLockKeeper', () => {
  test('when the lock connection is terminated, then the socket is stopped and the lock is taken again, each time', async () => {
    const { options, events, reports } = keeperOptions('keeper-1');
    const keeper = await startSessionLockKeeper(options);
    try {
      expect(keeper.held()).toBe(true);

      const firstPid = await terminateLockHolder('keeper-1');
      await waitFor(() => events.length === 2);
      expect(events).toEqual(['lost', 'reacquired']);
      expect(keeper.held()).toBe(true);
      await expect(acquireSessionLock(connection(), 'keeper-1')).rejects.toThrow(SessionLockedError);
      const secondPid = await terminateLockHolder('keeper-1');
      await waitFor(() => events.length === 4);

      expect(secondPid).not.toBe(firstPid);
      expect(events).toEqual(['lost', 'reacquired', 'lost', 'reacquired']);
      expect(keeper.held()).toBe(true);
      await expect(acquireSessionLock(connection(), 'keeper-1')).rejects.toThrow(SessionLockedError);
      expect(reports.map((r) => [r.component, r.operation])).toEqual([
        ['whatsapp', 'session-lock'],
        ['whatsapp', 'session-lock'],
      ]);
    } finally {
      await keeper.stop();
    }
    const after = await acquireSessionLock(connection(), 'keeper-1');
    await after.release();
  });

  test('when another process holds the session after the loss, then it retries with doubling delays up to the cap and takes it once free', async () => {
    let competitor: SessionLock | undefined;
    const delays: number[] = [];
    const { options, events } = keeperOptions('keeper-2', {
      onLost: async () => {
        competitor = await takeAsCompetitor('keeper-2');
      },
      sleep: async (ms, signal) => {
        delays.push(ms);
        if (delays.length === 5) await competitor?.release();
        await abortableSleep(1, signal);
      },
    });
    const keeper = await startSessionLockKeeper(options);
    try {
      await terminateLockHolder('keeper-2');
      await waitFor(() => events.includes('reacquired'));

      expect(delays).toEqual([10, 20, 40, 40, 40]);
      expect(keeper.held()).toBe(true);
      await expect(acquireSessionLock(connection(), 'keeper-2')).rejects.toThrow(SessionLockedError);
    } finally {
      await keeper.stop();
      await competitor?.release();
    }
  });

  test('when stopped while retrying, then it gives up for good and leaves the session free', async () => {
    let competitor: SessionLock | undefined;
    let keeper: SessionLockKeeper | undefined;
    let stopping: Promise<void> | undefined;
    const { options, events } = keeperOptions('keeper-3', {
      onLost: async () => {
        competitor = await takeAsCompetitor('keeper-3');
      },
      sleep: (ms, signal) => {
        stopping ??= keeper?.stop();
        return abortableSleep(ms, signal);
      },
    });
    keeper = await startSessionLockKeeper(options);

    await terminateLockHolder('keeper-3');
    await waitFor(() => stopping !== undefined);
    await stopping;
    await competitor?.release();

    // onLost is the competitor's here: no event means onReacquired never ran.
    expect(events).toEqual([]);
    expect(keeper.held()).toBe(false);
    const after = await acquireSessionLock(connection(), 'keeper-3');
    await after.release();
  });

  test('when stopped while holding the lock, then the lock is released and not taken again', async () => {
    const { options, events } = keeperOptions('keeper-4');
    const keeper = await startSessionLockKeeper(options);

    await keeper.stop();

    expect(keeper.held()).toBe(false);
    expect(events).toEqual([]);
    const after = await acquireSessionLock(connection(), 'keeper-4');
    await after.release();
  });

  test('when the session is in use at start, then starting fails as before', async () => {
    const holder = await acquireSessionLock(connection(), 'keeper-5');
    try {
      await expect(startSessionLockKeeper(keeperOptions('keeper-5').options)).rejects.toThrow(SessionLockedError);
    } finally {
      await holder.release();
    }
  });
});
