/**
 * Minimal repositories over the real tables, for testing BaseRepository
 * itself (the domain repositories live in src/repositories and have their own tests).
 */
import type { Client, Company } from '../../src/generated/prisma/client.js';
import type { DbOrTx } from '../../src/db/prisma-client.js';
import { BaseRepository, type RepositoryDeps, type TableSpec } from '../../src/repositories/base-repository.js';

export const companySpec: TableSpec<Company> = {
  table: 'companies',
  model: 'Company',
  primaryKey: ['id'],
  generated: ['createdAt', 'updatedAt'],
  columns: {
    id: { column: 'id', type: 'int' },
    title: { column: 'title', type: 'text' },
    phone: { column: 'phone', type: 'text' },
    timezone: { column: 'timezone', type: 'text' },
    settings: { column: 'settings', type: 'jsonb' },
    createdAt: { column: 'created_at', type: 'timestamptz' },
    updatedAt: { column: 'updated_at', type: 'timestamptz' },
  },
};

export const clientSpec: TableSpec<Client> = {
  table: 'clients',
  model: 'Client',
  primaryKey: ['id'],
  generated: ['id', 'createdAt', 'updatedAt'],
  columns: {
    id: { column: 'id', type: 'int' },
    companyId: { column: 'company_id', type: 'int' },
    crmId: { column: 'crm_id', type: 'int' },
    phone: { column: 'phone', type: 'text' },
    name: { column: 'name', type: 'text' },
    email: { column: 'email', type: 'text' },
    visitCount: { column: 'visit_count', type: 'int' },
    totalSpent: { column: 'total_spent', type: 'numeric' },
    lastVisitAt: { column: 'last_visit_at', type: 'timestamptz' },
    raw: { column: 'raw', type: 'jsonb' },
    createdAt: { column: 'created_at', type: 'timestamptz' },
    updatedAt: { column: 'updated_at', type: 'timestamptz' },
  },
};

export class TestCompanyRepository extends BaseRepository<Company> {
  constructor(db: DbOrTx, deps?: RepositoryDeps) {
    super(db, companySpec, deps);
  }
}

export class TestClientRepository extends BaseRepository<Client> {
  constructor(db: DbOrTx, deps?: RepositoryDeps) {
    super(db, clientSpec, deps);
  }
}

/** n valid E.164 phone digits, distinct per index. */
export function phoneFor(index: number): string {
  return String(79_000_000_000 + index);
}
