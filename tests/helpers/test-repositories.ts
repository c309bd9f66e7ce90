/**
 * Minimal repositories over the real tables (the domain repositories' own
 * table specs, nothing added), for testing BaseRepository itself (the domain
 * repositories live in src/repositories and have their own tests).
 */
import type { Client, Company } from '../../src/generated/prisma/client.js';
import type { DbOrTx } from '../../src/db/prisma-client.js';
import { BaseRepository, type RepositoryDeps } from '../../src/repositories/base-repository.js';
import { clientTable, companyTable } from '../../src/repositories/table-specs.js';

export class TestCompanyRepository extends BaseRepository<Company> {
  constructor(db: DbOrTx, deps?: RepositoryDeps) {
    super(db, companyTable, deps);
  }
}

export class TestClientRepository extends BaseRepository<Client> {
  constructor(db: DbOrTx, deps?: RepositoryDeps) {
    super(db, clientTable, deps);
  }
}

/** n valid E.164 phone digits, distinct per index. */
export function phoneFor(index: number): string {
  return String(79_000_000_000 + index);
}
