import { randomBytes } from 'node:crypto';
import { createTestStack, type TestStack } from '../helpers/test-stack.js';
import { usePostgresAuthState } from '../../src/whatsapp/auth-state.js';
import { KeyEncryptionError } from '../../src/whatsapp/key-encryption.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await createTestStack();
});
afterAll(async () => {
  await stack?.close();
});

const key = randomBytes(32).toString('hex');
const otherKey = randomBytes(32).toString('base64');
let counter = 0;
const newSession = () => `enc-session-${++counter}`;

async function rawRows(sessionId: string) {
  const keys = await stack.pool.query<{ key_id: string; value: string }>('SELECT key_id, value FROM whatsapp_keys WHERE session_id = $1 ORDER BY key_id', [sessionId]);
  const creds = await stack.pool.query<{ creds: string }>('SELECT creds::text AS creds FROM whatsapp_auth WHERE session_id = $1', [sessionId]);
  return { keys: keys.rows, creds: creds.rows[0]?.creds };
}

async function writeSession(sessionId: string, encryptionKey: string | undefined) {
  const auth = await usePostgresAuthState(stack.db, sessionId, { pool: stack.pool, encryptionKey });
  Object.assign(auth.state.creds, { registrationId: 321 });
  await auth.saveCreds();
  await auth.state.keys.set({ session: { 'a.0': new Uint8Array([1, 2, 3]) }, 'lid-mapping': { '7900': '1234' } });
  return auth;
}

describe('auth state encryption at rest', () => {
  test('when a key is configured, then creds and key values are stored encrypted and read back as written', async () => {
    const sessionId = newSession();
    await writeSession(sessionId, key);

    const rows = await rawRows(sessionId);
    expect(rows.keys.every((row) => row.value.startsWith('enc:v1:'))).toBe(true);
    expect(rows.creds?.startsWith('"enc:v1:')).toBe(true);
    expect(rows.creds).not.toContain('registrationId');

    const reopened = await usePostgresAuthState(stack.db, sessionId, { encryptionKey: key });
    expect(reopened.state.creds.registrationId).toBe(321);
    expect(await reopened.state.keys.get('lid-mapping', ['7900'])).toEqual({ '7900': '1234' });
    expect(await reopened.state.keys.get('session', ['a.0'])).toEqual({ 'a.0': Buffer.from([1, 2, 3]) });
  });

  test('when no key is configured, then values are plain BufferJSON text', async () => {
    const sessionId = newSession();
    await writeSession(sessionId, undefined);

    const rows = await rawRows(sessionId);
    expect(rows.keys.map((row) => row.value)).toContain('"1234"');
    expect(JSON.parse(rows.creds ?? '{}').registrationId).toBe(321);
  });

  test('when encryption is turned on for a session written in plain text, then the old rows still read and new writes are encrypted', async () => {
    const sessionId = newSession();
    await writeSession(sessionId, undefined);

    const encrypted = await usePostgresAuthState(stack.db, sessionId, { pool: stack.pool, encryptionKey: key });
    expect(encrypted.state.creds.registrationId).toBe(321);
    expect(await encrypted.state.keys.get('lid-mapping', ['7900'])).toEqual({ '7900': '1234' });
    await encrypted.state.keys.set({ 'lid-mapping': { '7901': '5678' } });
    await encrypted.saveCreds();

    const rows = await rawRows(sessionId);
    expect(rows.keys.find((row) => row.key_id === '7901')?.value.startsWith('enc:v1:')).toBe(true);
    expect(rows.keys.find((row) => row.key_id === '7900')?.value).toBe('"1234"');
    expect(rows.creds?.startsWith('"enc:v1:')).toBe(true);
  });

  test('when the session is opened with the wrong key, then it fails clearly and no row changes', async () => {
    const sessionId = newSession();
    await writeSession(sessionId, key);
    const before = await rawRows(sessionId);

    const opening = usePostgresAuthState(stack.db, sessionId, { encryptionKey: otherKey });

    await expect(opening).rejects.toThrow(KeyEncryptionError);
    await expect(opening).rejects.toThrow(/another WHATSAPP_KEYS_ENCRYPTION_KEY/);
    expect(await rawRows(sessionId)).toEqual(before);
  });

  test('when the key is missing for an encrypted session, then loading fails clearly instead of minting new creds, and no row changes', async () => {
    const sessionId = newSession();
    await writeSession(sessionId, key);
    const before = await rawRows(sessionId);

    await expect(usePostgresAuthState(stack.db, sessionId, {})).rejects.toThrow(/WHATSAPP_KEYS_ENCRYPTION_KEY is not set/);
    expect(await rawRows(sessionId)).toEqual(before);
  });

  test('when a key value was encrypted under another key, then keys.get throws instead of reporting the key absent', async () => {
    const sessionId = newSession();
    await writeSession(sessionId, undefined);
    const other = await usePostgresAuthState(stack.db, sessionId, { encryptionKey: otherKey });
    await other.state.keys.set({ session: { 'b.0': new Uint8Array([4]) } });

    const mine = await usePostgresAuthState(stack.db, sessionId, { encryptionKey: key });

    await expect(mine.state.keys.get('session', ['b.0'])).rejects.toThrow(KeyEncryptionError);
  });
});
