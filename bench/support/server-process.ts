/**
 * Server processes for the bench: the built API (`node --import
 * ./dist/instrument.js dist/index.js`, what `npm start` and PM2 run), rebuilt
 * when src/ is newer than dist/, and any other node server the bench compares
 * it with; started on a free port, polled until healthy, stopped gracefully.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../src/db/migrations.js';

const HEALTH_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
export async function ensureBuilt(log: (line: string) => void): Promise<void> {
  if (!existsSync(path.join(projectRoot, 'src', 'generated', 'prisma'))) {
    throw new Error('src/generated/prisma is missing: run `npm run prisma:generate` first');
  }
  if (!buildNeeded()) return;
  log('building the API (tsc -p tsconfig.build.json)');
  const { code, output } = await run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json']);
  if (code !== 0) throw new Error(`API build failed (tsc exit code ${code}), API process not measured:\n${output.trim()}`);
}

export interface ServerProcess {
  child: ChildProcess;
  output: () => string;
}

/** A node process in the project root, with its output kept (the tail) for error messages. */
export function startServerProcess(args: string[], env: Record<string, string>): ServerProcess {
  const child = spawn(process.execPath, args, {
    cwd: projectRoot,
    // The bench itself runs under tsx; a loader inherited through NODE_OPTIONS would not be the measured process.
    env: { ...process.env, NODE_OPTIONS: '', ...env },
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

/** The built API as `npm start` and PM2 run it, without Sentry (no DSN), WhatsApp or logs. */
export function startBuiltApi(databaseUrl: string, port: number): ServerProcess {
  return startServerProcess(['--import', './dist/instrument.js', 'dist/index.js'], {
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    NODE_ENV: 'production',
    WHATSAPP_ENABLED: 'false',
    SENTRY_DSN: '',
  });
}

export const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

/** Polls GET /health until it answers 200 (bounded); fails early when the process exits. */
export async function waitForHealth(base: string, { child, output }: ServerProcess): Promise<void> {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited(child)) throw new Error(`server process exited (code ${child.exitCode}, signal ${child.signalCode}) before /health answered:\n${output().trim()}`);
    const status = await fetch(`${base}/health`, { signal: AbortSignal.timeout(2_000) }).then(
      async (res) => (await res.arrayBuffer(), res.status),
      () => 0,
    );
    if (status === 200) return;
    await sleep(200);
  }
  throw new Error(`server process did not answer GET /health with 200 within ${HEALTH_TIMEOUT_MS / 1000} s`);
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
export async function stop(child: ChildProcess): Promise<void> {
  if (exited(child) || child.pid === undefined) return;
  child.kill('SIGTERM');
  if (await waitForExit(child, STOP_TIMEOUT_MS)) return;
  child.kill('SIGKILL');
  await waitForExit(child, 5_000);
}
