/**
 * Clients of a salon, identified by phone (E.164 digits, unique per salon):
 * that is how the assistant meets them.
 */
import { ValidationError } from '../db/errors.js';
import type { DbOrTx } from '../db/prisma-client.js';
import { normalizePhone } from '../domain/phone.js';
import type { Appointment, AppointmentStatus, Client, Prisma } from '../generated/prisma/client.js';
import { AppointmentRepository } from './appointment-repository.js';
import { BaseRepository, ParamList, escapeLike, type BulkUpsertResult, type Filters, type RepositoryDeps } from './base-repository.js';
import { bulkUpsertByFieldSet } from './grouped-bulk-upsert.js';
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

  constructor(db: DbOrTx, deps: RepositoryDeps = {}) {
    super(db, clientTable, deps);
    this.appointments = new AppointmentRepository(db, deps);
  }

  /** Accepts the formats people type (+7 (999) 123-45-67, 8999..., 7999...); an impossible number is a ValidationError. */
  async findByPhone(companyId: number, phone: string): Promise<Client | null> {
    return this.findOne({ companyId, phone: normalizePhone(phone) });
  }

  /** The salon's client with this id, or null (also when they belong to another salon). */
  findById(companyId: number, id: number): Promise<Client | null> {
    return this.findOne({ id, companyId });
  }

  /** Case-insensitive substring match on the name; the user's text matches literally (%, _ escaped). */
  async searchByName(companyId: number, text: string, limit = 20): Promise<Client[]> {
    const query = text.trim();
    if (query.length === 0) throw new ValidationError('the search text is empty', { fields: ['query'] });
    return this.findMany({ companyId, name: { ilike: `%${escapeLike(query)}%` } }, { orderBy: [{ field: 'name' }, { field: 'id' }], limit });
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

  /** Inserts the client or updates the one with the same phone in the salon; unchanged rows are not touched. */
  async upsertByPhone(companyId: number, input: ClientInput): Promise<Client> {
    return this.upsert(toRow(companyId, input), ['companyId', 'phone']);
  }

  /** Many clients of one salon by phone, in batches; run it in a transaction to make the whole call atomic. */
  async bulkUpsertByPhone(companyId: number, inputs: ClientInput[]): Promise<BulkUpsertResult> {
    const rows = inputs.map((input, index) => toRow(companyId, input, `clients[${index}].phone`));
    return bulkUpsertByFieldSet(rows, (group) => this.bulkUpsert(group, ['companyId', 'phone']));
  }

  /**
   * The client with this phone, created (with name and email) when absent.
   * An existing client is returned as stored: a booking does not overwrite
   * what the CRM sync wrote. Safe under concurrency (ON CONFLICT DO NOTHING).
   */
  async findOrCreateByPhone(companyId: number, input: { phone: string; name?: string | undefined; email?: string | undefined }): Promise<{ client: Client; created: boolean }> {
    const phone = normalizePhone(input.phone);
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

function toRow(companyId: number, input: ClientInput, field = 'phone'): Partial<Client> {
  const { totalSpent, raw, ...rest } = input;
  return {
    ...rest,
    companyId,
    phone: normalizePhone(input.phone, field),
    // Numeric travels as text (exact); building Prisma.Decimal objects per row cost more than the statement in a bulk sync.
    ...(totalSpent === undefined ? {} : { totalSpent: String(totalSpent) }),
    ...(raw === undefined ? {} : { raw: raw as Prisma.JsonObject }),
  } as unknown as Partial<Client>;
}
