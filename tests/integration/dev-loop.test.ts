/**
 * The API process as a developer meets it: an env file below the real
 * environment, the start banner in a terminal-style (pretty) run, JSON-only
 * output otherwise, and `npm run dev` restarting on a save.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../src/db/migrations.js';
import { freePort } from '../../src/net/free-port.js';
import { pollUntil, spawnApi, waitUntilReady, API_START_BUDGET_MS } from '../helpers/api-process.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

/** Each test starts a TypeScript process (two for the restart): minutes on a loaded machine. A bound, not a speed check. */
const PROCESS_TEST_TIMEOUT_MS = 2 * API_START_BUDGET_MS + 120_000;

let database: TestDatabase;
let folder: string;

beforeAll(async () => {
  database = await createTestDatabase();
  folder = mkdtempSync(path.join(tmpdir(), 'dev-loop-'));
});

afterAll(async () => {
  await database?.drop();
  rmSync(folder, { recursive: true, force: true });
});

describe('API start-up for a developer', () => {
  test('when an env file sets PORT and LOG_FORMAT=pretty and the environment sets PORT, then the environment port is used and the banner names the URL, every route and the next step', async () => {
    const envFile = path.join(folder, 'pretty.env');
    writeFileSync(envFile, 'PORT=1\nLOG_FORMAT=pretty\nWHATSAPP_FILES_WARNING=123\n');
    const port = await freePort();
    const api = spawnApi({ DATABASE_URL: database.url, ENV_FILE: envFile }, port);
    try {
      await waitUntilReady(api);
      await pollUntil(async () => (api.output().includes('stop: Ctrl-C') ? true : undefined), 'the banner');
      const output = api.output();
      expect(output).toContain(`ai-admin-data is listening on http://127.0.0.1:${port}`);
      expect(output).toContain('  database: DATABASE_URL\n');
      expect(output).toContain(`env file: ${path.relative(projectRoot, envFile)} (2 keys; variables already in the environment win)`);
      for (const route of ['GET /health', 'GET /health/ready', 'GET /metrics', 'GET /api/companies/:companyId/staff/:staffId/schedules']) {
        expect(output).toContain(`    ${route}\n`);
      }
      expect(output).toContain(`next: npm run db:seed (a demo salon), then: curl http://127.0.0.1:${port}/api/companies/962302/staff`);
      // The file's value reached the configuration (a key the environment did not set).
      const health = (await (await fetch(`${api.baseUrl}/health/whatsapp`)).json()) as { thresholds?: { files?: { warning?: number } } };
      expect(JSON.stringify(health)).toContain('123');
      expect(output).not.toContain(database.url);
    } finally {
      api.child.kill('SIGTERM');
      await api.exited;
    }
  }, PROCESS_TEST_TIMEOUT_MS);

  test('when stdout is not a terminal and LOG_FORMAT is json, then every line is JSON and the listening line carries the URL, the routes and the next step', async () => {
    const port = await freePort();
    const api = spawnApi({ DATABASE_URL: database.url, ENV_FILE: 'none' }, port);
    try {
      await waitUntilReady(api);
      const listening = await pollUntil(
        async () => api.output().split('\n').find((line) => line.includes('"msg":"ai-admin-data listening on port')),
        'the listening line',
      );
      expect(JSON.parse(listening)).toMatchObject({
        url: `http://127.0.0.1:${port}`,
        routes: expect.arrayContaining(['GET /health', 'GET /api/companies/:companyId/services']),
        next: expect.stringContaining('npm run db:seed'),
      });
    } finally {
      api.child.kill('SIGTERM');
      await api.exited;
    }
    const lines = api.output().trim().split('\n');
    expect(lines.filter((line) => !line.startsWith('{'))).toEqual([]);
  }, PROCESS_TEST_TIMEOUT_MS);

  test('when `npm run dev` is running and a source file is saved, then it restarts and serves again, with pretty logs; Ctrl-C stops it', async () => {
    const port = await freePort();
    const child = spawn('npm', ['run', 'dev'], {
      cwd: projectRoot,
      // Its own process group, like a terminal's foreground job: Ctrl-C reaches npm, tsx and the API at once.
      detached: true,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'development', ENV_FILE: 'none', DATABASE_URL: database.url, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const listenings = () => output.split('ai-admin-data is listening on').length - 1;
    const healthy = async () => ((await fetch(`http://127.0.0.1:${port}/health`)).status === 200 ? true : undefined);
    try {
      await pollUntil(async () => (listenings() >= 1 ? healthy() : undefined), 'npm run dev to serve', API_START_BUDGET_MS / 100);
      expect(output).toMatch(/\] INFO \(ai-admin-data\): ai-admin-data listening on port \d+/);
      // A save: the content is unchanged, the watcher sees the new modification time.
      const saved = path.join(projectRoot, 'src', 'api', 'start-banner.ts');
      const now = new Date();
      utimesSync(saved, now, now);
      await pollUntil(async () => (listenings() >= 2 ? healthy() : undefined), 'npm run dev to restart and serve again', API_START_BUDGET_MS / 100);
      expect(output).toContain('shutdown complete');
    } finally {
      process.kill(-child.pid!, 'SIGINT');
      await exited;
    }
  }, PROCESS_TEST_TIMEOUT_MS);
});
