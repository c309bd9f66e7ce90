import { expiresAtFor, keyExpiryPolicy } from '../../src/whatsapp/key-expiry.js';

const now = new Date('2026-01-01T00:00:00Z');
const days = (n: number) => new Date(now.getTime() + n * 86_400_000);

describe('key expiry policy', () => {
  const policy = keyExpiryPolicy({ WHATSAPP_PRE_KEY_TTL_DAYS: 30, WHATSAPP_SENDER_KEY_MEMORY_TTL_DAYS: 14, WHATSAPP_TCTOKEN_TTL_DAYS: 28 });

  test.each([
    ['pre-key', 30],
    ['sender-key-memory', 14],
    ['tctoken', 28],
  ])('when a %s key is written, then it expires after its configured days', (type, ttl) => {
    expect(expiresAtFor(policy, type, now)).toEqual(days(ttl));
  });

  test.each(['session', 'identity-key', 'sender-key', 'app-state-sync-key', 'app-state-sync-version', 'lid-mapping', 'device-list', 'a-future-type', 'constructor'])(
    'when a %s key is written, then it never expires',
    (type) => {
      expect(expiresAtFor(policy, type, now)).toBeNull();
    },
  );
});
