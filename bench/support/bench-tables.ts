/**
 * Repositories the data-core benchmark drives: BaseRepository over the real
 * tables with nothing added, so the figures are the base's own cost.
 */
import type { Appointment, Client, Company } from '../../src/generated/prisma/client.js';
import type { DbOrTx } from '../../src/db/prisma-client.js';
import { BaseRepository, type TableSpec } from '../../src/repositories/base-repository.js';

const timestamps = {
  createdAt: { column: 'created_at', type: 'timestamptz' },
  updatedAt: { column: 'updated_at', type: 'timestamptz' },
} as const;

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
    ...timestamps,
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
    ...timestamps,
  },
};

export const appointmentSpec: TableSpec<Appointment> = {
  table: 'appointments',
  model: 'Appointment',
  primaryKey: ['id'],
  generated: ['id', 'createdAt', 'updatedAt'],
  columns: {
    id: { column: 'id', type: 'int' },
    companyId: { column: 'company_id', type: 'int' },
    clientId: { column: 'client_id', type: 'int' },
    staffId: { column: 'staff_id', type: 'int' },
    serviceId: { column: 'service_id', type: 'int' },
    crmRecordId: { column: 'crm_record_id', type: 'int' },
    startAt: { column: 'start_at', type: 'timestamptz' },
    endAt: { column: 'end_at', type: 'timestamptz' },
    status: { column: 'status', type: 'enum', enumType: 'appointment_status' },
    comment: { column: 'comment', type: 'text' },
    ...timestamps,
  },
};

export class BenchCompanies extends BaseRepository<Company> {
  constructor(db: DbOrTx) {
    super(db, companySpec);
  }
}

export class BenchClients extends BaseRepository<Client> {
  constructor(db: DbOrTx) {
    super(db, clientSpec);
  }
}

export class BenchAppointments extends BaseRepository<Appointment> {
  constructor(db: DbOrTx) {
    super(db, appointmentSpec);
  }
}
