/** Salons. The id is the CRM's company id. */
import type { DbOrTx } from '../db/prisma-client.js';
import type { Company, Prisma } from '../generated/prisma/client.js';
import { BaseRepository, type RepositoryDeps } from './base-repository.js';
import { companyTable } from './table-specs.js';

export interface CompanyInput {
  id: number;
  title: string;
  phone?: string | null | undefined;
  timezone?: string | undefined;
  settings?: Record<string, unknown> | undefined;
}

export class CompanyRepository extends BaseRepository<Company> {
  constructor(db: DbOrTx, deps: RepositoryDeps = {}) {
    super(db, companyTable, deps);
  }

  findById(id: number): Promise<Company | null> {
    return this.findOne({ id });
  }

  /** Creates the salon or updates the given fields; an unchanged salon is not touched. */
  async upsertCompany(input: CompanyInput): Promise<Company> {
    const { settings, ...rest } = input;
    return this.upsert({ ...rest, settings: settings as Prisma.JsonObject | undefined }, ['id']);
  }
}
