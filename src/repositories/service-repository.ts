/**
 * The salon's services. Lists are ordered as the CRM shows them: weight
 * descending (a higher weight is shown first, as in YCLIENTS), then title.
 */
import type { DbOrTx } from '../db/prisma-client.js';
import type { Prisma, Service } from '../generated/prisma/client.js';
import { BaseRepository, type Filters, type OrderBy, type RepositoryDeps } from './base-repository.js';
import { syncByKey } from './grouped-bulk-upsert.js';
import type { SyncResult } from './sync-result.js';
import { serviceTable } from './table-specs.js';

export interface ServiceInput {
  crmId: number;
  title: string;
  categoryId?: number | null | undefined;
  categoryTitle?: string | null | undefined;
  priceMin?: number | string | null | undefined;
  priceMax?: number | string | null | undefined;
  duration?: number | undefined;
  isActive?: boolean | undefined;
  weight?: number | undefined;
  raw?: Record<string, unknown> | undefined;
}

export interface ServiceListOptions {
  /** Inactive services are hidden unless asked for. */
  includeInactive?: boolean | undefined;
}

const CATALOGUE_ORDER: OrderBy<Service>[] = [{ field: 'weight', direction: 'desc' }, { field: 'title' }, { field: 'id' }];

export class ServiceRepository extends BaseRepository<Service> {
  constructor(db: DbOrTx, deps: RepositoryDeps = {}) {
    super(db, serviceTable, deps);
  }

  /** The salon's service with this id, or null (also when it belongs to another salon). */
  findById(companyId: number, id: number): Promise<Service | null> {
    return this.findOne({ id, companyId });
  }

  findByCompany(companyId: number, options: ServiceListOptions = {}): Promise<Service[]> {
    return this.findMany(this.listFilters({ companyId }, options), { orderBy: CATALOGUE_ORDER });
  }

  findByCategory(companyId: number, categoryId: number, options: ServiceListOptions = {}): Promise<Service[]> {
    return this.findMany(this.listFilters({ companyId, categoryId }, options), { orderBy: CATALOGUE_ORDER });
  }

  /**
   * Services of one salon by CRM id, in batches; the last row of a CRM id wins.
   * Run it in a transaction to make the whole call atomic.
   */
  async bulkUpsertForCompany(companyId: number, inputs: ServiceInput[]): Promise<SyncResult> {
    const rows = inputs.map((input) => toRow(companyId, input));
    return syncByKey(rows, (row) => String(row.crmId), (group) => this.bulkUpsert(group, ['companyId', 'crmId']));
  }

  private listFilters(filters: Filters<Service>, options: ServiceListOptions): Filters<Service> {
    return options.includeInactive ? filters : { ...filters, isActive: true };
  }
}

/** Numeric travels as text (exact): cheaper than a Prisma.Decimal per row in bulk syncs. */
const decimal = (value: number | string | null | undefined) => (value === undefined || value === null ? value : String(value));

function toRow(companyId: number, input: ServiceInput): Partial<Service> {
  const { priceMin, priceMax, raw, ...rest } = input;
  return {
    ...rest,
    companyId,
    priceMin: decimal(priceMin),
    priceMax: decimal(priceMax),
    raw: raw as Prisma.JsonObject | undefined,
  } as unknown as Partial<Service>;
}
