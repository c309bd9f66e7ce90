/**
 * A CRM client sync of one salon: phones resolved in the salon's region,
 * rows matched to stored clients by the rules of client-sync-plan.ts, then
 * written set-based (one statement per batch and kind of write). Runs inside
 * the caller's transaction, which makes the call all or nothing.
 *
 * Concurrent syncs of the same salon take turns (a transaction-level
 * advisory lock per salon, which also works through a transaction-mode
 * PgBouncer): the plan is made from what is stored, so two plans made at once
 * could both insert the same CRM id.
 *
 * When a client's phone changes, its dialog context moves with it (unless the
 * new phone already has one): the conversation belongs to the client, and
 * must not greet whoever gets the old number next.
 */
import { UniqueViolationError, ValidationError } from '../db/errors.js';
import type { DbOrTx } from '../db/prisma-client.js';
import type { Client, Prisma } from '../generated/prisma/client.js';
import { BaseRepository, ParamList, type BulkUpsertResult, type RepositoryDeps } from './base-repository.js';
import type { ClientInput } from './client-repository.js';
import { planClientSync, type ClientSyncPlan, type PlannedWrite, type StoredIdentity, type SyncRowIdentity } from './client-sync-plan.js';
import { CompanyRepository } from './company-repository.js';
import { bulkUpsertByFieldSet } from './grouped-bulk-upsert.js';
import { SalonPhones } from './salon-phones.js';
import { syncResult, type SyncResult } from './sync-result.js';
import { clientTable } from './table-specs.js';

const INT32_MAX = 2_147_483_647;

/** The row written for a client: given fields only (undefined = keep the stored value). */
export function clientRow(companyId: number, input: ClientInput, phone: string): Partial<Client> {
  const { totalSpent, raw, crmId, ...rest } = input;
  return {
    ...rest,
    companyId,
    phone,
    // A null CRM id means "not from the CRM": it names no client and clears nothing.
    ...(crmId === undefined || crmId === null ? {} : { crmId }),
    // Numeric travels as text (exact); building Prisma.Decimal objects per row cost more than the statement in a bulk sync.
    ...(totalSpent === undefined ? {} : { totalSpent: String(totalSpent) }),
    ...(raw === undefined ? {} : { raw: raw as Prisma.JsonObject }),
  } as unknown as Partial<Client>;
}

interface PreparedSync {
  companyId: number;
  inputs: ClientInput[];
  phones: string[];
  plan: ClientSyncPlan;
}

export class ClientSync extends BaseRepository<Client> {
  private readonly phones: SalonPhones;

  /** `tx` must be a transaction client: the salon lock lasts until its commit. */
  constructor(tx: DbOrTx, deps: RepositoryDeps = {}) {
    super(tx, clientTable, deps);
    this.phones = new SalonPhones(new CompanyRepository(tx, deps));
  }

  /** Applies every row the rules allow and reports the others (duplicates, phone conflicts). */
  async syncMany(companyId: number, inputs: ClientInput[]): Promise<SyncResult> {
    const prepared = await this.prepare(companyId, inputs);
    const counts = await this.apply(prepared);
    return syncResult(counts, prepared.plan.duplicates, prepared.plan.conflicts);
  }

  /**
   * One client by the same rules. A phone that belongs to another client of
   * the salon is refused (UNIQUE_VIOLATION) and nothing is written.
   */
  async syncOne(companyId: number, input: ClientInput): Promise<Client> {
    const prepared = await this.prepare(companyId, [input]);
    const conflict = prepared.plan.conflicts[0];
    if (conflict) {
      const holder = conflict.phoneHolderClientId === undefined ? 'another client' : `client ${conflict.phoneHolderClientId}`;
      throw new UniqueViolationError(`the phone belongs to ${holder} of this salon; nothing was written`, { fields: ['phone'] });
    }
    await this.apply(prepared);
    const write = prepared.plan.writes[0] as PlannedWrite;
    const found = write.clientId === undefined ? await this.findOne({ companyId, phone: write.phone }) : await this.findOne({ id: write.clientId });
    if (!found) throw new ValidationError('the client was written but could not be read back');
    return found;
  }

  private async prepare(companyId: number, inputs: ClientInput[]): Promise<PreparedSync> {
    if (!Array.isArray(inputs)) throw new ValidationError('clients must be an array');
    inputs.forEach((input, index) => {
      if (input === null || typeof input !== 'object') throw new ValidationError(`clients.${index}: must be an object`, { rowIndex: index });
      const { crmId } = input;
      if (crmId !== undefined && crmId !== null && !(Number.isInteger(crmId) && crmId > 0 && crmId <= INT32_MAX)) {
        throw new ValidationError(`clients.${index}.crmId must be a positive 32-bit integer`, { fields: [`clients.${index}.crmId`], rowIndex: index });
      }
    });
    const phones = await this.phones.resolveAll(
      companyId,
      inputs.map((input) => input.phone),
      (index) => `clients.${index}.phone`,
    );
    await this.queryRows(this.db, 'syncLock', `SELECT pg_advisory_xact_lock(hashtext('ai-admin-data:client-sync'), $1::int)::text AS locked`, [companyId], { companyId });
    const rows: SyncRowIdentity[] = inputs.map((input, index) => ({
      index,
      crmId: input.crmId === null || input.crmId === undefined ? undefined : input.crmId,
      phone: phones[index] as string,
    }));
    const stored = await this.loadIdentities(companyId, rows);
    return { companyId, inputs, phones, plan: planClientSync(rows, stored) };
  }

  /** The stored clients a call names, by CRM id or by phone: one statement. */
  private loadIdentities(companyId: number, rows: SyncRowIdentity[]): Promise<StoredIdentity[]> {
    const crmIds = [...new Set(rows.flatMap((row) => (row.crmId === undefined ? [] : [row.crmId])))];
    const phones = [...new Set(rows.map((row) => row.phone))];
    const params = new ParamList();
    // Array literals as one text parameter each (ints and E.164 digits need no quoting), as bulkUpsert sends its columns.
    const sql =
      `SELECT "id", "crm_id" AS "crmId", "phone" FROM ${this.table} WHERE "company_id" = ${params.add(companyId, 'int')} ` +
      `AND ("crm_id" = ANY(${params.add(`{${crmIds.join(',')}}`, 'int[]')}) OR "phone" = ANY(${params.add(`{${phones.join(',')}}`, 'text[]')}))`;
    return this.queryRows<StoredIdentity>(this.db, 'syncLoad', sql, params.values, { companyId, crmIds: crmIds.length, phones: phones.length });
  }

  private async apply({ companyId, inputs, plan }: PreparedSync): Promise<BulkUpsertResult> {
    const total: BulkUpsertResult = { inserted: 0, updated: 0, unchanged: 0, duplicates: 0 };
    const add = (counts: BulkUpsertResult) => {
      total.inserted += counts.inserted;
      total.updated += counts.updated;
      total.unchanged += counts.unchanged;
    };
    const waves = Math.max(-1, ...plan.writes.map((write) => write.wave)) + 1;
    for (let wave = 0; wave < waves; wave += 1) {
      const writes = plan.writes.filter((write) => write.wave === wave);
      const updates = writes.filter((write) => write.clientId !== undefined);
      const inserts = writes.filter((write) => write.clientId === undefined);
      const rowOf = (write: PlannedWrite) => ({
        ...clientRow(companyId, inputs[write.index] as ClientInput, write.phone),
        ...(write.clientId === undefined ? {} : { id: write.clientId }),
      });
      if (updates.length > 0) {
        add(await bulkUpsertByFieldSet(updates.map(rowOf), updates.map((write) => write.index), (group) => this.bulkUpsert(group, ['id'])));
      }
      if (inserts.length > 0) {
        // The plan found the phone free; a client created meanwhile by a booking with that phone is updated instead.
        add(await bulkUpsertByFieldSet(inserts.map(rowOf), inserts.map((write) => write.index), (group) => this.bulkUpsert(group, ['companyId', 'phone'])));
      }
      await this.moveDialogContexts(companyId, writes);
    }
    return total;
  }

  /** Moves the dialog context of every client whose phone changed, when the new phone has none. */
  private async moveDialogContexts(companyId: number, writes: PlannedWrite[]): Promise<void> {
    const moves = writes.filter((write) => write.clientId !== undefined && write.previousPhone !== undefined);
    if (moves.length === 0) return;
    const params = new ParamList();
    const company = params.add(companyId, 'int');
    const sql =
      `UPDATE "dialog_contexts" AS d SET "phone" = m."to", "updated_at" = now() ` +
      `FROM unnest(${params.add(`{${moves.map((move) => move.previousPhone).join(',')}}`, 'text[]')}, ${params.add(`{${moves.map((move) => move.phone).join(',')}}`, 'text[]')}) AS m("from", "to") ` +
      `WHERE d."company_id" = ${company} AND d."phone" = m."from" ` +
      `AND NOT EXISTS (SELECT 1 FROM "dialog_contexts" x WHERE x."company_id" = ${company} AND x."phone" = m."to")`;
    const moved = await this.execute(this.db, 'syncMoveDialogContexts', sql, params.values, { companyId, moves: moves.length });
    if (moved > 0) this.logger.info({ companyId, moved }, 'dialog contexts followed their clients to new phones');
  }
}
