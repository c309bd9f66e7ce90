/**
 * The real API process (`node --import tsx --import ./src/instrument.ts src/index.ts`)
 * as a child of the test, with its output collected for assertions.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { projectRoot } from '../../src/db/migrations.js';

export interface ApiProcess {
  child: ChildProcess;
  baseUrl: string;
  output(): string;
  /** Resolves with the exit code and signal once the process is gone. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnApi(env: Record<string, string>, port: number): ApiProcess {
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', './src/instrument.ts', 'src/index.ts'], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'test', LOG_LEVEL: 'info', HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, baseUrl: `http://127.0.0.1:${port}`, output: () => output, exited };
}

/** Polls `check` until it returns a value, up to `attempts` times `intervalMs` (generous bounds, not a test time limit). */
export async function pollUntil<T>(check: () => Promise<T | undefined>, what: string, attempts = 300, intervalMs = 100): Promise<T> {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`gave up waiting: ${what}`);
}

export function isAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Polls /health/ready until it answers 200; fails with the process output if the process exits first.
 * Up to about three minutes: starting under tsx takes 30 s and more on a loaded machine.
 */
export const API_START_BUDGET_MS = 180_000;

export async function waitUntilReady(api: ApiProcess): Promise<void> {
  await pollUntil(async () => {
    if (api.child.exitCode !== null) throw new Error(`the API exited early:\n${api.output()}`);
    return (await fetch(`${api.baseUrl}/health/ready`)).status === 200 ? true : undefined;
  }, 'the API to become ready', API_START_BUDGET_MS / 100, 100);
}
