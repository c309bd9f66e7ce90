/**
 * Every operator script as an operator meets it: `npm run <script> -- --help`
 * prints the usage and exits 0, a wrong option is refused with exit 2, and
 * neither touches anything. "Anything" is watched, not assumed: DATABASE_URL
 * and the embedded server's port lead to a tripwire that counts every
 * connection, SENTRY_DSN to a local endpoint that counts every envelope, the
 * embedded data folder must not appear, and the files scripts write
 * (bench-results.json, bench-memory.json, dist/) must stay as they were.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../src/db/migrations.js';

const SCRIPTS = ['db:seed', 'load', 'import:multifile-auth', 'cleanup:whatsapp-keys', 'test:transactions', 'bench', 'check:reload', 'build'] as const;

/**
 * Each run starts npm and a TypeScript process (tsx): tens of seconds each on a loaded machine, so they run a
 * few at a time, all before the tests read their outcomes. A bound, not a speed check.
 */
const ALL_RUNS_TIMEOUT_MS = 1_200_000;
const CONCURRENT_RUNS = 4;

/** Files a script run could write; each must read the same after every case. */
const WATCHED_FILES = ['bench-results.json', 'bench-memory.json', 'bench-client-lookup.json', 'dist/.build-stamp.json', 'dist/index.js'];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let folder: string;
let tripwire: net.Server;
let tripwireConnections = 0;
let sentry: http.Server;
let sentryEnvelopes = 0;
let env: Record<string, string>;
let filesBefore: Record<string, string | undefined>;

const listen = (server: net.Server) =>
  new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));

const readWatched = () =>
  Object.fromEntries(WATCHED_FILES.map((file) => [file, existsSync(path.join(projectRoot, file)) ? readFileSync(path.join(projectRoot, file), 'utf8') : undefined]));

function npmRun(script: string, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', script, '--', ...args], { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  folder = mkdtempSync(path.join(tmpdir(), 'operator-scripts-'));
  tripwire = net.createServer((socket) => {
    tripwireConnections += 1;
    socket.destroy();
  });
  sentry = http.createServer((request, response) => {
    sentryEnvelopes += 1;
    request.resume();
    request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  const tripwirePort = await listen(tripwire);
  const sentryPort = await listen(sentry);
  const databaseUrl = `postgresql://operator:secret@127.0.0.1:${tripwirePort}/app`;
  env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    NODE_ENV: 'development',
    // No env file: what is asserted must not depend on a developer's .env.
    ENV_FILE: 'none',
    DATABASE_URL: databaseUrl,
    DIRECT_DATABASE_URL: databaseUrl,
    EMBEDDED_PG_PORT: String(tripwirePort),
    EMBEDDED_PG_DATA_DIR: path.join(folder, 'postgres'),
    SENTRY_DSN: `http://public@127.0.0.1:${sentryPort}/1`,
  };
  filesBefore = readWatched();
});

afterAll(async () => {
  await new Promise((resolve) => tripwire.close(resolve));
  await new Promise((resolve) => sentry.close(resolve));
  rmSync(folder, { recursive: true, force: true });
});

/** Every run the tests below read, keyed by its command line. */
const runs = new Map<string, Run>();
const CASES: [string, string[]][] = [
  ...SCRIPTS.map((script): [string, string[]] => [script, ['--help']]),
  ...SCRIPTS.map((script): [string, string[]] => [script, ['--no-such-option']]),
  ['load', ['--conversations', '5', '--duration', 'soon']],
  ['import:multifile-auth', ['--dir', '.']],
];
const key = (script: string, args: string[]) => [script, ...args].join(' ');
const outcome = (script: string, args: string[]) => runs.get(key(script, args))!;

beforeAll(async () => {
  const queue = [...CASES];
  await Promise.all(
    Array.from({ length: CONCURRENT_RUNS }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) runs.set(key(...next), await npmRun(...next));
    }),
  );
}, ALL_RUNS_TIMEOUT_MS);

describe('operator scripts, run through npm', () => {
  test.each(SCRIPTS)('when `npm run %s -- --help` is run, then it prints the usage, its options and exit codes, and exits 0', (script) => {
    const run = outcome(script, ['--help']);
    expect({ script, code: run.code, stderr: run.stderr }).toEqual({ script, code: 0, stderr: '' });
    expect(run.stdout.startsWith(`usage: npm run ${script} --`)).toBe(true);
    expect(run.stdout).toContain('-h, --help');
    expect(run.stdout).toMatch(/exit codes: 0 /);
  });

  test.each(SCRIPTS)('when `npm run %s` gets an option it does not know, then it exits 2 naming the option, with the usage on stderr', (script) => {
    const run = outcome(script, ['--no-such-option']);
    expect({ script, code: run.code, stdout: run.stdout }).toEqual({ script, code: 2, stdout: '' });
    expect(run.stderr).toContain(`${script}: Unknown option '--no-such-option'`);
    expect(run.stderr).toContain(`usage: npm run ${script} --`);
  });

  test('when `npm run load -- --conversations 5 --duration soon` is run, then the spaced value is taken and the bad one is refused with exit 2', () => {
    const run = outcome('load', ['--conversations', '5', '--duration', 'soon']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('load: --duration must be a number greater than 0 (got "soon")');
  });

  test('when `npm run import:multifile-auth` is run without --session, then it exits 2 saying --session is required', () => {
    const run = outcome('import:multifile-auth', ['--dir', '.']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('import:multifile-auth: --session is required');
  });

  test('when all of the runs above are over, then none connected to the database, reported to Sentry, created the embedded data folder or changed a file', () => {
    expect(runs.size).toBe(CASES.length);
    expect(tripwireConnections).toBe(0);
    expect(sentryEnvelopes).toBe(0);
    expect(existsSync(path.join(folder, 'postgres'))).toBe(false);
    expect(readWatched()).toEqual(filesBefore);
  });
});
