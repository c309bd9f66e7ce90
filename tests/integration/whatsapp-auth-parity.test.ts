/**
 * The same sequence of operations against Baileys' own useMultiFileAuthState
 * (in a temp folder) and against the PostgreSQL store: every result equal.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BufferJSON, initAuthCreds, proto, useMultiFileAuthState, type AuthenticationState, type SignalDataSet } from '@whiskeysockets/baileys';
import { createTestStack, type TestStack } from '../helpers/test-stack.js';
import { usePostgresAuthState } from '../../src/whatsapp/auth-state.js';
import { KNOWN_KEY_TYPES, mixedKeySet, sampleId, sampleValue } from '../helpers/whatsapp-key-samples.js';

let stack: TestStack;
let folder: string;
beforeAll(async () => {
  stack = await createTestStack();
  folder = await mkdtemp(path.join(tmpdir(), 'whatsapp-parity-'));
});
afterAll(async () => {
  await stack?.close();
  if (folder) await rm(folder, { recursive: true, force: true });
});

interface Store {
  state: AuthenticationState;
  saveCreds(): Promise<void>;
}

/** What a get means to Baileys: the file store reports missing ids as null, ours leaves them out. */
const present = (result: Record<string, unknown>) => Object.fromEntries(Object.entries(result).filter(([, value]) => value !== null && value !== undefined));
const canonical = (value: unknown) => JSON.parse(JSON.stringify(value, BufferJSON.replacer)) as unknown;

interface Plan {
  startCreds: AuthenticationState['creds'];
  data: SignalDataSet;
  changes: SignalDataSet;
}

/** Built once (the sample values are random), then run against both stores. */
function makePlan(): Plan {
  const types = [...KNOWN_KEY_TYPES, 'future-type'];
  const data = mixedKeySet(220, 0, types);
  const changes: Record<string, Record<string, unknown>> = {};
  for (const [type, entries] of Object.entries(data)) {
    const ids = Object.keys(entries ?? {});
    // Delete one (null), overwrite one, add one, in one call.
    changes[type] = { [ids[0] as string]: null, [ids[1] as string]: sampleValue(type, 999), [sampleId(type, 5_000)]: sampleValue(type, 5_000) };
  }
  return { startCreds: initAuthCreds(), data, changes: changes as SignalDataSet };
}

const idsOf = (set: SignalDataSet) => Object.entries(set).map(([type, entries]) => [type, Object.keys(entries ?? {})] as const);

/** Runs the plan and returns everything observed along the way. */
async function runSequence(open: () => Promise<Store>, plan: Plan): Promise<unknown[]> {
  const observed: unknown[] = [];
  let store = await open();
  Object.assign(store.state.creds, plan.startCreds);
  await store.saveCreds();
  await store.state.keys.set(plan.data);
  for (const [type, ids] of idsOf(plan.data)) {
    const got = await store.state.keys.get(type as 'session', [...ids, 'never-stored']);
    observed.push([type, canonical(present(got))]);
    if (type === 'app-state-sync-key') observed.push(Object.values(present(got)).every((v) => v instanceof proto.Message.AppStateSyncKeyData));
  }
  await store.state.keys.set(plan.changes);
  Object.assign(store.state.creds, { registrationId: 777, me: { id: '79000000001:2@s.whatsapp.net', name: 'parity' } });
  await store.saveCreds();

  // Reopen as after a restart and read everything again.
  store = await open();
  observed.push(canonical(store.state.creds));
  for (const [type, ids] of idsOf(plan.changes)) {
    const got = await store.state.keys.get(type as 'session', [...ids, ...Object.keys(plan.data[type as 'session'] ?? {})]);
    observed.push([type, canonical(present(got))]);
  }
  return observed;
}

describe('PostgreSQL store against useMultiFileAuthState', () => {
  test('when the same operations run against both, then every result is identical', async () => {
    const plan = makePlan();

    const fromFiles = await runSequence(() => useMultiFileAuthState(folder), plan);
    const fromPostgres = await runSequence(() => usePostgresAuthState(stack.db, 'parity', { pool: stack.pool }), plan);

    expect(fromPostgres).toEqual(fromFiles);
    expect(fromFiles).toContain(true);
  });
});
