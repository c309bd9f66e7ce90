/**
 * Clients of a salon, identified by phone (E.164 digits, unique per salon):
 * that is how the assistant meets them. Phones are accepted as typed and
 * read in the salon's region (salon-phones.ts). CRM syncs match by CRM id
 * first (client-sync.ts).
 */
import { ValidationError } from '../db/errors.js';
import type { DbOrTx } from '../db/prisma-client.js';
import { withTransaction } from '../db/transaction.js';
import type { Appointment, AppointmentStatus, Client } from '../generated/prisma/client.js';
import { AppointmentRepository } from './appointment-repository.js';
import { BaseRepository, ParamList, type Filters, type RepositoryDeps } from './base-repository.js';
import { nameSearchStatement } from './client-name-search.js';
import { ClientSync, clientRow } from './client-sync.js';
import { CompanyRepository } from './company-repository.js';
import { SalonPhones } from './salon-phones.js';
import type { SyncResult } from './sync-result.js';
import { clientTable } from './table-specs.js';

/** What callers give about a client; undefined fields are left as stored. */
export interface ClientInput {
  phone: string;
  crmId?: number | null | undefined;
  name?: string | null | undefined;
  email?: string | null | undefined;
  visitCount?: number | undefined;
  totalSpent?: number | string | undefined;
  lastVisitAt?: Date | null | undefined;
  raw?: Record<string, unknown> | undefined;
}

export interface AppointmentQuery {
  from?: Date | undefined;
  to?: Date | undefined;
  /** One status or any of several (as issue 4 writes it: `{ status }`). */
  status?: AppointmentStatus | AppointmentStatus[] | undefined;
  limit?: number | undefined;
}

const UPCOMING: AppointmentStatus[] = ['pending', 'confirmed'];

export class ClientRepository extends BaseRepository<Client> {
  private readonly appointments: AppointmentRepository;
  private readonly phones: SalonPhones;
  private readonly deps: RepositoryDeps;

  constructor(db: DbOrTx, deps: RepositoryDeps = {}) {
    super(db, clientTable, deps);
    this.deps = deps;
    this.appointments = new AppointmentRepository(db, deps);
    this.phones = new SalonPhones(new CompanyRepository(db, deps));
  }

  /** A phone as typed, as the salon stores it (E.164 digits in the salon's region); an invalid number is a ValidationError naming `field`. */
  resolvePhone(companyId: number, phone: string, field = 'phone'): Promise<string> {
    return this.phones.resolve(companyId, phone, field);
  }

  /** Accepts the formats people type (+7 (999) 123-45-67, 8999..., JIDs); an invalid number is a ValidationError. */
  async findByPhone(companyId: number, phone: string): Promise<Client | null> {
    return this.findOne({ companyId, phone: await this.phones.resolve(companyId, phone) });
  }

  /** The salon's client with this id, or null (also when they belong to another salon). */
  findById(companyId: number, id: number): Promise<Client | null> {
    return this.findOne({ id, companyId });
  }

  /** Case- and ё-insensitive substring match on the name (client-name-search.ts), ordered by name. */
  async searchByName(companyId: number, text: string, limit = 20): Promise<Client[]> {
    const query = typeof text === 'string' ? text.trim() : '';
    if (query.length === 0) throw new ValidationError('the search text is empty', { fields: ['query'] });
    if (!Number.isInteger(limit) || limit < 1 || limit > this.maxLimit) throw new ValidationError(`limit must be an integer from 1 to ${this.maxLimit}`, { fields: ['limit'] });
    const { sql, params } = nameSearchStatement(companyId, query, limit);
    return this.queryRows<Client>(this.db, 'searchByName', sql, params, { companyId, queryLength: query.length, limit });
  }

  /** The client's appointments in this salon in [from, to), oldest first (none for a client of another salon). */
  findAppointments(companyId: number, clientId: number, query: AppointmentQuery = {}): Promise<Appointment[]> {
    const startAt = { ...(query.from ? { gte: query.from } : {}), ...(query.to ? { lt: query.to } : {}) };
    const filters: Filters<Appointment> = { companyId, clientId };
    if (Object.keys(startAt).length > 0) filters.startAt = startAt;
    if (query.status !== undefined) filters.status = { in: Array.isArray(query.status) ? query.status : [query.status] };
    return this.appointments.findMany(filters, { orderBy: [{ field: 'startAt' }, { field: 'id' }], ...(query.limit ? { limit: query.limit } : {}) });
  }

  /** Pending or confirmed appointments that have not started yet, soonest first. */
  findUpcomingAppointments(companyId: number, clientId: number, now: Date, limit = 10): Promise<Appointment[]> {
    return this.findAppointments(companyId, clientId, { from: now, status: UPCOMING, limit });
  }

  /**
   * Inserts the client or updates the one with the same phone in the salon,
   * whatever its CRM id; unchanged rows are not touched. For CRM data use
   * syncClient, which matches by CRM id first.
   */
  async upsertByPhone(companyId: number, input: ClientInput): Promise<Client> {
    const phone = await this.phones.resolve(companyId, input.phone);
    return this.upsert(clientRow(companyId, input, phone), ['companyId', 'phone']);
  }

  /**
   * A CRM sync of many clients of one salon, all or nothing (in the caller's
   * transaction, or one of its own): matched by CRM id, then phone; the rules
   * and what the result reports are in client-sync-plan.ts.
   */
  syncClients(companyId: number, inputs: ClientInput[]): Promise<SyncResult> {
    return this.inSyncTransaction('syncClients', (sync) => sync.syncMany(companyId, inputs));
  }

  /** One client by the sync's rules; a phone belonging to another client is a UNIQUE_VIOLATION and nothing is written. */
  syncClient(companyId: number, input: ClientInput): Promise<Client> {
    return this.inSyncTransaction('syncClient', (sync) => sync.syncOne(companyId, input));
  }

  private inSyncTransaction<T>(name: string, work: (sync: ClientSync) => Promise<T>): Promise<T> {
    return withTransaction(this.db, (tx) => work(new ClientSync(tx, this.deps)), {
      name: `Client.${name}`,
      logger: this.logger,
      ...(this.reporter ? { reporter: this.reporter } : {}),
    });
  }

  /**
   * The client with this phone, created (with name and email) when absent.
   * An existing client is returned as stored: a booking does not overwrite
   * what the CRM sync wrote. Safe under concurrency (ON CONFLICT DO NOTHING).
   */
  async findOrCreateByPhone(companyId: number, input: { phone: string; name?: string | undefined; email?: string | undefined }): Promise<{ client: Client; created: boolean }> {
    const phone = await this.phones.resolve(companyId, input.phone, 'client.phone');
    const existing = await this.findOne({ companyId, phone });
    if (existing) return { client: existing, created: false };
    const params = new ParamList();
    const sql =
      `INSERT INTO ${this.table} AS t ("company_id", "phone", "name", "email") ` +
      `VALUES (${params.add(companyId, 'int')}, ${params.add(phone, 'text')}, ${params.add(input.name ?? null, 'text')}, ${params.add(input.email ?? null, 'text')}) ` +
      `ON CONFLICT ("company_id", "phone") DO NOTHING RETURNING ${this.returning('t')}`;
    const rows = await this.queryRows<Client>(this.db, 'findOrCreateByPhone', sql, params.values, { companyId });
    if (rows[0]) return { client: rows[0], created: true };
    // Another caller created it between our read and our insert.
    const raced = await this.findOne({ companyId, phone });
    if (!raced) throw new ValidationError('the client could neither be created nor found');
    return { client: raced, created: false };
  }
}
