/**
 * Repositories the data-core benchmark drives: BaseRepository over the real
 * tables (the domain repositories' own table specs) with nothing added, so the
 * figures are the base's own cost.
 */
import type { Appointment, Client, Company } from '../../src/generated/prisma/client.js';
import type { DbOrTx } from '../../src/db/prisma-client.js';
import { BaseRepository } from '../../src/repositories/base-repository.js';
import { appointmentTable, clientTable, companyTable } from '../../src/repositories/table-specs.js';

export class BenchCompanies extends BaseRepository<Company> {
  constructor(db: DbOrTx) {
    super(db, companyTable);
  }
}

export class BenchClients extends BaseRepository<Client> {
  constructor(db: DbOrTx) {
    super(db, clientTable);
  }
}

export class BenchAppointments extends BaseRepository<Appointment> {
  constructor(db: DbOrTx) {
    super(db, appointmentTable);
  }
}
