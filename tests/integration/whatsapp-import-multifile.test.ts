import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BufferJSON, useMultiFileAuthState } from '@whiskeysockets/baileys';
import { createTestStack, type TestStack } from '../helpers/test-stack.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { importMultiFileAuth, ImportWouldOverwriteError } from '../../src/whatsapp/import-multifile-auth.js';
import { projectRoot } from '../../src/db/migrations.js';
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

  /** A folder with creds and a few keys, imported into `sessionId`, then the bot "runs" on PostgreSQL: creds and a key change. */
  async function importThenRun(sessionId: string) {
    const dir = await mkdtemp(path.join(folder, `${sessionId}-`));
    const files = await useMultiFileAuthState(dir);
    Object.assign(files.state.creds, { registrationId: 1111 });
    await files.saveCreds();
    await files.state.keys.set({ session: { '79000000003.0': Buffer.from([1, 2, 3]) } });
    await importMultiFileAuth({ dir, sessionId, db: stack.db, pool: stack.pool, reporter: noopReporter });
    const bot = await usePostgresAuthState(stack.db, sessionId, { pool: stack.pool });
    bot.state.creds.nextPreKeyId += 50;
    await bot.saveCreds();
    await bot.state.keys.set({ session: { '79000000003.0': Buffer.from([9, 9, 9]) } });
    return { dir, newerPreKeyId: bot.state.creds.nextPreKeyId };
  }

  const storedSession = async (sessionId: string) => {
    const store = await usePostgresAuthState(stack.db, sessionId, { pool: stack.pool });
    const keys = await store.state.keys.get('session', ['79000000003.0']);
    return { creds: store.state.creds, key: Buffer.from(keys['79000000003.0'] ?? []) };
  };

  test('when the session already has newer creds than the folder, then the import refuses and writes nothing', async () => {
    const { dir, newerPreKeyId } = await importThenRun('ran-on-pg');

    const again = importMultiFileAuth({ dir, sessionId: 'ran-on-pg', db: stack.db, pool: stack.pool, reporter: noopReporter });

    await expect(again).rejects.toThrow(ImportWouldOverwriteError);
    await expect(again).rejects.toThrow(/session "ran-on-pg" already has different creds.*--force/);
    const stored = await storedSession('ran-on-pg');
    expect(stored.creds.nextPreKeyId).toBe(newerPreKeyId);
    expect(stored.key).toEqual(Buffer.from([9, 9, 9]));
  });

  test('when the session already has newer creds and force is given, then the folder replaces them', async () => {
    const { dir, newerPreKeyId } = await importThenRun('forced');

    const report = await importMultiFileAuth({ dir, sessionId: 'forced', db: stack.db, pool: stack.pool, reporter: noopReporter, force: true });

    expect(report).toMatchObject({ credsImported: true, keysImported: 1, mismatched: 0 });
    const stored = await storedSession('forced');
    expect(stored.creds.nextPreKeyId).toBe(newerPreKeyId - 50);
    expect(stored.creds.registrationId).toBe(1111);
    expect(stored.key).toEqual(Buffer.from([1, 2, 3]));
  });

  test('when the session has creds and the folder has none, then the import refuses', async () => {
    await importThenRun('no-creds-folder');
    const dir = await mkdtemp(path.join(folder, 'keys-only-'));
    await (await useMultiFileAuthState(dir)).state.keys.set({ session: { '79000000003.0': Buffer.from([1]) } });

    await expect(importMultiFileAuth({ dir, sessionId: 'no-creds-folder', db: stack.db, reporter: noopReporter })).rejects.toThrow(
      /already has creds in PostgreSQL and the folder has no creds\.json/,
    );
    expect((await storedSession('no-creds-folder')).key).toEqual(Buffer.from([9, 9, 9]));
  });

  test('when the script is run over a session with newer creds, then it exits non-zero with the reason; with --force it imports', async () => {
    const { dir } = await importThenRun('script');
    const run = (...extra: string[]) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/import-multifile-auth.ts', '--dir', dir, '--session', 'script', ...extra], {
        cwd: projectRoot,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'test', DATABASE_URL: stack.database.url },
      });

    const refused = await run().then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/already has different creds.*--force/);

    const forced = await run('--force');
    expect(forced.stdout).toContain('every file reads back identically from PostgreSQL');
    // Two script processes compile TypeScript at start: on a loaded, shared machine that alone can take a minute.
  }, 300_000);
});
