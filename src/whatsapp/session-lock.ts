/**
 * One WhatsApp session, one process. Two sockets on the same creds race each
 * other's signal sessions and pre-keys and end in "Bad MAC" on both, so the
 * process that drives a session holds a PostgreSQL advisory lock for it on a
 * dedicated connection, for as long as the socket lives. PostgreSQL releases
 * it by itself if that process dies or its connection drops.
 *
 * A dedicated pg.Client, not a pool connection: a session lock lives as long
 * as the socket, and must not take one of the pool's few connections.
 */
import pg from 'pg';
import type { Logger } from '../observability/logger.js';
import { silentLogger } from '../observability/logger.js';

export class SessionLockedError extends Error {
  override readonly name = 'SessionLockedError';
}

export interface SessionLock {
  readonly sessionId: string;
  /** Resolves when the lock's connection is gone (the lock with it). */
  readonly lost: Promise<void>;
  release(): Promise<void>;
}

/** Lock key: one bigint per session id, in a namespace of its own. */
const LOCK_KEY = "hashtextextended('whatsapp-session:' || $1, 0)";

export async function acquireSessionLock(
  connection: pg.ClientConfig,
  sessionId: string,
  logger: Logger = silentLogger,
): Promise<SessionLock> {
  const client = new pg.Client({ ...connection, application_name: 'ai-admin-data-whatsapp-session-lock', keepAlive: true });
  let markLost: () => void = () => undefined;
  const lost = new Promise<void>((resolve) => (markLost = resolve));
  let released = false;
  client.on('error', (error) => logger.warn({ sessionId, code: (error as { code?: string }).code }, 'whatsapp session lock connection failed'));
  client.on('end', () => {
    if (!released) logger.error({ sessionId }, 'whatsapp session lock lost: its database connection ended');
    markLost();
  });
  await client.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(${LOCK_KEY}) AS locked`, [sessionId]);
    if (!rows[0]?.locked) throw new SessionLockedError(await describeHolder(client, sessionId));
  } catch (error) {
    released = true;
    await client.end().catch(() => undefined);
    throw error;
  }
  logger.info({ sessionId }, 'whatsapp session lock taken');
  return {
    sessionId,
    lost,
    async release() {
      if (released) return;
      released = true;
      await client.query(`SELECT pg_advisory_unlock(${LOCK_KEY})`, [sessionId]).catch(() => undefined);
      await client.end().catch(() => undefined);
    },
  };
}

/** Says who holds it: the operator's next question. */
async function describeHolder(client: pg.Client, sessionId: string): Promise<string> {
  const { rows } = await client.query<{ pid: number; application_name: string; backend_start: Date }>(
    `SELECT a.pid, a.application_name, a.backend_start
     FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
     WHERE l.locktype = 'advisory' AND l.granted
       AND ((l.classid::bigint << 32) | l.objid::bigint) = ${LOCK_KEY}`,
    [sessionId],
  );
  const holder = rows[0];
  const who = holder ? ` by database backend pid ${holder.pid} (${holder.application_name || 'no application name'}, connected ${holder.backend_start.toISOString()})` : '';
  return `WhatsApp session "${sessionId}" is already in use${who}; stop that process first, one session can be driven by one process only`;
}
