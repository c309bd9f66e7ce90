/**
 * A real PgBouncer (Debian's `pgbouncer` package) for tests that must prove
 * behaviour behind a transaction-mode pooler: started on a free loopback port
 * in front of a given PostgreSQL, with PgBouncer's own defaults for everything
 * a test does not name (so, as in a stock install, startup parameters such as
 * `statement_timeout` are refused and named prepared statements do not survive
 * a transaction). Every database name is passed through to the upstream
 * server, so the per-file databases of tests/helpers/test-database.ts are
 * reachable through it.
 *
 * Tests that need it live in tests/pgbouncer/ and run with
 * `npm run test:pgbouncer`, never in `npm test` (a machine without the package
 * must still pass `npm test`).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { freePort } from '../../src/net/free-port.js';

export type PoolMode = 'transaction' | 'session' | 'statement';

export interface PgBouncerOptions {
  /** postgresql:// URL of the upstream server; its user and password are used for clients and server. */
  upstreamUrl: string;
  /** Default 'transaction': the mode managed PostgreSQL offerings and most deployments use. */
  poolMode?: PoolMode;
  /** Server connections per (database, user); PgBouncer's default is 20. */
  defaultPoolSize?: number;
  /** Any further [pgbouncer] settings, written as given (e.g. { ignore_startup_parameters: 'extra_float_digits' }). */
  settings?: Record<string, string | number>;
}

export interface RunningPgBouncer {
  port: number;
  /** A URL that reaches `database` on the upstream server through PgBouncer, with the upstream's credentials. */
  url(database: string): string;
  /** What PgBouncer logged so far (connections, refusals), for assertions and failure messages. */
  log(): string;
  stop(): Promise<void>;
}

const CANDIDATES = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer', '/usr/local/bin/pgbouncer'];

/** Path of the pgbouncer binary, or undefined when the package is not installed. */
export function findPgBouncer(): string | undefined {
  for (const candidate of CANDIDATES) {
    if (spawnSync(candidate, ['--version'], { stdio: 'ignore' }).status === 0) return candidate;
  }
  const which = spawnSync('sh', ['-c', 'command -v pgbouncer'], { encoding: 'utf8' });
  const found = which.status === 0 ? which.stdout.trim() : '';
  return found || undefined;
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** PgBouncer quotes values in its userlist with double quotes, doubling any inside. */
const userlistEntry = (user: string, password: string) => `"${user.replaceAll('"', '""')}" "${password.replaceAll('"', '""')}"\n`;

function waitForPort(port: number, child: ChildProcess, readLog: () => string, attempts = 400): Promise<void> {
  return new Promise((resolve, reject) => {
    let tries = 0;
    const attempt = () => {
      if (child.exitCode !== null) {
        reject(new Error(`pgbouncer exited with code ${child.exitCode} before listening:\n${readLog()}`));
        return;
      }
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        tries += 1;
        if (tries >= attempts) reject(new Error(`pgbouncer did not listen on port ${port}:\n${readLog()}`));
        else setTimeout(attempt, 25);
      });
    };
    attempt();
  });
}

export async function startPgBouncer(options: PgBouncerOptions): Promise<RunningPgBouncer> {
  const binary = findPgBouncer();
  if (!binary) {
    throw new Error('pgbouncer is not installed: install Debian\'s package (apt-get install pgbouncer) to run `npm run test:pgbouncer`');
  }
  const upstream = new URL(options.upstreamUrl);
  const user = decodeURIComponent(upstream.username || 'postgres');
  const password = decodeURIComponent(upstream.password);
  const port = await freePort();

  // PgBouncer refuses to run as root; it then runs as `postgres`, which must read the folder.
  const dir = mkdtempSync(path.join(tmpdir(), 'ai-admin-data-pgbouncer-'));
  chmodSync(dir, 0o755);
  const logFile = path.join(dir, 'pgbouncer.log');
  writeFileSync(path.join(dir, 'userlist.txt'), userlistEntry(user, password), { mode: 0o644 });
  writeFileSync(logFile, '');
  // Written by the `postgres` user when PgBouncer drops root (the umask would leave it read-only).
  chmodSync(logFile, 0o666);
  const settings: Record<string, string | number> = {
    listen_addr: '127.0.0.1',
    listen_port: port,
    // No unix socket: the test owns only its folder.
    unix_socket_dir: '',
    auth_type: password ? 'md5' : 'trust',
    auth_file: path.join(dir, 'userlist.txt'),
    logfile: logFile,
    pool_mode: options.poolMode ?? 'transaction',
    ...(options.defaultPoolSize !== undefined ? { default_pool_size: options.defaultPoolSize } : {}),
    ...options.settings,
  };
  const upstreamHost = upstream.hostname || '127.0.0.1';
  const upstreamPort = upstream.port || '5432';
  const serverPassword = password ? ` password=${password}` : '';
  const ini = [
    '[databases]',
    // The fallback entry: any database name a client asks for, on the upstream server.
    `* = host=${upstreamHost} port=${upstreamPort} user=${user}${serverPassword}`,
    '',
    '[pgbouncer]',
    ...Object.entries(settings).map(([key, value]) => `${key} = ${value}`),
    '',
  ].join('\n');
  const configFile = path.join(dir, 'pgbouncer.ini');
  writeFileSync(configFile, ini, { mode: 0o644 });

  const args = [...(isRoot() ? ['-u', 'postgres'] : []), configFile];
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const readLog = () => {
    let file = '';
    try {
      file = readFileSync(logFile, 'utf8');
    } catch {
      /* not written yet */
    }
    return `${file}${stderr}`;
  };
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      // SIGTERM: immediate shutdown (SIGINT would wait for clients to leave).
      child.kill('SIGTERM');
      const killTimer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killTimer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await waitForPort(port, child, readLog);
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    port,
    url: (database) => {
      const url = new URL(options.upstreamUrl);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      url.pathname = `/${encodeURIComponent(database)}`;
      return url.toString();
    },
    log: readLog,
    stop,
  };
}
