/**
 * Baileys authentication state in PostgreSQL: a drop-in for
 * `useMultiFileAuthState` (same values back, byte for byte), with creds in
 * `whatsapp_auth` and one row per signal key in `whatsapp_keys`.
 *
 * Guarantees Baileys relies on:
 * - `keys.get(type, ids)` is one query; missing and expired ids are absent.
 *   A database failure throws: it is never turned into "absent", because an
 *   absent key makes Baileys mint new creds and ask for a new QR code.
 * - `keys.set(data)` writes and deletes (`null`) everything of one call in one
 *   statement each, inside one transaction, and throws on failure (Baileys
 *   retries its commit). Calls for this session run one after the other in
 *   the order they were issued, so the last issued write of a key wins; a
 *   `get` waits for the writes issued before it.
 * - `saveCreds()` writes the creds as they are when the write runs; saves
 *   issued while one is running collapse into one more write.
 *
 * One session must be driven by one process: see session-lock.ts.
 */
import type pg from 'pg';
import { initAuthCreds, type AuthenticationCreds, type AuthenticationState, type SignalDataSet, type SignalDataTypeMap } from '@whiskeysockets/baileys';
import type { Db } from '../db/prisma-client.js';
import { sentryReporter, type ErrorReporter } from '../observability/error-reporter.js';
import { silentLogger, type Logger } from '../observability/logger.js';
import { createValueCipher } from './key-encryption.js';
import { decodeCreds, decodeKeyValue, encodeCreds, encodeKeyValue } from './key-codec.js';
import { expiresAtFor, keyExpiryPolicy, type KeyExpiryPolicy } from './key-expiry.js';
import { poolSqlRunner, prismaSqlRunner, type SqlRunner } from './sql-runner.js';
import { reportedOperation, type AuthReportingDeps } from './auth-reporting.js';
import * as sql from './auth-state-sql.js';

export interface PostgresAuthStateOptions {
  /** Run the SQL over this pool instead of the Prisma client: faster on the hot key paths. */
  pool?: pg.Pool | undefined;
  /** WHATSAPP_KEYS_ENCRYPTION_KEY; unset = values stored as plain BufferJSON text. */
  encryptionKey?: string | undefined;
  expiryPolicy?: KeyExpiryPolicy | undefined;
  reporter?: ErrorReporter | undefined;
  logger?: Logger | undefined;
  clock?: (() => Date) | undefined;
}

export interface PostgresAuthState {
  state: AuthenticationState;
  saveCreds(): Promise<void>;
  /** Deletes this session's creds and keys in one transaction (logout). */
  removeAuthState(): Promise<void>;
}

interface PendingWrites {
  types: string[];
  ids: string[];
  values: string[];
  expiresAt: (string | null)[];
  deleteTypes: string[];
  deleteIds: string[];
}

export async function usePostgresAuthState(db: Db, sessionId: string, options: PostgresAuthStateOptions = {}): Promise<PostgresAuthState> {
  const deps: AuthReportingDeps = { reporter: options.reporter ?? sentryReporter, logger: options.logger ?? silentLogger };
  const runner: SqlRunner = options.pool ? poolSqlRunner(options.pool) : prismaSqlRunner(db, deps);
  const cipher = createValueCipher(options.encryptionKey);
  const policy = options.expiryPolicy ?? keyExpiryPolicy();
  const clock = options.clock ?? (() => new Date());

  const creds = await reportedOperation(deps, 'loadCreds', sessionId, {}, async () => {
    const rows = await runner.query<{ creds: string }>(sql.SELECT_CREDS, [sessionId]);
    const stored = rows[0]?.creds;
    return stored === undefined ? initAuthCreds() : (decodeCreds(cipher, sessionId, stored) as AuthenticationCreds);
  });

  // Writes of this session, in issue order. `get` waits for it; failures stay with their caller.
  let writes: Promise<unknown> = Promise.resolve();
  const enqueue = <T>(write: () => Promise<T>): Promise<T> => {
    const run = writes.then(write);
    writes = run.catch(() => undefined);
    return run;
  };

  const get = async <T extends keyof SignalDataTypeMap>(type: T, ids: string[]): Promise<{ [id: string]: SignalDataTypeMap[T] }> => {
    const result: { [id: string]: SignalDataTypeMap[T] } = {};
    if (ids.length === 0) return result;
    return reportedOperation(deps, 'keys.get', sessionId, { type, ids: ids.length }, async () => {
      await writes;
      const rows = await runner.query<{ key_id: string; value: string }>(sql.SELECT_KEYS, [sessionId, type, ids]);
      for (const row of rows) result[row.key_id] = decodeKeyValue(cipher, sessionId, type, row.key_id, row.value) as SignalDataTypeMap[T];
      return result;
    });
  };

  const set = (data: SignalDataSet): Promise<void> => {
    // Encoded now: the values are the ones given at the call, whatever happens to the objects later.
    let pending: PendingWrites;
    try {
      pending = collectWrites(data, clock(), (type, id, value) => encodeKeyValue(cipher, sessionId, type, id, value), policy);
    } catch (error) {
      return reportedOperation(deps, 'keys.set', sessionId, {}, () => Promise.reject(error));
    }
    const counts = { written: pending.ids.length, deleted: pending.deleteIds.length };
    if (counts.written === 0 && counts.deleted === 0) return Promise.resolve();
    return enqueue(() => reportedOperation(deps, 'keys.set', sessionId, counts, () => writeKeys(runner, sessionId, pending)));
  };

  const saveCreds = createCoalescingSave(() =>
    reportedOperation(deps, 'saveCreds', sessionId, {}, async () => {
      await runner.execute(sql.UPSERT_CREDS, [sessionId, encodeCreds(cipher, sessionId, creds)]);
    }),
  );

  const removeAuthState = (): Promise<void> =>
    enqueue(() =>
      reportedOperation(deps, 'removeAuthState', sessionId, {}, async () => {
        await saveCreds.settled();
        await runner.transaction('whatsapp.removeAuthState', async (tx) => {
          await tx.execute(sql.DELETE_SESSION_KEYS, [sessionId]);
          await tx.execute(sql.DELETE_SESSION_CREDS, [sessionId]);
        });
      }),
    );

  return { state: { creds, keys: { get, set } }, saveCreds: saveCreds.save, removeAuthState };
}

function collectWrites(
  data: SignalDataSet,
  now: Date,
  encode: (type: string, id: string, value: unknown) => string,
  policy: KeyExpiryPolicy,
): PendingWrites {
  const pending: PendingWrites = { types: [], ids: [], values: [], expiresAt: [], deleteTypes: [], deleteIds: [] };
  for (const [type, entries] of Object.entries(data) as [string, Record<string, unknown> | undefined][]) {
    for (const [id, value] of Object.entries(entries ?? {})) {
      if (value === null || value === undefined) {
        pending.deleteTypes.push(type);
        pending.deleteIds.push(id);
      } else {
        pending.types.push(type);
        pending.ids.push(id);
        pending.values.push(encode(type, id, value));
        pending.expiresAt.push(expiresAtFor(policy, type, now)?.toISOString() ?? null);
      }
    }
  }
  return pending;
}

async function writeKeys(runner: SqlRunner, sessionId: string, pending: PendingWrites): Promise<void> {
  const upsert = [sessionId, pending.types, pending.ids, pending.values, pending.expiresAt];
  const remove = [sessionId, pending.deleteTypes, pending.deleteIds];
  // One statement is atomic on its own; both together need the transaction.
  if (pending.deleteIds.length === 0) {
    await runner.execute(sql.UPSERT_KEYS, upsert);
  } else if (pending.ids.length === 0) {
    await runner.execute(sql.DELETE_KEYS, remove);
  } else {
    await runner.transaction('whatsapp.keys.set', async (tx) => {
      await tx.execute(sql.UPSERT_KEYS, upsert);
      await tx.execute(sql.DELETE_KEYS, remove);
    });
  }
}

/**
 * At most one creds write runs at a time. Calls made while one runs share
 * one follow-up write, which starts after it and reads the creds then: every
 * caller resolves only after a write that began after its call.
 */
function createCoalescingSave(write: () => Promise<void>) {
  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  const start = (): Promise<void> => {
    const current = write().finally(() => {
      if (running === current) running = undefined;
    });
    running = current;
    return current;
  };
  const save = (): Promise<void> => {
    if (queued) return queued;
    if (!running) return start();
    const next = running.catch(() => undefined).then(() => {
      queued = undefined;
      return start();
    });
    queued = next;
    return next;
  };
  const settled = async (): Promise<void> => {
    await (queued ?? running)?.catch(() => undefined);
  };
  return { save, settled };
}
