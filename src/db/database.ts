/**
 * Wires the database for a process: where PostgreSQL is (DATABASE_URL, or an
 * embedded server started here), migrations, the pool and the Prisma client.
 * Entry points call this once and pass the pieces down.
 */
import path from 'node:path';
import pg from 'pg';
import type { Config } from '../config.js';
import type { Logger } from '../observability/logger.js';
import type { ErrorReporter } from '../observability/error-reporter.js';
import { createPool, poolSettingsFromConfig, warmPool } from './pool.js';
import { createDbClient, type Db, type OperationEvent } from './prisma-client.js';
import { embeddedPostgresUrl, startEmbeddedPostgres, type EmbeddedPostgresHandle } from './embedded-postgres.js';
import { applyMigrations, projectRoot } from './migrations.js';
import { DataError } from './errors.js';

export interface Database {
  db: Db;
  pool: pg.Pool;
  /** Present when this process started its own PostgreSQL. */
  embedded: EmbeddedPostgresHandle | undefined;
  /**
   * Where session-level advisory locks connect (WhatsApp session lock, job lock):
   * DIRECT_DATABASE_URL when set, else undefined = the pool's own settings.
   */
  lockConnection: pg.ClientConfig | undefined;
  /** Disconnects Prisma, ends the pool, stops the embedded server; safe to call twice. */
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  config: Config;
  logger: Logger;
  reporter: ErrorReporter;
  applicationName?: string;
  /** Apply pending migrations (the API on an embedded server does; production runs db:deploy). */
  migrate?: boolean;
  onOperation?: (event: OperationEvent) => void;
}

export class DatabaseUnavailableError extends Error {
  override readonly name = 'DatabaseUnavailableError';
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const { config, logger } = options;
  let embedded: EmbeddedPostgresHandle | undefined;
  let url = config.DATABASE_URL;
  if (!url) {
    // A script run beside `npm start` (db:seed, cleanup) uses the server that is already up.
    const running = await runningEmbeddedUrl(config);
    if (running) {
      logger.info({ port: config.EMBEDDED_PG_PORT }, 'using the embedded PostgreSQL that is already running');
      url = running;
    }
  }
  if (!url) {
    const dataDir = config.EMBEDDED_PG_DATA_DIR ?? path.join(projectRoot, '.data', 'postgres');
    const started = performance.now();
    embedded = await startEmbeddedPostgres({
      dataDir,
      port: config.EMBEDDED_PG_PORT,
      password: config.EMBEDDED_PG_PASSWORD,
      logger,
    });
    logger.info({ port: embedded.port, dataDir: embedded.dataDir, ms: Math.round(performance.now() - started) }, 'embedded PostgreSQL started');
    url = embedded.adminUrl;
  }
  const pool = createPool(poolSettingsFromConfig(config, url, options.applicationName), options);
  const db = createDbClient(pool, { ...options, slowQueryMs: config.SLOW_QUERY_MS });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await db.$disconnect().catch(() => undefined);
    await pool.end().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
  };
  try {
    await warmPool(pool, Math.max(1, config.POSTGRES_MIN_CONNECTIONS));
    if (options.migrate ?? Boolean(embedded)) {
      const started = performance.now();
      const { applied } = await applyMigrations(url);
      logger.info({ applied, ms: Math.round(performance.now() - started) }, applied ? 'migrations applied' : 'migrations up to date');
    }
  } catch (error) {
    await close();
    if (error instanceof Error && error.name === 'MigrationError') throw error;
    const code = (error as { code?: string }).code;
    throw new DatabaseUnavailableError(`cannot connect to PostgreSQL${code ? ` (${code})` : ''}: ${describeConnectError(error)}`, { cause: error });
  }
  const lockConnection = config.DIRECT_DATABASE_URL
    ? { connectionString: config.DIRECT_DATABASE_URL, connectionTimeoutMillis: config.POSTGRES_ACQUIRE_TIMEOUT_MS, keepAlive: true }
    : undefined;
  return { db, pool, embedded, lockConnection, close };
}

async function runningEmbeddedUrl(config: Config): Promise<string | undefined> {
  const url = embeddedPostgresUrl(config.EMBEDDED_PG_PASSWORD, config.EMBEDDED_PG_PORT);
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return url;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** By code only (SQLSTATE, errno, our typed errors): the wording of a driver message is not a contract. */
function describeConnectError(error: unknown): string {
  if (error instanceof DataError) return error.message;
  const code = (error as { code?: string }).code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'nothing listens at the configured host and port';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host name does not resolve';
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'the host cannot be reached';
    case 'ECONNRESET':
      return 'the connection was closed while connecting';
    case '28P01':
    case '28000':
      return 'authentication failed';
    case '3D000':
      return 'the database does not exist';
    case '53300':
      return 'the server has no free connection slots (too many connections)';
    case '57P03':
      return 'the server is starting up or shutting down';
    case '08P01':
      // What PgBouncer answers when it refuses a connection (e.g. a startup parameter it does not support).
      return 'the server or a pooler in front of it refused the connection (protocol violation)';
    default:
      return 'connection failed';
  }
}
