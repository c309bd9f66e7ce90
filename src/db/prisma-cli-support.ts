/**
 * What prisma.config.ts needs besides the migration adapter, so the Prisma
 * 6.19 CLI runs offline with or without DATABASE_URL and says only what
 * matters. Each item is listed with its upstream cause in docs/toolchain.md.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { quoteIdent, runAdminSql } from './admin-sql.js';
import { connectionFromUrl } from './migration-adapter.js';

/**
 * Prisma 6.19's schema validation requires `url = env("DATABASE_URL")` to
 * resolve. When it does not, the CLI cannot read the generator's engine type
 * and falls back to downloading a query engine (ENOTFOUND offline), even for
 * `validate`, `format` and `generate`. The connection itself never comes from
 * the schema (the adapter below does), so a value that cannot connect is set
 * when none is given; the adapter still refuses to run without a real one.
 */
export const PLACEHOLDER_DATABASE_URL = 'postgresql://unset@127.0.0.1:1/database_url_is_not_set';

/** The URL migrate commands connect to, read before the placeholder is set; undefined when none was given. */
export function migrationUrlFromEnvironment(env: NodeJS.ProcessEnv): string | undefined {
  const url = env.DIRECT_DATABASE_URL || env.DATABASE_URL;
  return url && url !== PLACEHOLDER_DATABASE_URL ? url : undefined;
}

export function ensureSchemaUrlResolves(env: NodeJS.ProcessEnv): void {
  // A seed run by `migrate reset` inherits this: it gets the real direct URL when only that was given.
  if (!env.DATABASE_URL) env.DATABASE_URL = env.DIRECT_DATABASE_URL || PLACEHOLDER_DATABASE_URL;
}

export class MissingDatabaseUrlError extends Error {
  override readonly name = 'MissingDatabaseUrlError';
  constructor(command: string) {
    super(
      `${command} needs a database: set DATABASE_URL (or DIRECT_DATABASE_URL), e.g. DATABASE_URL=postgresql://user@127.0.0.1:5432/aiadmin_dev`,
    );
  }
}

/** The Prisma command being run, e.g. "prisma migrate dev" (for messages and for creating a missing database). */
export function prismaCommand(argv: string[]): string {
  const words = argv.slice(2).filter((word) => !word.startsWith('-'));
  return ['prisma', ...words.slice(0, 2)].join(' ');
}

/** Commands that, in plain Prisma, create the database when it does not exist yet. */
const CREATING_COMMANDS = new Set(['prisma migrate dev', 'prisma migrate reset', 'prisma migrate deploy']);

export function createsMissingDatabase(command: string): boolean {
  return CREATING_COMMANDS.has(command);
}

/**
 * Creates the URL's database when it does not exist, as plain Prisma does for
 * `migrate dev | reset | deploy` (the driver adapter path does not). Connects to
 * the `postgres` maintenance database of the same server. Returns the name of
 * the database it created, or undefined when there was nothing to do.
 */
export async function createDatabaseIfMissing(url: string): Promise<string | undefined> {
  const { client } = connectionFromUrl(url);
  const database = client.database;
  if (!database || database === 'postgres') return undefined;
  const maintenance: pg.ClientConfig = { ...client, database: 'postgres' };
  const { rowCount } = await runAdminSql(maintenance, 'SELECT 1 FROM pg_database WHERE datname = $1', [database]);
  if (rowCount) return undefined;
  try {
    await runAdminSql(maintenance, `CREATE DATABASE ${quoteIdent(database)}`);
  } catch (error) {
    // 42P04: created meanwhile by someone else, which is just as good.
    if ((error as { code?: string }).code !== '42P04') throw error;
    return undefined;
  }
  return database;
}

/**
 * Prisma 6.19 prints "The values from your schema will NOT be used!" on every
 * migrate command when the schema has a `url` and prisma.config.ts an adapter,
 * yet refuses a schema without `url`. Drops exactly that notice from stdout.
 */
export function dropUnusedUrlNotice(stream: NodeJS.WriteStream): void {
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk === 'string' && isUnusedUrlNotice(chunk)) {
      const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }
    return write(chunk, ...rest);
  }) as typeof stream.write;
}

export function isUnusedUrlNotice(text: string): boolean {
  return text.includes('you are using a Driver Adapter via prisma.config.ts') && text.includes('will NOT be used');
}

/**
 * The committed migrations (folder names under `migrationsDir`) that the
 * database has not finished applying. A database without Prisma's history
 * table has all of them pending.
 */
export async function pendingMigrations(url: string, migrationsDir: string): Promise<string[]> {
  const committed = readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(migrationsDir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort();
  const { client, schema } = connectionFromUrl(url);
  const history = `${quoteIdent(schema ?? 'public')}.${quoteIdent('_prisma_migrations')}`;
  const { rows: exists } = await runAdminSql<{ table: string | null }>(client, 'SELECT to_regclass($1) AS table', [history]);
  if (!exists[0]?.table) return committed;
  const { rows } = await runAdminSql<{ migration_name: string }>(
    client,
    `SELECT migration_name FROM ${history} WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
  );
  const applied = new Set(rows.map((row) => row.migration_name));
  return committed.filter((name) => !applied.has(name));
}
