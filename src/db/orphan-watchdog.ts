/**
 * Stops the embedded PostgreSQL when the Node process that started it dies
 * without stopping it (kill -9, an OOM kill): PostgreSQL cannot notice its
 * parent is gone, and an orphan would keep the port and the data folder
 * forever (the next `npm start` would fail, and scripts would use it).
 *
 * A tiny detached shell polls the parent once a second and sends the server
 * SIGINT (fast shutdown: data is safe) once the parent is gone. A clean stop
 * ends the watchdog first, so it never signals a server it does not own.
 */
import { spawn } from 'node:child_process';

const SCRIPT = 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; kill -INT "$2" 2>/dev/null';

export function startOrphanWatchdog(parentPid: number, serverPid: number): { stop(): void } {
  if (process.platform === 'win32') return { stop: () => undefined };
  const child = spawn('sh', ['-c', SCRIPT, 'ai-admin-data-pg-watchdog', String(parentPid), String(serverPid)], {
    detached: true,
    stdio: 'ignore',
  });
  child.on('error', () => undefined); // no shell: the server then only stops with us, as before
  child.unref();
  return {
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
