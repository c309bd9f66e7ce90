/**
 * pg-pool's `pool.query()` releases the client with the query's error, and a
 * client released with an error is destroyed. So every failed statement (a
 * statement timeout, a unique violation from a racing upsert, a value of the
 * wrong type) costs a new connection handshake, and under a burst of such
 * errors the small pool churns connections. Prisma's adapter and the health
 * and metrics reads all go through `pool.query()`.
 *
 * A statement error (severity ERROR) leaves the session idle and healthy, so
 * the client can go back to the pool. Anything else (FATAL: terminated
 * backend, a socket error, a client-side timeout) still discards it.
 * Same contract as pg-pool's query (promise or callback); transactions take
 * their own client with `connect()` and are not affected.
 */
import type pg from 'pg';

type Callback = (error: Error | undefined, result?: pg.QueryResult) => void;

/** True when the session that raised `error` is still usable. */
export function isStatementError(error: unknown): boolean {
  return error !== null && typeof error === 'object' && (error as { severity?: unknown }).severity === 'ERROR';
}

export function reuseConnectionsAfterStatementErrors(pool: pg.Pool): pg.Pool {
  const query = (text: unknown, values?: unknown, callback?: unknown): Promise<pg.QueryResult> | undefined => {
    if (typeof values === 'function') {
      callback = values;
      values = undefined;
    }
    let settle: Callback;
    let result: Promise<pg.QueryResult> | undefined;
    if (typeof callback === 'function') {
      settle = callback as Callback;
    } else {
      result = new Promise<pg.QueryResult>((resolve, reject) => {
        settle = (error, value) => (error ? reject(error) : resolve(value!));
      });
    }
    if (typeof text === 'function') {
      setImmediate(() => settle(new Error('Passing a function as the first parameter to pool.query is not supported')));
      return result;
    }
    pool.connect((connectError, client, release) => {
      if (connectError || !client) {
        settle(connectError ?? new Error('no client'));
        return;
      }
      let released = false;
      const finish = (error: Error | undefined, value?: pg.QueryResult) => {
        if (released) return;
        released = true;
        client.removeListener('error', onSocketError);
        release(error && !isStatementError(error) ? error : undefined);
        settle(error, value);
      };
      const onSocketError = (error: Error) => finish(error);
      client.once('error', onSocketError);
      try {
        (client.query as (t: unknown, v: unknown, cb: Callback) => void)(text, values, (error, value) => finish(error ?? undefined, value));
      } catch (error) {
        finish(error as Error);
      }
    });
    return result;
  };
  pool.query = query as unknown as pg.Pool['query'];
  return pool;
}
