import { jest } from '@jest/globals';
import { BufferJSON, initAuthCreds, proto, type SignalDataSet } from '@whiskeysockets/baileys';
import { createTestStack, type TestStack } from '../helpers/test-stack.js';
import type { OperationEvent } from '../../src/db/prisma-client.js';
import { usePostgresAuthState, type PostgresAuthStateOptions } from '../../src/whatsapp/auth-state.js';
import { KNOWN_KEY_TYPES, mixedKeySet, sampleId, sampleValue } from '../helpers/whatsapp-key-samples.js';

let stack: TestStack;
const operations: OperationEvent[] = [];

beforeAll(async () => {
  stack = await createTestStack({ onOperation: (event) => operations.push(event) });
  // A key the database refuses, to make one write of a batch fail.
  await stack.pool.query(`
    CREATE FUNCTION refuse_poison_key() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN IF NEW.key_id = 'poison' THEN RAISE EXCEPTION 'poison key refused'; END IF; RETURN NEW; END $$;
    CREATE TRIGGER refuse_poison_key BEFORE INSERT OR UPDATE ON whatsapp_keys FOR EACH ROW EXECUTE FUNCTION refuse_poison_key();`);
});
afterAll(async () => {
  await stack?.close();
});

let sessionCounter = 0;
const newSession = () => `session-${++sessionCounter}`;

/** Both executors run the same SQL; the store must behave the same over either. */
const executors: [string, () => PostgresAuthStateOptions][] = [
  ['the Prisma client', () => ({})],
  ['the pg pool', () => ({ pool: stack.pool })],
];

const asJson = (value: unknown) => JSON.stringify(value, BufferJSON.replacer);
/** Same data whatever the key order (JSONB keeps keys in its own order). */
const sameData = (a: unknown, b: unknown) => expect(JSON.parse(asJson(a))).toEqual(JSON.parse(asJson(b)));

describe.each(executors)('usePostgresAuthState over %s', (_name, options) => {
  test('when a Buffer and a Uint8Array are stored, then both come back as Buffers with the same bytes', async () => {
    const auth = await usePostgresAuthState(stack.db, newSession(), options());
    const pair = { public: Buffer.from([1, 2, 3, 255]), private: Buffer.from([0, 0, 7]) };
    const session = new Uint8Array([9, 8, 7, 0, 255]);
    await auth.state.keys.set({ 'pre-key': { '1': pair }, session: { 'a.0': session } });

    const preKeys = await auth.state.keys.get('pre-key', ['1']);
    const sessions = await auth.state.keys.get('session', ['a.0']);

    expect(Buffer.isBuffer(preKeys['1']?.public)).toBe(true);
    expect(Buffer.isBuffer(preKeys['1']?.private)).toBe(true);
    expect(Buffer.from(preKeys['1']?.public ?? []).equals(pair.public)).toBe(true);
    expect(Buffer.isBuffer(sessions['a.0'])).toBe(true);
    expect(Buffer.from(sessions['a.0'] as Uint8Array).equals(Buffer.from(session))).toBe(true);
  });

  test.each([...KNOWN_KEY_TYPES, 'some-future-type'])('when a %s key is set, then get returns the same value', async (type) => {
    const auth = await usePostgresAuthState(stack.db, newSession(), options());
    const id = sampleId(type, 3);
    const value = sampleValue(type, 3);
    await auth.state.keys.set({ [type]: { [id]: value } } as SignalDataSet);

    const got = (await auth.state.keys.get(type as 'session', [id]))[id];

    expect(asJson(got)).toBe(asJson(value));
    if (type === 'app-state-sync-key') expect(got).toBeInstanceOf(proto.Message.AppStateSyncKeyData);
  });

  test('when a key is set to null, then it is deleted and absent from get', async () => {
    const auth = await usePostgresAuthState(stack.db, newSession(), options());
    await auth.state.keys.set({ session: { 'a.0': new Uint8Array([1]), 'b.0': new Uint8Array([2]) } });
    await auth.state.keys.set({ session: { 'a.0': null } });

    const got = await auth.state.keys.get('session', ['a.0', 'b.0']);

    expect(Object.keys(got)).toEqual(['b.0']);
  });

  test('when ids were never stored, then they are absent from the result (not null, not undefined)', async () => {
    const auth = await usePostgresAuthState(stack.db, newSession(), options());
    await auth.state.keys.set({ 'pre-key': { '5': sampleValue('pre-key', 5) as never } });

    const got = await auth.state.keys.get('pre-key', ['4', '5', '6']);

    expect(Object.keys(got)).toEqual(['5']);
    expect('4' in got).toBe(false);
  });

  test('when creds are changed and saved, then a fresh load after a restart sees them byte for byte', async () => {
    const sessionId = newSession();
    const first = await usePostgresAuthState(stack.db, sessionId, options());
    Object.assign(first.state.creds, { registrationId: 4242 });
    first.state.creds.me = { id: '79000000000:1@s.whatsapp.net', name: 'salon' };
    await first.saveCreds();

    const reopened = await usePostgresAuthState(stack.db, sessionId, options());

    expect(reopened.state.creds.registrationId).toBe(4242);
    expect(reopened.state.creds.me?.id).toBe('79000000000:1@s.whatsapp.net');
    expect(Buffer.isBuffer(reopened.state.creds.noiseKey.private)).toBe(true);
    sameData(reopened.state.creds, first.state.creds);
  });

  test('when a session has no creds yet, then fresh creds are made and nothing is written until saveCreds', async () => {
    const sessionId = newSession();
    const auth = await usePostgresAuthState(stack.db, sessionId, options());

    expect(auth.state.creds.registrationId).toBeGreaterThan(0);
    expect(Object.keys(auth.state.creds).sort()).toEqual(Object.keys(initAuthCreds()).sort());
    expect(await stack.db.whatsappAuth.count({ where: { sessionId } })).toBe(0);
  });

  test('when 1,000 keys are set in one call, then all 1,000 read back', async () => {
    const auth = await usePostgresAuthState(stack.db, newSession(), options());
    const data = mixedKeySet(1_000);
    await auth.state.keys.set(data);

    let found = 0;
    for (const [type, entries] of Object.entries(data)) {
      const ids = Object.keys(entries ?? {});
      const got = await auth.state.keys.get(type as 'session', ids);
      for (const id of ids) expect(asJson(got[id])).toBe(asJson((entries as Record<string, unknown>)[id]));
      found += Object.keys(got).length;
    }
    expect(found).toBe(1_000);
  });

  test('when overlapping sets of the same key are issued without waiting, then the last issued value wins', async () => {
    const auth = await usePostgresAuthState(stack.db, newSession(), options());
    const writes = Array.from({ length: 20 }, (_, i) =>
      auth.state.keys.set({ 'lid-mapping': { shared: `value-${i}`, [`own-${i}`]: `own-${i}` }, session: i % 2 ? { 'x.0': null } : { 'x.0': new Uint8Array([i]) } }),
    );
    await Promise.all(writes);

    expect((await auth.state.keys.get('lid-mapping', ['shared'])).shared).toBe('value-19');
    expect(await auth.state.keys.get('session', ['x.0'])).toEqual({});
  });

  test('when a set mixes writes and deletes and one write fails, then nothing of that call is applied and the error is thrown', async () => {
    const sessionId = newSession();
    const auth = await usePostgresAuthState(stack.db, sessionId, options());
    await auth.state.keys.set({ session: { 'keep.0': new Uint8Array([1]) } });
    const failing = auth.state.keys.set({ session: { 'keep.0': null }, 'lid-mapping': { fine: 'x', poison: 'refused' } });

    await expect(failing).rejects.toThrow();
    expect(Object.keys(await auth.state.keys.get('session', ['keep.0']))).toEqual(['keep.0']);
    expect(await auth.state.keys.get('lid-mapping', ['fine'])).toEqual({});
  });

  test('when sessions X and X:b both store the same key id, then neither sees or removes the other', async () => {
    const base = newSession();
    const a = await usePostgresAuthState(stack.db, base, options());
    const b = await usePostgresAuthState(stack.db, `${base}:b`, options());
    await a.state.keys.set({ 'lid-mapping': { 'same:id/with__odd-chars': 'from-a' } });
    await b.state.keys.set({ 'lid-mapping': { 'same:id/with__odd-chars': 'from-b' } });
    await a.saveCreds();
    await b.saveCreds();

    await b.removeAuthState();

    expect(await a.state.keys.get('lid-mapping', ['same:id/with__odd-chars'])).toEqual({ 'same:id/with__odd-chars': 'from-a' });
    expect(await b.state.keys.get('lid-mapping', ['same:id/with__odd-chars'])).toEqual({});
    expect(await stack.db.whatsappKey.findMany({ where: { sessionId: base }, select: { keyId: true } })).toEqual([{ keyId: 'same:id/with__odd-chars' }]);
  });

  test('when removeAuthState runs, then the creds and every key of the session are gone and the next load starts fresh', async () => {
    const sessionId = newSession();
    const auth = await usePostgresAuthState(stack.db, sessionId, options());
    Object.assign(auth.state.creds, { registrationId: 7 });
    await auth.saveCreds();
    await auth.state.keys.set(mixedKeySet(50));

    await auth.removeAuthState();

    expect(await stack.db.whatsappKey.count({ where: { sessionId } })).toBe(0);
    expect(await stack.db.whatsappAuth.count({ where: { sessionId } })).toBe(0);
    expect((await usePostgresAuthState(stack.db, sessionId, options())).state.creds.registrationId).not.toBe(7);
  });

  test('when saves overlap, then the stored creds are the latest and every call resolves after a write that saw its change', async () => {
    const sessionId = newSession();
    const auth = await usePostgresAuthState(stack.db, sessionId, options());
    const saves: Promise<void>[] = [];
    for (let i = 1; i <= 10; i += 1) {
      Object.assign(auth.state.creds, { registrationId: i });
      saves.push(auth.saveCreds());
    }
    await Promise.all(saves);

    expect((await usePostgresAuthState(stack.db, sessionId, options())).state.creds.registrationId).toBe(10);
  });

  test('when a key has expired, then get leaves it out even before cleanup deletes it', async () => {
    const sessionId = newSession();
    const past = new Date('2020-01-01T00:00:00Z');
    const auth = await usePostgresAuthState(stack.db, sessionId, { ...options(), clock: () => past });
    await auth.state.keys.set({ tctoken: { 't@s.whatsapp.net': { token: Buffer.from([1]) } }, session: { 'a.0': new Uint8Array([1]) } });

    expect(await auth.state.keys.get('tctoken', ['t@s.whatsapp.net'])).toEqual({});
    expect(Object.keys(await auth.state.keys.get('session', ['a.0']))).toEqual(['a.0']);
    expect(await stack.db.whatsappKey.count({ where: { sessionId } })).toBe(2);
  });
});

describe('keys.get of many ids', () => {
  test('when 500 ids are read through the Prisma client, then it is a single query', async () => {
    const auth = await usePostgresAuthState(stack.db, newSession());
    const ids = Array.from({ length: 500 }, (_, i) => String(i));
    await auth.state.keys.set({ 'pre-key': Object.fromEntries(ids.slice(0, 250).map((id, i) => [id, sampleValue('pre-key', i)])) as never });
    operations.length = 0;

    const got = await auth.state.keys.get('pre-key', ids);

    expect(Object.keys(got)).toHaveLength(250);
    expect(operations).toHaveLength(1);
  });

  test('when 500 ids are read through the pg pool, then it is a single query', async () => {
    const auth = await usePostgresAuthState(stack.db, newSession(), { pool: stack.pool });
    const ids = Array.from({ length: 500 }, (_, i) => String(i));
    await auth.state.keys.set({ 'pre-key': Object.fromEntries(ids.map((id, i) => [id, sampleValue('pre-key', i)])) as never });
    const query = jest.spyOn(stack.pool, 'query');
    try {
      const got = await auth.state.keys.get('pre-key', ids);

      expect(Object.keys(got)).toHaveLength(500);
      expect(query).toHaveBeenCalledTimes(1);
    } finally {
      query.mockRestore();
    }
  });
});
