/**
 * All domain repositories bound to one client: the application client, or a
 * transaction client so several repositories share one transaction.
 */
import type { DbOrTx } from '../db/prisma-client.js';
import { AppointmentRepository } from './appointment-repository.js';
import type { RepositoryDeps } from './base-repository.js';
import { ClientRepository } from './client-repository.js';
import { CompanyRepository } from './company-repository.js';
import { DialogContextRepository } from './dialog-context-repository.js';
import { ServiceRepository } from './service-repository.js';
import { StaffRepository } from './staff-repository.js';
import { StaffScheduleRepository } from './staff-schedule-repository.js';

export interface Repositories {
  clients: ClientRepository;
  services: ServiceRepository;
  staff: StaffRepository;
  schedules: StaffScheduleRepository;
  dialogContexts: DialogContextRepository;
  companies: CompanyRepository;
  appointments: AppointmentRepository;
}

export interface RepositoriesDeps extends RepositoryDeps {
  dialogContextMaxBytes?: number;
}

export function createRepositories(db: DbOrTx, deps: RepositoriesDeps = {}): Repositories {
  const { dialogContextMaxBytes, ...base } = deps;
  return {
    clients: new ClientRepository(db, base),
    services: new ServiceRepository(db, base),
    staff: new StaffRepository(db, base),
    schedules: new StaffScheduleRepository(db, base),
    dialogContexts: new DialogContextRepository(db, { ...base, ...(dialogContextMaxBytes === undefined ? {} : { dialogContextMaxBytes }) }),
    companies: new CompanyRepository(db, base),
    appointments: new AppointmentRepository(db, base),
  };
}
