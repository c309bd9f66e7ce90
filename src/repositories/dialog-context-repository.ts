/**
 * The assistant's conversation state per (salon, phone), as JSONB.
 *
 * - Size: a state is measured as the UTF-8 bytes of PostgreSQL's text form
 *   of the stored JSONB (what is read back), and refused over the limit. The
 *   check runs inside the write statement, so a merge cannot grow past it
 *   between a read and a write. A state whose JSON text alone is over the
 *   limit is refused before it is sent.
 * - Merge: top-level keys of the new state replace or add keys of the stored
 *   one (JSONB `||`), in one statement, so concurrent merges do not lose keys.
 * - Expiry: an expired context reads as absent, and a merge into it starts
 *   from an empty state.
 */
import { ValidationError } from '../db/errors.js';
import type { DbOrTx } from '../db/prisma-client.js';
import type { DialogContext } from '../generated/prisma/client.js';
import { BaseRepository, ParamList, type RepositoryDeps } from './base-repository.js';
import { CompanyRepository } from './company-repository.js';
import { SalonPhones } from './salon-phones.js';
import { dialogContextTable } from './table-specs.js';

export type DialogState = Record<string, unknown>;

export interface SaveDialogOptions {
  mode: 'merge' | 'replace';
  /** The clock: a stored context with expiresAt <= now is expired. */
  now: Date;
  lastMessageAt: Date;
  expiresAt: Date;
}

export interface DialogContextRepositoryDeps extends RepositoryDeps {
  /** Largest state in bytes (config DIALOG_CONTEXT_MAX_BYTES). */
  dialogContextMaxBytes?: number;
}

export const DEFAULT_DIALOG_CONTEXT_MAX_BYTES = 64 * 1024;

export class DialogContextRepository extends BaseRepository<DialogContext> {
  private readonly maxBytes: number;
  private readonly phones: SalonPhones;

  constructor(db: DbOrTx, deps: DialogContextRepositoryDeps = {}) {
    super(db, dialogContextTable, deps);
    this.maxBytes = deps.dialogContextMaxBytes ?? DEFAULT_DIALOG_CONTEXT_MAX_BYTES;
    this.phones = new SalonPhones(new CompanyRepository(db, deps));
  }

  /** The context, or null when there is none or it has expired. */
  async load(companyId: number, phone: string, now: Date): Promise<DialogContext | null> {
    const context = await this.findOne({ companyId, phone: await this.phones.resolve(companyId, phone) });
    if (!context || (context.expiresAt !== null && context.expiresAt.getTime() <= now.getTime())) return null;
    return context;
  }

  async save(companyId: number, phone: string, state: DialogState, options: SaveDialogOptions): Promise<DialogContext> {
    if (state === null || typeof state !== 'object' || Array.isArray(state)) throw new ValidationError('the dialog state must be a JSON object', { fields: ['state'] });
    const json = JSON.stringify(state);
    if (Buffer.byteLength(json, 'utf8') > this.maxBytes) throw this.tooLarge();
    const digits = await this.phones.resolve(companyId, phone);
    const params = new ParamList();
    const p = {
      companyId: params.add(companyId, 'int'),
      phone: params.add(digits, 'text'),
      state: params.add(json, 'jsonb'),
      lastMessageAt: params.add(options.lastMessageAt.toISOString(), 'timestamptz'),
      expiresAt: params.add(options.expiresAt.toISOString(), 'timestamptz'),
      now: params.add(options.now.toISOString(), 'timestamptz'),
      max: params.add(this.maxBytes, 'int'),
    };
    const merged =
      options.mode === 'replace'
        ? 'EXCLUDED."state"'
        : `CASE WHEN t."expires_at" IS NOT NULL AND t."expires_at" <= ${p.now} THEN EXCLUDED."state" ELSE t."state" || EXCLUDED."state" END`;
    const sql =
      `INSERT INTO ${this.table} AS t ("company_id", "phone", "state", "last_message_at", "expires_at", "updated_at") ` +
      `SELECT ${p.companyId}, ${p.phone}, ${p.state}, ${p.lastMessageAt}, ${p.expiresAt}, ${p.now} ` +
      `WHERE octet_length(${p.state}::text) <= ${p.max} ` +
      `ON CONFLICT ("company_id", "phone") DO UPDATE SET "state" = ${merged}, "last_message_at" = EXCLUDED."last_message_at", ` +
      `"expires_at" = EXCLUDED."expires_at", "updated_at" = EXCLUDED."updated_at" ` +
      `WHERE octet_length((${merged})::text) <= ${p.max} ` +
      `RETURNING ${this.returning('t')}`;
    const rows = await this.queryRows<DialogContext>(this.db, 'save', sql, params.values, {
      companyId,
      mode: options.mode,
      bytes: Buffer.byteLength(json, 'utf8'),
    });
    if (!rows[0]) throw this.tooLarge();
    return rows[0];
  }

  private tooLarge(): ValidationError {
    return new ValidationError(`the dialog state is larger than ${this.maxBytes} bytes`, { fields: ['state'] });
  }
}
