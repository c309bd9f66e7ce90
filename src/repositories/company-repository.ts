/** Salons. The id is the CRM's company id. */
import type { DbOrTx } from '../db/prisma-client.js';
import { DEFAULT_PHONE_REGION, isPhoneRegion, type CountryCode } from '../domain/phone.js';
import type { Company, Prisma } from '../generated/prisma/client.js';
import { BaseRepository, ParamList, type RepositoryDeps } from './base-repository.js';
import { companyTable } from './table-specs.js';

export interface CompanyInput {
  id: number;
  title: string;
  phone?: string | null | undefined;
  timezone?: string | undefined;
  /** ISO 3166-1 alpha-2: how phones typed without a country code are read. */
  country?: string | undefined;
  settings?: Record<string, unknown> | undefined;
}

export class CompanyRepository extends BaseRepository<Company> {
  constructor(db: DbOrTx, deps: RepositoryDeps = {}) {
    super(db, companyTable, deps);
  }

  findById(id: number): Promise<Company | null> {
    return this.findOne({ id });
  }

  /**
   * The salon's phone region. A salon not stored yet reads phones as the
   * default region (RU), like a new salon row would.
   */
  async findPhoneRegion(companyId: number): Promise<CountryCode> {
    const params = new ParamList();
    const sql = `SELECT "country" FROM ${this.table} WHERE "id" = ${params.add(companyId, 'int')}`;
    const rows = await this.queryRows<{ country: string }>(this.db, 'findPhoneRegion', sql, params.values, { companyId });
    const country = rows[0]?.country;
    return country !== undefined && isPhoneRegion(country) ? country : DEFAULT_PHONE_REGION;
  }

  /** Creates the salon or updates the given fields; an unchanged salon is not touched. */
  async upsertCompany(input: CompanyInput): Promise<Company> {
    const { settings, ...rest } = input;
    return this.upsert({ ...rest, settings: settings as Prisma.JsonObject | undefined }, ['id']);
  }
}
