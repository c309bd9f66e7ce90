/**
 * Table specs of the domain repositories: field -> column and type, as in
 * prisma/schema.prisma. Kept together so a schema change is one edit here.
 */
import type { Appointment, Client, Company, DialogContext, Service, Staff, StaffSchedule } from '../generated/prisma/client.js';
import type { TableSpec } from './table-spec.js';

const int = (column: string) => ({ column, type: 'int' as const });
const text = (column: string) => ({ column, type: 'text' as const });
const bool = (column: string) => ({ column, type: 'bool' as const });
const numeric = (column: string) => ({ column, type: 'numeric' as const });
const timestamptz = (column: string) => ({ column, type: 'timestamptz' as const });
const jsonb = (column: string) => ({ column, type: 'jsonb' as const });
const timestamps = { createdAt: timestamptz('created_at'), updatedAt: timestamptz('updated_at') };

export const companyTable: TableSpec<Company> = {
  table: 'companies',
  model: 'Company',
  columns: { id: int('id'), title: text('title'), phone: text('phone'), timezone: text('timezone'), country: text('country'), settings: jsonb('settings'), ...timestamps },
  primaryKey: ['id'],
  // The id is the CRM's company id: written, not generated.
  generated: ['createdAt', 'updatedAt'],
};

export const clientTable: TableSpec<Client> = {
  table: 'clients',
  model: 'Client',
  columns: {
    id: int('id'),
    companyId: int('company_id'),
    crmId: int('crm_id'),
    phone: text('phone'),
    name: text('name'),
    email: text('email'),
    visitCount: int('visit_count'),
    totalSpent: numeric('total_spent'),
    lastVisitAt: timestamptz('last_visit_at'),
    raw: jsonb('raw'),
    ...timestamps,
  },
  primaryKey: ['id'],
  generated: ['id', 'createdAt', 'updatedAt'],
};

export const serviceTable: TableSpec<Service> = {
  table: 'services',
  model: 'Service',
  columns: {
    id: int('id'),
    companyId: int('company_id'),
    crmId: int('crm_id'),
    title: text('title'),
    categoryId: int('category_id'),
    categoryTitle: text('category_title'),
    priceMin: numeric('price_min'),
    priceMax: numeric('price_max'),
    duration: int('duration'),
    isActive: bool('is_active'),
    weight: int('weight'),
    raw: jsonb('raw'),
    ...timestamps,
  },
  primaryKey: ['id'],
  generated: ['id', 'createdAt', 'updatedAt'],
};

export const staffTable: TableSpec<Staff> = {
  table: 'staff',
  model: 'Staff',
  columns: {
    id: int('id'),
    companyId: int('company_id'),
    crmId: int('crm_id'),
    name: text('name'),
    specialization: text('specialization'),
    rating: numeric('rating'),
    isActive: bool('is_active'),
    isFired: bool('is_fired'),
    raw: jsonb('raw'),
    ...timestamps,
  },
  primaryKey: ['id'],
  generated: ['id', 'createdAt', 'updatedAt'],
};

export const staffScheduleTable: TableSpec<StaffSchedule> = {
  table: 'staff_schedules',
  model: 'StaffSchedule',
  columns: {
    id: int('id'),
    staffId: int('staff_id'),
    date: { column: 'date', type: 'date' },
    isWorking: bool('is_working'),
    workingIntervals: jsonb('working_intervals'),
    freeSlots: jsonb('free_slots'),
    ...timestamps,
  },
  primaryKey: ['id'],
  generated: ['id', 'createdAt', 'updatedAt'],
};

export const appointmentTable: TableSpec<Appointment> = {
  table: 'appointments',
  model: 'Appointment',
  columns: {
    id: int('id'),
    companyId: int('company_id'),
    clientId: int('client_id'),
    staffId: int('staff_id'),
    serviceId: int('service_id'),
    crmRecordId: int('crm_record_id'),
    startAt: timestamptz('start_at'),
    endAt: timestamptz('end_at'),
    status: { column: 'status', type: 'enum', enumType: 'appointment_status' },
    comment: text('comment'),
    idempotencyKey: text('idempotency_key'),
    requestFingerprint: text('request_fingerprint'),
    ...timestamps,
  },
  primaryKey: ['id'],
  generated: ['id', 'createdAt', 'updatedAt'],
};

export const dialogContextTable: TableSpec<DialogContext> = {
  table: 'dialog_contexts',
  model: 'DialogContext',
  columns: {
    id: int('id'),
    companyId: int('company_id'),
    phone: text('phone'),
    state: jsonb('state'),
    lastMessageAt: timestamptz('last_message_at'),
    expiresAt: timestamptz('expires_at'),
    ...timestamps,
  },
  primaryKey: ['id'],
  generated: ['id', 'createdAt', 'updatedAt'],
};
