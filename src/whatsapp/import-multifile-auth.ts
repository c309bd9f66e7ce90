/**
 * Moves a useMultiFileAuthState folder into PostgreSQL, then reads every
 * value back through the PostgreSQL store and compares it with the file.
 * Idempotent: keys are upserted, creds replaced, so running it again changes
 * nothing. The folder is only read; delete it yourself once the report says
 * every file verified. Run it with the bot stopped: it takes the session lock.
 *
 * It refuses a session that already has different creds in PostgreSQL (unless
 * `force`): once the bot has run on PostgreSQL its creds and keys are newer
 * than the folder's, and writing the folder's back over them ends in "Bad MAC"
 * for contacts or a forced re-pair. Identical creds mean the bot has not run
 * since (Baileys updates creds as it runs), so re-importing stays idempotent.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import type { AuthenticationCreds, SignalDataSet } from '@whiskeysockets/baileys';
import type { Db } from '../db/prisma-client.js';
import type { ErrorReporter } from '../observability/error-reporter.js';
import type { Logger } from '../observability/logger.js';
import { usePostgresAuthState, type PostgresAuthState, type PostgresAuthStateOptions } from './auth-state.js';
import { fromBufferJson, reviveKeyValue, toBufferJson } from './key-codec.js';
import { parseAuthFileName } from './multifile-names.js';
import type { KeyExpiryPolicy } from './key-expiry.js';
import { noopReporter } from '../observability/error-reporter.js';
import { poolSqlRunner, prismaSqlRunner } from './sql-runner.js';
import { SELECT_CREDS } from './auth-state-sql.js';

export interface ImportMultiFileOptions {
  dir: string;
  sessionId: string;
  db: Db;
  pool?: pg.Pool | undefined;
  encryptionKey?: string | undefined;
  expiryPolicy?: KeyExpiryPolicy | undefined;
  reporter?: ErrorReporter | undefined;
  logger?: Logger | undefined;
  /** Keys per keys.set call. */
  batchSize?: number;
  /** Overwrite a session whose stored creds differ from the folder's (they are lost). */
  force?: boolean;
}

export class ImportWouldOverwriteError extends Error {
  override readonly name = 'ImportWouldOverwriteError';
}

export interface ImportReport {
  files: number;
  credsImported: boolean;
  keysImported: number;
  byType: Record<string, number>;
  /** Files whose value read back identically (creds included). */
  verified: number;
  /** Files that read back differently or not at all; counts only (names carry phone numbers). */
  mismatched: number;
  /** `.json` files that are neither creds nor a key of a known type, and other files. */
  unrecognised: number;
}

/** Canonical text of a value as Baileys would see it (so key order and Buffer vs Uint8Array do not matter). */
const canonical = (type: string, value: unknown) => toBufferJson(sortKeys(fromBufferJson(toBufferJson(reviveKeyValue(type, value)))));

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]));
  }
  return value;
}

export async function importMultiFileAuth(options: ImportMultiFileOptions): Promise<ImportReport> {
  const storeOptions: PostgresAuthStateOptions = {
    pool: options.pool,
    encryptionKey: options.encryptionKey,
    expiryPolicy: options.expiryPolicy,
    reporter: options.reporter,
    logger: options.logger,
  };
  const batchSize = options.batchSize ?? 500;
  const entries = await readdir(options.dir, { withFileTypes: true });
  const report: ImportReport = { files: 0, credsImported: false, keysImported: 0, byType: {}, verified: 0, mismatched: 0, unrecognised: 0 };
  const keys: { type: string; id: string; value: unknown }[] = [];
  let fileCreds: AuthenticationCreds | undefined;

  for (const entry of entries) {
    if (!entry.isFile()) continue;
    report.files += 1;
    const parsed = parseAuthFileName(entry.name);
    if (parsed.kind === 'unrecognised') {
      report.unrecognised += 1;
      continue;
    }
    const value = fromBufferJson(await readFile(path.join(options.dir, entry.name), 'utf8'));
    if (parsed.kind === 'creds') fileCreds = value as AuthenticationCreds;
    else keys.push({ type: parsed.type, id: parsed.id, value });
  }

  const writer = await usePostgresAuthState(options.db, options.sessionId, storeOptions);
  if (!options.force) await refuseToOverwrite(options, writer, fileCreds);
  if (fileCreds) {
    const creds = writer.state.creds as unknown as Record<string, unknown>;
    for (const key of Object.keys(creds)) delete creds[key];
    Object.assign(creds, fileCreds);
    await writer.saveCreds();
    report.credsImported = true;
  }
  for (let start = 0; start < keys.length; start += batchSize) {
    const data: Record<string, Record<string, unknown>> = {};
    for (const key of keys.slice(start, start + batchSize)) (data[key.type] ??= {})[key.id] = key.value;
    await writer.state.keys.set(data as SignalDataSet);
  }
  for (const key of keys) report.byType[key.type] = (report.byType[key.type] ?? 0) + 1;
  report.keysImported = keys.length;

  // Verify through a fresh store, as the bot will read it after a restart.
  const reader = await usePostgresAuthState(options.db, options.sessionId, storeOptions);
  if (fileCreds) {
    if (canonical('creds', reader.state.creds) === canonical('creds', fileCreds)) report.verified += 1;
    else report.mismatched += 1;
  }
  const byType = new Map<string, { id: string; value: unknown }[]>();
  for (const key of keys) byType.set(key.type, [...(byType.get(key.type) ?? []), key]);
  for (const [type, list] of byType) {
    for (let start = 0; start < list.length; start += batchSize) {
      const slice = list.slice(start, start + batchSize);
      const stored = await reader.state.keys.get(type as 'session', slice.map((key) => key.id));
      for (const key of slice) {
        const back = stored[key.id];
        if (back !== undefined && canonical(type, back) === canonical(type, key.value)) report.verified += 1;
        else report.mismatched += 1;
      }
    }
  }
  return report;
}

/** Throws when the session already has creds in PostgreSQL and the folder's are not the same (or absent). */
async function refuseToOverwrite(options: ImportMultiFileOptions, writer: PostgresAuthState, fileCreds: AuthenticationCreds | undefined): Promise<void> {
  // The store answers fresh creds for an unknown session, so ask whether a row exists.
  const runner = options.pool ? poolSqlRunner(options.pool) : prismaSqlRunner(options.db, { reporter: options.reporter ?? noopReporter });
  const stored = await runner.query<{ creds: string }>(SELECT_CREDS, [options.sessionId]);
  if (stored.length === 0) return;
  if (fileCreds && canonical('creds', writer.state.creds) === canonical('creds', fileCreds)) return;
  throw new ImportWouldOverwriteError(
    `session "${options.sessionId}" already has ${fileCreds ? 'different ' : ''}creds in PostgreSQL` +
      `${fileCreds ? '' : ' and the folder has no creds.json'}: the bot has probably run on PostgreSQL since, and importing the folder ` +
      'would replace its newer creds and keys with older ones ("Bad MAC", forced re-pair). Nothing was written. ' +
      'Import into a new session id, or pass --force to overwrite it anyway.',
  );
}
