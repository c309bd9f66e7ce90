/**
 * The Baileys service over a lost session lock, with the real lock against
 * PostgreSQL and a stand-in for Baileys' socket (no connection to WhatsApp):
 * the socket is ended, the lock taken back, and a new socket started.
 */
import { EventEmitter } from 'node:events';
import { jest } from '@jest/globals';
import { createTestStack, type TestStack } from '../helpers/test-stack.js';
import { waitFor } from '../helpers/wait-for.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/observability/logger.js';
import { noopReporter } from '../../src/observability/error-reporter.js';
import { acquireSessionLock, SessionLockedError } from '../../src/whatsapp/session-lock.js';

interface FakeSocket {
  ev: EventEmitter;
  end: jest.Mock;
}
const sockets: FakeSocket[] = [];

const actual = await import('@whiskeysockets/baileys');
jest.unstable_mockModule('@whiskeysockets/baileys', () => ({
  ...actual,
  makeWASocket: () => {
    const socket: FakeSocket = { ev: new EventEmitter(), end: jest.fn() };
    sockets.push(socket);
    return socket;
  },
}));
const { startBaileysService } = await import('../../src/whatsapp/baileys-service.js');

let stack: TestStack;
beforeAll(async () => {
  stack = await createTestStack();
});
afterAll(async () => {
  await stack?.close();
});

async function terminateLockHolders(): Promise<void> {
  await stack.pool.query(
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'ai-admin-data-whatsapp-session-lock' AND datname = current_database()",
  );
}

describe('startBaileysService', () => {
  test('when the session lock connection is lost, then the socket is ended, the lock taken back and a new socket started; stop() ends it all', async () => {
    const config = loadConfig({ WHATSAPP_ENABLED: 'true', WHATSAPP_SESSION_ID: 'svc-1' });
    const service = await startBaileysService({
      config,
      db: stack.db,
      pool: stack.pool,
      logger: silentLogger,
      reporter: noopReporter,
      lockRetry: { initialDelayMs: 10, maxDelayMs: 40 },
    });
    try {
      expect(sockets).toHaveLength(1);
      sockets[0]?.ev.emit('connection.update', { connection: 'open' });
      expect(service.status()).toEqual({ lockHeld: true, socketOpen: true });

      await terminateLockHolders();
      await waitFor(() => sockets.length === 2);

      expect(sockets[0]?.end).toHaveBeenCalled();
      expect(service.status()).toEqual({ lockHeld: true, socketOpen: false });
      await expect(acquireSessionLock({ connectionString: stack.database.url }, 'svc-1')).rejects.toThrow(SessionLockedError);
      // The ended socket's late close must not touch the new socket's state.
      sockets[1]?.ev.emit('connection.update', { connection: 'open' });
      sockets[0]?.ev.emit('connection.update', { connection: 'close' });
      expect(service.status()).toEqual({ lockHeld: true, socketOpen: true });
    } finally {
      await service.stop();
    }

    expect(sockets[1]?.end).toHaveBeenCalled();
    expect(service.status()).toEqual({ lockHeld: false, socketOpen: false });
    const after = await acquireSessionLock({ connectionString: stack.database.url }, 'svc-1');
    await after.release();
  });
});
