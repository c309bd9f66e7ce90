/**
 * Resident memory of the real API process after warm-up: the built
 * `node --import ./dist/instrument.js dist/index.js` that `npm start` and PM2
 * run, not the data stack under tsx (bench/support/memory-probe.ts measures that).
 * Used by scripts/bench.ts; Linux only (reads /proc/<pid>/status).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { projectRoot } from '../../src/db/migrations.js';
import { freePort } from '../../src/net/free-port.js';

export const API_COMMAND = 'node --import ./dist/instrument.js dist/index.js';

export interface ApiProcessMemory {
  rssMb: number;
  warmUpRequests: number;
  command: string;
}

const HEALTH_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;
const WARM_UP_PATHS = ['/health/ready', '/api/companies/1', '/api/companies/1/services', '/api/companies/1/staff', '/metrics'];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Newest modification time of any file under a folder (0 when it is empty). */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** dist/ is missing or older than some source file: measuring it would measure other code. */
function buildNeeded(): boolean {
  const entry = path.join(projectRoot, 'dist', 'index.js');
  if (!existsSync(entry) || !existsSync(path.join(projectRoot, 'dist', 'instrument.js'))) return true;
  return newestMtime(path.join(projectRoot, 'src')) > statSync(entry).mtimeMs;
}

/** Runs a command in the project root; resolves with its exit code and the tail of its output. */
function run(command: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4_000));
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, output }));
  });
}

/**
 * The tsc half of `npm run build`; its prisma generate half already ran at
 * postinstall, so only the generated client's presence is checked.
 */
async function ensureBuilt(log: (line: string) => void): Promise<void> {
  if (!existsSync(path.join(projectRoot, 'src', 'generated', 'prisma'))) {
    throw new Error('src/generated/prisma is missing: run `npm run prisma:generate` first');
  }
  if (!buildNeeded()) return;
  log('building the API (tsc -p tsconfig.build.json)');
  const { code, output } = await run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json']);
  if (code !== 0) throw new Error(`API build failed (tsc exit code ${code}), API process not measured:\n${output.trim()}`);
}

/** A salon with a few services and staff, so the catalogue routes do real reads rather than answer 404. */
async function seed(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`INSERT INTO companies (id, title, updated_at) VALUES (1, 'Salon', now()) ON CONFLICT DO NOTHING`);
    await client.query(
      `INSERT INTO services (company_id, crm_id, title, updated_at)
       SELECT 1, n, 'Service ' || n, now() FROM generate_series(1, 10) AS n ON CONFLICT DO NOTHING`,
    );
    await client.query(
      `INSERT INTO staff (company_id, crm_id, name, updated_at)
       SELECT 1, n, 'Master ' || n, now() FROM generate_series(1, 5) AS n ON CONFLICT DO NOTHING`,
    );
  } finally {
    await client.end();
  }
}

function startApi(databaseUrl: string, port: number): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['--import', './dist/instrument.js', 'dist/index.js'], {
    cwd: projectRoot,
    env: {
      ...process.env,
      // The bench itself runs under tsx; a loader inherited through NODE_OPTIONS would not be the production process.
      NODE_OPTIONS: '',
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      NODE_ENV: 'production',
      WHATSAPP_ENABLED: 'false',
      SENTRY_DSN: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4_000));
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  // A spawn error surfaces as an exit below; without a listener it would crash the bench.
  child.on('error', (error) => (output += `\n${error.message}`));
  return { child, output: () => output };
}

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

async function waitForHealth(base: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited(child)) throw new Error(`API process exited (code ${child.exitCode}, signal ${child.signalCode}) before /health answered:\n${output().trim()}`);
    const status = await fetch(`${base}/health`, { signal: AbortSignal.timeout(2_000) }).then(
      async (res) => (await res.arrayBuffer(), res.status),
      () => 0,
    );
    if (status === 200) return;
    await sleep(200);
  }
  throw new Error(`API process did not answer GET /health with 200 within ${HEALTH_TIMEOUT_MS / 1000} s`);
}

/** Sequential requests over the read routes; any non-200 means the figure would not be of a working API. */
async function warmUp(base: string, count: number): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    const route = WARM_UP_PATHS[i % WARM_UP_PATHS.length] as string;
    const res = await fetch(`${base}${route}`);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`warm-up: GET ${route} answered ${res.status}`);
  }
}

function readRssMb(pid: number): number {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) / 1024;
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (exited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** SIGTERM (the API's graceful shutdown), SIGKILL when that takes longer than STOP_TIMEOUT_MS. */
async function stop(child: ChildProcess): Promise<void> {
  if (exited(child) || child.pid === undefined) return;
  child.kill('SIGTERM');
  if (await waitForExit(child, STOP_TIMEOUT_MS)) return;
  child.kill('SIGKILL');
  await waitForExit(child, 5_000);
}

export async function measureApiProcessMemory(options: {
  databaseUrl: string;
  quick: boolean;
  log: (line: string) => void;
}): Promise<ApiProcessMemory> {
  const warmUpRequests = options.quick ? 1_000 : 3_000;
  await ensureBuilt(options.log);
  await seed(options.databaseUrl);
  const port = await freePort();
  const { child, output } = startApi(options.databaseUrl, port);
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitForHealth(base, child, output);
    await warmUp(base, warmUpRequests);
    // Let the last responses' buffers go before reading, as memory-probe.ts does.
    await sleep(300);
    if (exited(child) || child.pid === undefined) throw new Error('API process exited during warm-up');
    return { rssMb: Math.round(readRssMb(child.pid) * 10) / 10, warmUpRequests, command: API_COMMAND };
  } finally {
    await stop(child);
  }
}
