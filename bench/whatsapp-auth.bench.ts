/**
 * WhatsApp auth state: setting then getting 5,000 mixed keys (every Baileys 7
 * key type), keys per second.
 * - vsFiles: the PostgreSQL store against Baileys' useMultiFileAuthState in a
 *   temp folder, same keys, same calls, same run.
 * - vsPg: the PostgreSQL store against raw `pg` running the same SQL
 *   (auth-state-sql.ts) with the same BufferJSON encoding: the store's own
 *   overhead (ordering queue, expiry policy, decoding, error reporting).
 * The store runs over the pg pool, as the Baileys service wires it. Each
 * figure is the best of 5 rounds (1 with --quick) after an uncounted
 * warm-up, each round on a fresh session id / folder so every set is an insert.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { useMultiFileAuthState, type SignalDataSet, type SignalKeyStore } from '@whiskeysockets/baileys';
import { throughput, type BenchContext, type BenchResult } from './types.js';
import { createDbClient } from '../src/db/prisma-client.js';
import { silentLogger } from '../src/observability/logger.js';
import { noopReporter } from '../src/observability/error-reporter.js';
import { usePostgresAuthState } from '../src/whatsapp/auth-state.js';
import { decodeKeyValue, toBufferJson } from '../src/whatsapp/key-codec.js';
import { createValueCipher } from '../src/whatsapp/key-encryption.js';
import { expiresAtFor, keyExpiryPolicy } from '../src/whatsapp/key-expiry.js';
import { SELECT_KEYS, UPSERT_KEYS } from '../src/whatsapp/auth-state-sql.js';
import { mixedKeySet } from '../tests/helpers/whatsapp-key-samples.js';

const TOTAL_KEYS = 5_000;

interface Workload {
  setCalls: SignalDataSet[];
  getCalls: { type: string; ids: string[] }[];
}

/**
 * One keys.set of all 5,000 keys (500 of each of the 10 key types), then one
 * keys.get per type of its 500 ids: the shape of Baileys' own big batches
 * (a transaction commit, a pre-key upload, a session fetch for a group).
 */
function buildWorkload(): Workload {
  const all = mixedKeySet(TOTAL_KEYS);
  const getCalls = Object.entries(all).map(([type, entries]) => ({ type, ids: Object.keys(entries ?? {}) }));
  return { setCalls: [all], getCalls };
}

/** keys/s of the set phase and the get phase; throws if a get misses a key (a fast wrong store is no result). */
async function measure(keys: SignalKeyStore, work: Workload): Promise<{ set: number; get: number }> {
  let started = performance.now();
  for (const call of work.setCalls) await keys.set(call);
  const setSeconds = (performance.now() - started) / 1000;
  started = performance.now();
  let found = 0;
  for (const call of work.getCalls) {
    const got = await keys.get(call.type as 'session', call.ids);
    found += Object.values(got).filter((value) => value !== null && value !== undefined).length;
  }
  const getSeconds = (performance.now() - started) / 1000;
  if (found !== TOTAL_KEYS) throw new Error(`store returned ${found} of ${TOTAL_KEYS} keys`);
  return { set: TOTAL_KEYS / setSeconds, get: TOTAL_KEYS / getSeconds };
}

/** The same SQL, encoding and rows (expiry included) as the store, with nothing around it. */
function rawPgKeys(pool: pg.Pool, sessionId: string): SignalKeyStore {
  const cipher = createValueCipher(undefined);
  const policy = keyExpiryPolicy();
  return {
    async set(data) {
      const now = new Date();
      const types: string[] = [];
      const ids: string[] = [];
      const values: string[] = [];
      const expires: (string | null)[] = [];
      for (const [type, entries] of Object.entries(data)) {
        for (const [id, value] of Object.entries(entries ?? {})) {
          types.push(type);
          ids.push(id);
          values.push(toBufferJson(value));
          expires.push(expiresAtFor(policy, type, now)?.toISOString() ?? null);
        }
      }
      await pool.query(UPSERT_KEYS, [sessionId, types, ids, values, expires]);
    },
    async get(type, ids) {
      const { rows } = await pool.query<{ key_id: string; value: string }>(SELECT_KEYS, [sessionId, type, ids]);
      const result: Record<string, unknown> = {};
      for (const row of rows) result[row.key_id] = decodeKeyValue(cipher, sessionId, type, row.key_id, row.value);
      return result as never;
    },
  };
}

/** Best of the rounds: interference from other processes only ever slows a round down, so the fastest is the least disturbed. */
const best = (values: number[]) => Math.max(...values);
const result = (name: string, value: number, baseline: number): BenchResult => throughput(name, 'keys/s', value, baseline);

export async function run(ctx: BenchContext): Promise<BenchResult[]> {
  const pool = new pg.Pool({ connectionString: ctx.databaseUrl, max: 3 });
  const db = createDbClient(pool, { logger: silentLogger, reporter: noopReporter, slowQueryMs: 60_000 });
  const work = buildWorkload();
  const rounds = ctx.quick ? 1 : 5;
  const figures = { files: [] as { set: number; get: number }[], store: [] as { set: number; get: number }[], raw: [] as { set: number; get: number }[] };
  const files = async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'bench-multifile-auth-'));
    try {
      return await measure((await useMultiFileAuthState(folder)).state.keys, work);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  };
  const store = async (sessionId: string) => measure((await usePostgresAuthState(db, sessionId, { pool, reporter: noopReporter })).state.keys, work);
  try {
    // Warm-up (JIT, connections, the table's first pages), not counted.
    await store('bench-warmup-store');
    await measure(rawPgKeys(pool, 'bench-warmup-raw'), work);
    for (let round = 0; round < rounds; round += 1) {
      figures.files.push(await files());
      // Alternate which PostgreSQL variant goes first, so neither always inherits the other's garbage.
      if (round % 2 === 0) {
        figures.store.push(await store(`bench-store-${round}`));
        figures.raw.push(await measure(rawPgKeys(pool, `bench-raw-${round}`), work));
      } else {
        figures.raw.push(await measure(rawPgKeys(pool, `bench-raw-${round}`), work));
        figures.store.push(await store(`bench-store-${round}`));
      }
      ctx.log(
        `round ${round + 1}/${rounds}: set keys/s files ${Math.round(figures.files[round]!.set)}, store ${Math.round(figures.store[round]!.set)}, raw pg ${Math.round(figures.raw[round]!.set)}; ` +
          `get keys/s files ${Math.round(figures.files[round]!.get)}, store ${Math.round(figures.store[round]!.get)}, raw pg ${Math.round(figures.raw[round]!.get)}`,
      );
    }
  } finally {
    await db.$disconnect();
    await pool.end();
  }
  const m = (list: { set: number; get: number }[], phase: 'set' | 'get') => best(list.map((f) => f[phase]));
  return [
    result('authState.set5k.vsFiles', m(figures.store, 'set'), m(figures.files, 'set')),
    result('authState.get5k.vsFiles', m(figures.store, 'get'), m(figures.files, 'get')),
    result('authState.set5k.vsPg', m(figures.store, 'set'), m(figures.raw, 'set')),
    result('authState.get5k.vsPg', m(figures.store, 'get'), m(figures.raw, 'get')),
  ];
}
