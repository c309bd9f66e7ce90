/**
 * Typed failures of taking a connection from the pool. pg-pool and pg report
 * them as plain Errors with no code ("timeout exceeded when trying to
 * connect", "Connection terminated due to connection timeout", "Cannot use a
 * pool after calling end on the pool"), and classifying by message words
 * breaks with any wording change. Here they are classified by what the pool
 * was doing, which is known at the call:
 * - the pool was ending: the process is shutting down (CONNECTION_LOST);
 * - every connection was checked out: the caller waited in the queue and the
 *   acquire timeout passed (POOL_EXHAUSTED);
 * - otherwise a new connection was being opened and failed without a server
 *   or socket code, i.e. it timed out or was cut while connecting (CONNECTION_LOST).
 * Failures that carry a code (SQLSTATE from the server, errno from the socket)
 * pass through unchanged for error-mapping.ts.
 */
import type pg from 'pg';
import { ConnectionLostError, PoolExhaustedError } from './errors.js';

type ConnectCallback = (error: Error | undefined, client: pg.PoolClient | undefined, release: (release?: unknown) => void) => void;

function hasCode(error: unknown): boolean {
  return typeof (error as { code?: unknown } | null)?.code === 'string';
}

function classify(error: Error, pool: pg.Pool, poolWasFull: boolean): Error {
  if (hasCode(error)) return error;
  if (pool.ending) return new ConnectionLostError('the database pool is closed (the process is shutting down)', { cause: error });
  if (poolWasFull) {
    return new PoolExhaustedError('no database connection became free within the acquire timeout (pool exhausted)', { cause: error });
  }
  return new ConnectionLostError('a new database connection could not be opened (timed out or closed while connecting)', { cause: error });
}

export function typeAcquireFailures(pool: pg.Pool): pg.Pool {
  const connect = pool.connect.bind(pool) as (callback?: ConnectCallback) => Promise<pg.PoolClient> | undefined;
  const max = pool.options.max ?? 10;
  function typedConnect(callback?: ConnectCallback): Promise<pg.PoolClient> | undefined {
    const poolWasFull = pool.idleCount === 0 && pool.totalCount >= max;
    if (callback) {
      return connect((error, client, release) => callback(error ? classify(error, pool, poolWasFull) : undefined, client, release));
    }
    return connect()!.catch((error: Error) => {
      throw classify(error, pool, poolWasFull);
    });
  }
  pool.connect = typedConnect as pg.Pool['connect'];
  return pool;
}
