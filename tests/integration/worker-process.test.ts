/**
 * The real worker process: it runs the key cleanup at start, records the run
 * in job_runs, and on SIGTERM finishes its shutdown (logged to the last line)
 * and exits 0.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { isAlive, pollUntil } from '../helpers/api-process.js';
import { runAdminSql } from '../../src/db/admin-sql.js';
import { projectRoot } from '../../src/db/migrations.js';

/** The worker with its output going to a file, as under PM2 or systemd. */
function spawnWorker(env: Record<string, string>, logFile: string) {
  const fd = openSync(logFile, 'w');
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', './src/instrument.ts', 'src/worker.ts'], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'test', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', fd, fd],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, output: () => readFileSync(logFile, 'utf8') };
}

describe('worker process', () => {
  let database: TestDatabase;
  let logDir: string;
  beforeAll(async () => {
    database = await createTestDatabase();
    logDir = mkdtempSync(path.join(tmpdir(), 'ai-admin-data-worker-log-'));
  });
  afterAll(async () => {
    await database.drop();
    rmSync(logDir, { recursive: true, force: true });
  });

  test('when started, then it runs the cleanup once; when sent SIGTERM, then it logs a complete shutdown and exits 0', async () => {
    await runAdminSql(
      database.url,
      `INSERT INTO whatsapp_keys (session_id, type, key_id, value, expires_at, updated_at)
       VALUES ('s1', 'pre-key', '1', 'v', now() - interval '1 day', now()), ('s1', 'session', 'a', 'v', NULL, now())`,
    );
    const worker = spawnWorker({ DATABASE_URL: database.url }, path.join(logDir, 'worker.log'));
    try {
      const run = await pollUntil(async () => {
        const { rows } = await runAdminSql<{ status: string; stats: { deleted?: number } }>(
          database.url,
          "SELECT status::text, stats FROM job_runs WHERE job_name = 'whatsapp-key-cleanup' AND finished_at IS NOT NULL",
        );
        return rows[0];
      }, 'the start-up cleanup run');
      expect(run.status).toBe('succeeded');
      expect(run.stats.deleted).toBe(1);
      const { rows } = await runAdminSql<{ key_id: string }>(database.url, 'SELECT key_id FROM whatsapp_keys');
      expect(rows.map((row) => row.key_id)).toEqual(['a']);

      worker.child.kill('SIGTERM');
      await expect(worker.exited).resolves.toEqual({ code: 0, signal: null });
      expect(worker.output()).toContain('"msg":"shutdown complete"');
      expect(isAlive(worker.child.pid)).toBe(false);
    } finally {
      if (isAlive(worker.child.pid)) worker.child.kill('SIGKILL');
    }
  });
});
