/**
 * npm run check:reload [-- --clients 16]
 *
 * Measures a zero-downtime reload as an operator runs it: PM2 from
 * node_modules starts the API from ecosystem.config.cjs (cluster mode, two
 * instances, production settings) on a scratch database, keep-alive clients
 * send requests back to back, `pm2 reload` replaces both instances, and the
 * clients count what happened to every request: answered (by status),
 * refused, reset. Exit code 0 only when nothing was refused or reset and
 * every answer was 2xx.
 *
 * The database is a scratch one (a new database on DATABASE_URL's server, or
 * an embedded PostgreSQL in a temp folder), dropped at the end. PM2 runs with
 * its own PM2_HOME in a temp folder, and its daemon is killed at the end, also
 * when the check fails or is interrupted: nothing of PM2 is left running.
 */
import '../src/instrument.js';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { projectRoot } from '../src/db/migrations.js';
import { freePort } from '../src/net/free-port.js';
import { createLogger } from '../src/observability/logger.js';
import { openLoadDatabase } from './load/load-database.js';
import { runKeepAliveClients, type KeepAliveCounts } from './load/keep-alive-clients.js';
import { integerOption, parseCommandLine } from './cli/command-line.js';
import { createProgress } from './cli/progress.js';
import { buildIfStale } from './build/dist-build.js';

const { clients } = parseCommandLine(
  {
    invocation: 'npm run check:reload --',
    summary:
      'Measures a zero-downtime `pm2 reload` of the built API (cluster mode, two instances, production settings) on a scratch database ' +
      'under keep-alive clients, and counts every answered, refused and reset request. Builds dist first when it is out of date.',
    options: { clients: { type: 'string', valueName: 'N', default: '16', description: 'keep-alive clients sending requests back to back' } },
    notes: ['exit codes: 0 nothing refused or reset and every answer 2xx, 1 otherwise, 2 wrong invocation'],
  },
  (values) => ({ clients: integerOption(values.clients, 'clients', 16) }),
);

const APP = 'ai-admin-data-api';
const COMPANY_ID = 962302;
const pm2Binary = path.join(projectRoot, 'node_modules', '.bin', 'pm2');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Pm2Process {
  pid: number;
  name: string;
  pm2_env: { status: string };
}

function pm2(env: NodeJS.ProcessEnv, ...args: string[]): string {
  return execFileSync(pm2Binary, args, { cwd: projectRoot, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** While the clients run: the event loop must stay free to read their answers. */
const pm2WhileServing = (env: NodeJS.ProcessEnv, ...args: string[]) =>
  promisify(execFile)(pm2Binary, args, { cwd: projectRoot, env, encoding: 'utf8' });

function apiProcesses(env: NodeJS.ProcessEnv): Pm2Process[] {
  return (JSON.parse(pm2(env, 'jlist')) as Pm2Process[]).filter((entry) => entry.name === APP);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** `pm2 kill` stops the apps and the daemon; the daemon's pid is then checked and, if needed, killed by id. */
async function killPm2(env: NodeJS.ProcessEnv, pm2Home: string): Promise<void> {
  let daemonPid: number | undefined;
  try {
    daemonPid = Number(readFileSync(path.join(pm2Home, 'pm2.pid'), 'utf8').trim()) || undefined;
  } catch {
    // The daemon never started.
  }
  spawnSync(pm2Binary, ['kill'], { cwd: projectRoot, env, stdio: 'ignore', timeout: 120_000 });
  for (let attempt = 0; daemonPid !== undefined && isAlive(daemonPid) && attempt < 100; attempt += 1) await sleep(100);
  if (daemonPid !== undefined && isAlive(daemonPid)) process.kill(daemonPid, 'SIGKILL');
  rmSync(pm2Home, { recursive: true, force: true });
}

/** The API's own log lines (PM2 keeps them under PM2_HOME/logs), shown when the check fails. */
function printApiLogs(pm2Home: string, lines = 40): void {
  const folder = path.join(pm2Home, 'logs');
  for (const file of readdirSync(folder).filter((name) => name.startsWith(APP)).sort()) {
    const text = readFileSync(path.join(folder, file), 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    if (text) console.log(`--- ${file} (last ${lines} lines)\n${text}`);
  }
}

async function waitUntil(what: string, check: () => Promise<boolean>, attempts = 600): Promise<void> {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    if (await check().catch(() => false)) return;
    await sleep(100);
  }
  throw new Error(`gave up waiting for ${what}`);
}

function report(counts: KeepAliveCounts, reloadMs: number, clients: number, before: number[], after: number[]): boolean {
  const non2xx = Object.entries(counts.statuses).filter(([status]) => !status.startsWith('2'));
  const passed = counts.refused === 0 && counts.reset === 0 && Object.keys(counts.otherErrors).length === 0 && non2xx.length === 0;
  console.log(`pm2 reload of ${APP} (cluster mode, ${before.length} instances, NODE_ENV=production) under ${clients} keep-alive clients`);
  console.log(`  reload took ${(reloadMs / 1000).toFixed(1)} s; pids ${before.join(', ')} -> ${after.join(', ')}`);
  console.log(`  requests answered: ${counts.answered} (${Object.entries(counts.statuses).map(([status, n]) => `${status}: ${n}`).join(', ')})`);
  console.log(`  answers with Connection: close: ${counts.connectionClose}`);
  console.log(`  refused: ${counts.refused}`);
  console.log(`  reset: ${counts.reset}`);
  if (Object.keys(counts.otherErrors).length > 0) console.log(`  other errors: ${JSON.stringify(counts.otherErrors)}`);
  console.log(passed ? 'check:reload passed' : 'check:reload FAILED');
  return passed;
}

async function main(): Promise<number> {
  const progress = createProgress('check:reload');
  await buildIfStale({ log: (line) => progress.step(line) });
  const logger = createLogger({ level: 'warn', name: 'check-reload' });

  const database = await openLoadDatabase(process.env.DATABASE_URL || undefined, logger);
  const pm2Home = mkdtempSync(path.join(tmpdir(), 'ai-admin-data-pm2-'));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PM2_HOME: pm2Home,
    NODE_ENV: 'production',
    DATABASE_URL: database.url,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
  };
  const interrupted = () => void killPm2(env, pm2Home).finally(() => process.exit(130));
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    console.log(`database: ${database.where}`);
    const seed = new pg.Client({ connectionString: database.url });
    await seed.connect();
    await seed.query("INSERT INTO companies (id, title, updated_at) VALUES ($1, 'Salon', now())", [COMPANY_ID]);
    await seed.end();

    progress.step('starting the API under PM2 (two instances)');
    pm2(env, 'start', 'ecosystem.config.cjs', '--only', APP, '--env', 'production');
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitUntil('both instances online and ready', async () => {
      const online = apiProcesses(env).filter((entry) => entry.pm2_env.status === 'online');
      return online.length === 2 && (await fetch(`${baseUrl}/health/ready`)).status === 200;
    });
    const before = apiProcesses(env).map((entry) => entry.pid);

    let stop = false;
    const load = runKeepAliveClients({
      baseUrl,
      paths: [`/api/companies/${COMPANY_ID}`, '/health', `/api/companies/${COMPANY_ID}/services`],
      clients,
      stop: () => stop,
    });
    progress.step(`${clients} keep-alive clients running; reloading`);
    await sleep(2_000);
    const started = performance.now();
    // The deploy checklist's command.
    await pm2WhileServing(env, 'startOrReload', 'ecosystem.config.cjs', '--only', APP, '--env', 'production');
    const reloadMs = performance.now() - started;
    await sleep(2_000);
    stop = true;
    const counts = await load;
    const after = apiProcesses(env).map((entry) => entry.pid);
    const replaced = after.length === 2 && after.every((pid) => !before.includes(pid));
    if (!replaced) console.log(`  the instances were not all replaced: ${before.join(', ')} -> ${after.join(', ')}`);
    const passed = report(counts, reloadMs, clients, before, after) && replaced;
    if (!passed) printApiLogs(pm2Home);
    return passed ? 0 : 1;
  } finally {
    await killPm2(env, pm2Home);
    await database.dispose();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`check:reload: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
