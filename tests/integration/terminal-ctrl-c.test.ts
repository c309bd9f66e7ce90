/**
 * `npm start` in a real pseudo-terminal (util-linux `script`), stopped with
 * Ctrl-C as a developer does: the terminal sends SIGINT to npm, node and the
 * embedded PostgreSQL together, and npm forwards another SIGINT to node. The
 * service must still finish its shutdown and leave no PostgreSQL behind.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../src/db/migrations.js';
import { freePort } from '../../src/net/free-port.js';
import { isAlive, pollUntil } from '../helpers/api-process.js';

/** Pids of PostgreSQL processes serving `dataDir` (its postmaster has `-D <dataDir>` on its command line). */
function postgresPidsFor(dataDir: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', `postgres -D ${dataDir}`], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

describe('npm start in a terminal', () => {
  let workDir: string;
  let dataDir: string;
  let terminal: ChildProcess | undefined;

  beforeAll(() => {
    workDir = mkdtempSync(path.join(tmpdir(), 'ai-admin-data-ctrl-c-'));
    // As root the embedded server runs as the postgres user, which must reach the folder.
    chmodSync(workDir, 0o755);
    dataDir = path.join(workDir, 'pg');
  });
  afterAll(() => {
    if (terminal?.pid !== undefined && isAlive(terminal.pid)) terminal.kill('SIGKILL');
    for (const pid of postgresPidsFor(dataDir)) process.kill(pid, 'SIGKILL');
    rmSync(workDir, { recursive: true, force: true });
  });

  test('when Ctrl-C is pressed, then "shutdown complete" is logged, npm ends without error and no PostgreSQL process is left', async () => {
    const port = await freePort();
    terminal = spawn('script', ['-qfec', 'npm start', '/dev/null'], {
      cwd: projectRoot,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        TERM: 'dumb',
        PORT: String(port),
        HOST: '127.0.0.1',
        EMBEDDED_PG_PORT: String(await freePort()),
        EMBEDDED_PG_DATA_DIR: dataDir,
        LOG_LEVEL: 'info',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    terminal.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    terminal.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => terminal!.once('exit', (code) => resolve(code)));

    // npm start builds first: generous on a loaded machine.
    await pollUntil(async () => {
      if (terminal!.exitCode !== null) throw new Error(`npm start ended early:\n${output}`);
      return (await fetch(`http://127.0.0.1:${port}/health`)).status === 200 ? true : undefined;
    }, 'npm start to serve /health', 3_000, 100);
    expect(postgresPidsFor(dataDir).length).toBeGreaterThan(0);

    // Ctrl-C typed into the terminal: its line discipline signals the whole foreground process group.
    terminal.stdin?.write('\x03');
    const code = await exited;
    // npm itself was interrupted by the same Ctrl-C: it reports 130 (128 + SIGINT) once the service has exited.
    expect([0, 130]).toContain(code);
    expect(output).toContain('shutdown complete');
    expect(output).not.toContain('forced exit');
    expect(output).not.toContain('shutdown step failed');
    expect(postgresPidsFor(dataDir)).toEqual([]);
  }, 400_000);
});
