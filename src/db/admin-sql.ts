/**
 * Server-level administration on a connection of its own, outside any pool:
 * creating and dropping scratch databases (the Prisma migration adapter's
 * shadow database, the bench and load runners, the test run's template and
 * per-file clones) and the odd catalog query or pg_terminate_backend in tests.
 */
import pg from 'pg';

// Database names are quoted exactly as the repositories quote tables and columns.
export { quoteIdent } from '../repositories/sql.js';

/** The same connection URL pointing at another database on the same server. */
export function withDatabaseName(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

/**
 * Runs one statement on a fresh client and closes it. `connection` is a URL or,
 * for callers that already parsed one (the migration adapter swaps fields), a
 * pg.ClientConfig.
 */
export async function runAdminSql<T extends pg.QueryResultRow = pg.QueryResultRow>(
  connection: string | pg.ClientConfig,
  sql: string,
  params: unknown[] = [],
): Promise<pg.QueryResult<T>> {
  const client = new pg.Client(typeof connection === 'string' ? { connectionString: connection } : connection);
  // DROP DATABASE ... WITH (FORCE) or a server restart can end this backend;
  // without a listener that 'error' event would crash the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await client.query<T>(sql, params);
  } finally {
    await client.end();
  }
}
