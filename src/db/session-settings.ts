/**
 * The server-side timeouts of every connection (statement_timeout,
 * idle_in_transaction_session_timeout), applied so that they hold through a
 * transaction-mode PgBouncer as well as on a direct connection.
 *
 * Startup parameters cannot carry them: a stock PgBouncer refuses a connection
 * that sends them ("unsupported startup parameter"), and its usual workaround,
 * ignore_startup_parameters, drops them silently. So:
 *
 * - each transaction's BEGIN carries them as SET LOCAL, in the same message
 *   (one simple-protocol query: no extra round trip). A transaction pooler
 *   keeps a transaction on one server session, so they hold for exactly the
 *   transaction, whichever session it lands on, and leave nothing behind;
 * - each new physical connection sets them once for its session (one round
 *   trip per connection, which lives up to POSTGRES_MAX_LIFETIME_S). On a
 *   direct connection that covers every statement, as startup parameters did.
 *   Behind a transaction pooler a statement outside a transaction runs on
 *   whichever server session is free, which has the values only if one of this
 *   service's connections set them there: for a guarantee, set the same values
 *   on the database role (ALTER ROLE ... SET statement_timeout = ...), as the
 *   API's start-up log says when it finds a pooler.
 */
import type pg from 'pg';

export interface SessionTimeouts {
  /** 0 = none (PostgreSQL's own meaning). */
  statementTimeoutMs: number;
  idleInTransactionTimeoutMs: number;
}

/** Whole milliseconds only: these strings are sent as SQL, never anything from input. */
function ms(value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError('a session timeout must be a whole number of milliseconds >= 0');
  return value;
}

export function sessionSettingsSql(timeouts: SessionTimeouts): { forSession: string; forTransaction: string } {
  const statement = ms(timeouts.statementTimeoutMs);
  const idle = ms(timeouts.idleInTransactionTimeoutMs);
  return {
    forSession: `SET statement_timeout = ${statement}; SET idle_in_transaction_session_timeout = ${idle}`,
    forTransaction: `BEGIN; SET LOCAL statement_timeout = ${statement}; SET LOCAL idle_in_transaction_session_timeout = ${idle}`,
  };
}

const BEGIN = /^\s*BEGIN\s*;?\s*$/i;
/** Checked before the pattern, so ordinary statements cost one length comparison. */
const LONGEST_PLAIN_BEGIN = 16;
const isPlainBegin = (text: string) => text.length <= LONGEST_PLAIN_BEGIN && BEGIN.test(text);

type QueryArgs = Parameters<pg.ClientBase['query']>;

/**
 * Sets the session values on a new connection (queued before its first use)
 * and makes every plain BEGIN sent on it carry them for the transaction.
 * Returns the promise of the session SET, for callers that want to see it fail.
 */
export function applySessionTimeouts(client: pg.ClientBase, timeouts: SessionTimeouts): Promise<unknown> {
  const sql = sessionSettingsSql(timeouts);
  const query = client.query.bind(client) as (...args: QueryArgs) => unknown;
  const rewritten = (config: unknown): unknown => {
    if (typeof config === 'string') return isPlainBegin(config) ? sql.forTransaction : config;
    const text = (config as { text?: unknown } | null)?.text;
    return typeof text === 'string' && isPlainBegin(text) && !((config as { values?: unknown[] }).values?.length)
      ? { ...(config as object), text: sql.forTransaction }
      : config;
  };
  (client as { query: unknown }).query = (config: unknown, ...rest: unknown[]) => query(...([rewritten(config), ...rest] as unknown as QueryArgs));
  return client.query(sql.forSession);
}
