import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BufferJSON, useMultiFileAuthState } from '@whiskeysockets/baileys';
import { createTestStack, type TestStack } from '../helpers/test-stack.js';
import { importMultiFileAuth } from '../../src/whatsapp/import-multifile-auth.js';
import { usePostgresAuthState } from '../../src/whatsapp/auth-state.js';
import { noopReporter } from '../../src/observability/error-reporter.js';
import { mixedKeySet } from '../helpers/whatsapp-key-samples.js';

let stack: TestStack;
let folder: string;
beforeAll(async () => {
  stack = await createTestStack();
  folder = await mkdtemp(path.join(tmpdir(), 'whatsapp-import-'));
});
afterAll(async () => {
  await stack?.close();
  if (folder) await rm(folder, { recursive: true, force: true });
});

const canonical = (value: unknown) => JSON.parse(JSON.stringify(value, BufferJSON.replacer)) as unknown;

describe('importMultiFileAuth', () => {
  test('when a Baileys folder is imported twice, then every file verifies, nothing is duplicated, and the store answers like the folder', async () => {
    const files = await useMultiFileAuthState(folder);
    Object.assign(files.state.creds, { registrationId: 4321, me: { id: '79000000002:3@s.whatsapp.net' } });
    await files.saveCreds();
    const data = mixedKeySet(300);
    await files.state.keys.set(data);
    const options = { dir: folder, sessionId: 'imported', db: stack.db, pool: stack.pool, reporter: noopReporter };

    const first = await importMultiFileAuth(options);
    const rowsAfterFirst = await stack.db.whatsappKey.count({ where: { sessionId: 'imported' } });
    const second = await importMultiFileAuth(options);

    expect(first).toMatchObject({ files: 301, credsImported: true, keysImported: 300, verified: 301, mismatched: 0, unrecognised: 0 });
    expect(second).toEqual(first);
    expect(rowsAfterFirst).toBe(300);
    expect(await stack.db.whatsappKey.count({ where: { sessionId: 'imported' } })).toBe(300);

    const store = await usePostgresAuthState(stack.db, 'imported', { pool: stack.pool });
    expect(canonical(store.state.creds)).toEqual(canonical((await useMultiFileAuthState(folder)).state.creds));
    for (const [type, entries] of Object.entries(data)) {
      const ids = Object.keys(entries ?? {});
      expect(canonical(await store.state.keys.get(type as 'session', ids))).toEqual(canonical(await files.state.keys.get(type as 'session', ids)));
    }
  });

  test('when the folder holds a file that is not Baileys auth state, then it is counted as unrecognised and the rest still imports', async () => {
    const dir = await mkdtemp(path.join(folder, 'odd-'));
    const files = await useMultiFileAuthState(dir);
    await files.state.keys.set({ 'lid-mapping': { '79001234567': '1234' } });
    await writeFile(path.join(dir, 'notes.txt'), 'hello');

    const report = await importMultiFileAuth({ dir, sessionId: 'odd', db: stack.db, reporter: noopReporter });

    expect(report).toMatchObject({ files: 2, credsImported: false, keysImported: 1, verified: 1, mismatched: 0, unrecognised: 1 });
  });
});
