/**
 * Tells whether a connection string reaches PostgreSQL sessions of its own
 * (a direct connection, or a session-mode pooler) or goes through a
 * transaction-mode pooler such as PgBouncer, where consecutive statements of
 * one client can run on different server sessions and one server session
 * serves many clients. Session-level state (advisory locks, SET) is then not
 * the client's: a lock taken by one statement may be "released" by a statement
 * on another session, and every later try on the first one fails.
 *
 * The probe marks one server session with a random token (a session-level
 * custom setting) from a first client, then asks a second client and the first
 * one again what they see, a few times. Own sessions: the second never sees
 * the token and the first always does. Transaction pooling: the second client
 * is handed the marked session (PgBouncer reuses the most recently freed one by
 * default), or the first loses it (round robin). Costs two connections and a
 * handful of statements; run at start, not per operation.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';

export type SessionKind = 'own-sessions' | 'shared-sessions';

const ROUNDS = 3;
const SETTING = 'ai_admin_data.session_probe';

export async function probeSessions(connection: pg.ClientConfig): Promise<SessionKind> {
  const token = randomUUID();
  const clients = [new pg.Client({ ...connection, application_name: 'ai-admin-data-session-probe' }), new pg.Client({ ...connection, application_name: 'ai-admin-data-session-probe' })] as const;
  for (const client of clients) client.on('error', () => undefined);
  const seen = async (client: pg.Client) =>
    (await client.query<{ value: string | null }>('SELECT current_setting($1, true) AS value', [SETTING])).rows[0]?.value ?? null;
  try {
    await Promise.all(clients.map((client) => client.connect()));
    const [first, second] = clients;
    await first.query('SELECT set_config($1, $2, false)', [SETTING, token]);
    for (let round = 0; round < ROUNDS; round += 1) {
      if ((await seen(second)) === token || (await seen(first)) !== token) return 'shared-sessions';
    }
    return 'own-sessions';
  } finally {
    await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
  }
}

/** The clear refusal of code that needs session-level locks where sessions are shared. */
export class SharedSessionsError extends Error {
  override readonly name = 'SharedSessionsError';
}

/**
 * Throws SharedSessionsError when `connection` goes through a transaction-mode
 * pooler. `what` names the lock for the message, e.g. "the worker's job lock".
 */
export async function assertOwnSessions(connection: pg.ClientConfig, what: string, source: string): Promise<void> {
  if ((await probeSessions(connection)) === 'own-sessions') return;
  throw new SharedSessionsError(
    `${what} needs a PostgreSQL session of its own, but ${source} goes through a transaction-mode pooler ` +
      '(consecutive statements landed on different server sessions): set DIRECT_DATABASE_URL to a connection ' +
      'that reaches PostgreSQL directly or through a session-mode pool',
  );
}
