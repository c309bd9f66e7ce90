import { createTestStack, type TestStack } from '../helpers/test-stack.js';
import { acquireSessionLock, SessionLockedError } from '../../src/whatsapp/session-lock.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await createTestStack();
});
afterAll(async () => {
  await stack?.close();
});

const connection = () => ({ connectionString: stack.database.url });

describe('acquireSessionLock', () => {
  test('when a second process asks for a session that is in use, then it is refused with a message naming the holder', async () => {
    const first = await acquireSessionLock(connection(), 'shop-1');
    try {
      const second = acquireSessionLock(connection(), 'shop-1');
      await expect(second).rejects.toThrow(SessionLockedError);
      await expect(acquireSessionLock(connection(), 'shop-1')).rejects.toThrow(
        /WhatsApp session "shop-1" is already in use by database backend pid \d+ \(ai-admin-data-whatsapp-session-lock/,
      );
    } finally {
      await first.release();
    }
  });

  test('when the holder releases the session, then another process can take it', async () => {
    const first = await acquireSessionLock(connection(), 'shop-2');
    await first.release();

    const second = await acquireSessionLock(connection(), 'shop-2');
    await second.release();
  });

  test('when sessions X and X:b are locked, then each lock is independent', async () => {
    const a = await acquireSessionLock(connection(), 'shop-3');
    const b = await acquireSessionLock(connection(), 'shop-3:b');
    await a.release();
    await b.release();
  });

  test('when the lock connection is terminated, then the lock reports itself lost and the session is free again', async () => {
    const lock = await acquireSessionLock(connection(), 'shop-4');
    await stack.pool.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'ai-admin-data-whatsapp-session-lock' AND datname = current_database()",
    );

    await lock.lost;
    const again = await acquireSessionLock(connection(), 'shop-4');
    await again.release();
    await lock.release();
  });
});
