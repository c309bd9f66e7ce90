/**
 * The embedded server's own life cycle: an orphan does not outlive the
 * process that started it, and a start that cannot work is one typed error.
 * (Running from a folder the postgres user cannot reach is proven end to end
 * by scripts/smoke-start.sh, which starts the service from a mode-700 copy.)
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../src/db/migrations.js';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.js';
import { freePort } from '../../src/net/free-port.js';
import { silentLogger } from '../../src/observability/logger.js';
import { waitFor } from '../helpers/wait-for.js';

const STARTER = `
import { startEmbeddedPostgres } from ${JSON.stringify(path.join(projectRoot, 'src/db/embedded-postgres.ts'))};
import { silentLogger } from ${JSON.stringify(path.join(projectRoot, 'src/observability/logger.ts'))};
await startEmbeddedPostgres({ dataDir: process.env.DATA_DIR, port: Number(process.env.PG_PORT), password: 'orphan-test', logger: silentLogger });
console.log('ready');
setInterval(() => undefined, 1_000);
`;

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('embedded PostgreSQL', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'ai-admin-data-embedded-'));
    chmodSync(root, 0o755); // as root the server runs as the postgres user and must reach its folder
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  test('when the process that started it is killed with SIGKILL, then the server stops by itself', async () => {
    const port = await freePort();
    const starter = path.join(root, 'starter.mts'); // .mts: an ES module (top-level await) outside the project's package
    writeFileSync(starter, STARTER);
    const child = spawn(process.execPath, ['--import', 'tsx', starter], {
      cwd: projectRoot,
      env: { ...process.env, DATA_DIR: path.join(root, 'data'), PG_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
      child.once('exit', (code) => reject(new Error(`the starter exited with ${code} before the server was ready`)));
    });
    expect(await accepts(port)).toBe(true);

    child.kill('SIGKILL');
    await waitFor(async () => !(await accepts(port)), { attempts: 600, intervalMs: 100 });
    expect(await accepts(port)).toBe(false);
  }, 180_000);

  test('when its port is taken, then start fails with one EmbeddedPostgresError line naming the port', async () => {
    const blocker = net.createServer();
    const port = await new Promise<number>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as net.AddressInfo).port)));
    try {
      const start = startEmbeddedPostgres({ dataDir: path.join(root, 'data'), port, password: 'port-test', logger: silentLogger, ephemeral: true });
      await expect(start).rejects.toMatchObject({ name: 'EmbeddedPostgresError', message: expect.stringMatching(new RegExp(`^embedded PostgreSQL did not start on port ${port} .*port ${port} is taken$`)) });
      await expect(start).rejects.toMatchObject({ message: expect.not.stringContaining('\n') });
    } finally {
      blocker.close();
    }
  }, 180_000);
});
