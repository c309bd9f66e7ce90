/**
 * The API process, started for real, refuses to run with a one-line reason
 * (no stack trace) when its database is unreachable or its port is taken.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../src/db/migrations.js';
import { freePort } from '../../src/net/free-port.js';

interface Outcome {
  code: number | null;
  stderr: string;
  stdout: string;
}

function runApi(env: Record<string, string>): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--import', './src/instrument.ts', 'src/index.ts'], {
      cwd: projectRoot,
      env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'silent', SENTRY_DSN: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('API process start-up failures', () => {
  test('when DATABASE_URL points at a port where nothing listens, then it exits 1 with one line naming the cause', async () => {
    const closedPort = await freePort();
    const outcome = await runApi({ DATABASE_URL: `postgresql://app:hunter2@127.0.0.1:${closedPort}/app`, PORT: String(await freePort()) });
    expect(outcome.code).toBe(1);
    const lines = outcome.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ai-admin-data: cannot connect to PostgreSQL/);
    expect(outcome.stderr).not.toMatch(/\n\s+at /);
    expect(outcome.stderr + outcome.stdout).not.toContain('hunter2');
  });

  test('when the HTTP port is taken, then it exits 1 saying so', async () => {
    const blocker = net.createServer();
    const port = await new Promise<number>((resolve) => blocker.listen(0, '0.0.0.0', () => resolve((blocker.address() as net.AddressInfo).port)));
    try {
      const outcome = await runApi({ DATABASE_URL: process.env.TEST_ADMIN_URL!, PORT: String(port) });
      expect(outcome.code).toBe(1);
      expect(outcome.stderr.trim()).toBe(`ai-admin-data: port ${port} is already in use`);
    } finally {
      blocker.close();
    }
  });

  test('when a configuration value is invalid, then it exits 1 naming the key', async () => {
    const outcome = await runApi({ PORT: 'not-a-port' });
    expect(outcome.code).toBe(1);
    expect(outcome.stderr.trim()).toMatch(/^ai-admin-data: invalid configuration: PORT/);
  });

  test('when there is no DATABASE_URL and the embedded server cannot start (its port is taken), then it exits 1 with one line saying so', async () => {
    const blocker = net.createServer();
    const pgPort = await new Promise<number>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as net.AddressInfo).port)));
    const dataDir = mkdtempSync(path.join(tmpdir(), 'ai-admin-data-startup-'));
    chmodSync(dataDir, 0o755); // as root the server runs as the postgres user and must reach its folder
    try {
      const outcome = await runApi({ DATABASE_URL: '', EMBEDDED_PG_PORT: String(pgPort), EMBEDDED_PG_DATA_DIR: path.join(dataDir, 'pg'), PORT: String(await freePort()) });
      expect(outcome.code).toBe(1);
      const lines = outcome.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^ai-admin-data: embedded PostgreSQL did not start on port ${pgPort} .*port ${pgPort} is taken$`));
    } finally {
      blocker.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
