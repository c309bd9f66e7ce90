/**
 * Tenancy: every data-layer operation and repository method that takes a
 * record id also takes the salon's companyId, and a record of another salon
 * is treated exactly like a record that does not exist: NOT_FOUND, the same
 * answer for both, nothing of it in the answer, nothing changed.
 *
 * The walk is checked for completeness against the operations' own input
 * schemas: an operation that gains a record id without being walked here
 * fails the first test.
 */
import type { z } from 'zod';
import { createDataLayer, DataLayer } from '../../src/data-layer/index.js';
import * as bookingSchemas from '../../src/data-layer/schemas/booking.js';
import * as clientSchemas from '../../src/data-layer/schemas/clients.js';
import * as companySchemas from '../../src/data-layer/schemas/company.js';
import * as dialogSchemas from '../../src/data-layer/schemas/dialog-context.js';
import * as serviceSchemas from '../../src/data-layer/schemas/services.js';
import * as staffSchemas from '../../src/data-layer/schemas/staff.js';
import { NotFoundError } from '../../src/db/errors.js';
import { createRepositories, type Repositories } from '../../src/repositories/repositories.js';
import { domainSnapshot } from '../helpers/domain-snapshot.js';
import { createTestStack, type TestStack } from '../helpers/test-stack.js';

const SALON = 31;
const OTHER_SALON = 32;
const MISSING = 2_000_000_000;
/** Keys that name records of this database (CRM ids and category ids are the CRM's numbers, not our records). */
const NOT_RECORD_IDS = new Set(['companyId', 'crmId', 'crmRecordId', 'categoryId']);

let stack: TestStack;
let dataLayer: DataLayer;
let repositories: Repositories;
const salon = { client: 0, staff: 0, service: 0, appointment: 0 };
let otherStaff = 0;

beforeAll(async () => {
  stack = await createTestStack();
  dataLayer = createDataLayer(stack.db, { now: () => new Date('2030-01-01T00:00:00Z') });
  repositories = createRepositories(stack.db);
  for (const [id, title] of [[SALON, 'Salon'], [OTHER_SALON, 'Other salon']] as const) {
    const company = await dataLayer.upsertCompany({ id, title, timezone: 'Europe/Moscow' });
    if (!company.success) throw new Error('setup failed');
  }
  await stack.db.staff.createMany({ data: [{ companyId: SALON, crmId: 1, name: 'Anna' }, { companyId: OTHER_SALON, crmId: 1, name: 'Olga' }] });
  salon.staff = (await stack.db.staff.findFirstOrThrow({ where: { companyId: SALON } })).id;
  otherStaff = (await stack.db.staff.findFirstOrThrow({ where: { companyId: OTHER_SALON } })).id;
  await dataLayer.upsertServices({ companyId: SALON, services: [{ crmId: 1, title: 'Cut', duration: 60 }] });
  salon.service = (await stack.db.service.findFirstOrThrow({ where: { companyId: SALON } })).id;
  await dataLayer.upsertStaffSchedules({ companyId: SALON, schedules: [{ staffId: salon.staff, date: '2030-06-01', workingIntervals: [{ from: '10:00', to: '18:00' }] }] });
  await dataLayer.upsertStaffSchedules({ companyId: OTHER_SALON, schedules: [{ staffId: otherStaff, date: '2030-06-01', workingIntervals: [{ from: '10:00', to: '18:00' }] }] });
  const booking = await dataLayer.createBooking({
    companyId: SALON,
    client: { phone: '79998880001', name: 'Secret Client' },
    staffId: salon.staff,
    serviceId: salon.service,
    startAt: '2030-06-01T08:00:00Z',
  });
  if (!booking.success) throw new Error(`setup booking failed: ${booking.error.code}`);
  salon.client = booking.data.client.id;
  salon.appointment = booking.data.appointment.id;
});

afterAll(async () => {
  await stack?.close();
});

/** Record-id fields of a schema, as dotted paths ("schedules.staffId"), found by walking zod's definitions. */
function recordIdFields(schema: z.ZodType, prefix = ''): string[] {
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
  switch (def.type) {
    case 'object':
      return Object.entries(def.shape as Record<string, z.ZodType>).flatMap(([key, field]) => [
        ...(key.endsWith('Id') && !NOT_RECORD_IDS.has(key) ? [`${prefix}${key}`] : []),
        ...recordIdFields(field, `${prefix}${key}.`),
      ]);
    case 'array':
      return recordIdFields(def.element as z.ZodType, prefix);
    case 'optional':
    case 'nullable':
    case 'default':
      return recordIdFields(def.innerType as z.ZodType, prefix);
    case 'pipe':
      return recordIdFields(def.in as z.ZodType, prefix);
    default:
      return [];
  }
}

const hasCompanyId = (schema: z.ZodType) => 'companyId' in ((schema as unknown as { _zod: { def: { shape?: object } } })._zod.def.shape ?? {});

const SCHEMAS: Record<string, z.ZodType> = Object.fromEntries(
  [bookingSchemas, clientSchemas, companySchemas, dialogSchemas, serviceSchemas, staffSchemas].flatMap((module) =>
    Object.entries(module).filter(([name]) => name.endsWith('Input')).map(([name, schema]) => [name.slice(0, -'Input'.length), schema as z.ZodType]),
  ),
);

interface ForeignCall {
  /** The facade method. */
  method: keyof DataLayer & string;
  /** The call as another salon makes it, given the id to use for the record of the first salon. */
  input: (recordId: number) => Record<string, unknown>;
  /** This salon's own record (the same call with SALON must find it: the foreign answer is not vacuous). */
  own: number;
}

const foreignCalls = (): ForeignCall[] => [
  { method: 'getClientById', own: salon.client, input: (clientId) => ({ companyId: OTHER_SALON, clientId }) },
  { method: 'getClientAppointments', own: salon.client, input: (clientId) => ({ companyId: OTHER_SALON, clientId }) },
  { method: 'getUpcomingAppointments', own: salon.client, input: (clientId) => ({ companyId: OTHER_SALON, clientId }) },
  { method: 'getStaffById', own: salon.staff, input: (staffId) => ({ companyId: OTHER_SALON, staffId }) },
  { method: 'getStaffSchedules', own: salon.staff, input: (staffId) => ({ companyId: OTHER_SALON, staffId, from: '2030-06-01', to: '2030-06-30' }) },
  { method: 'getStaffSchedule', own: salon.staff, input: (staffId) => ({ companyId: OTHER_SALON, staffId, date: '2030-06-01' }) },
  { method: 'getServiceById', own: salon.service, input: (serviceId) => ({ companyId: OTHER_SALON, serviceId }) },
  { method: 'getStaff', own: salon.service, input: (serviceId) => ({ companyId: OTHER_SALON, date: '2030-06-01', serviceId }) },
  { method: 'upsertStaffSchedules', own: salon.staff, input: (staffId) => ({ companyId: OTHER_SALON, schedules: [{ staffId, date: '2030-06-02', isWorking: false }] }) },
  {
    method: 'createBooking',
    own: salon.staff,
    input: (staffId) => ({ companyId: OTHER_SALON, client: { phone: '79998880002' }, staffId, startAt: '2030-06-01T09:00:00Z', endAt: '2030-06-01T10:00:00Z' }),
  },
  {
    method: 'createBooking',
    own: salon.service,
    input: (serviceId) => ({ companyId: OTHER_SALON, client: { phone: '79998880002' }, staffId: otherStaff, serviceId, startAt: '2030-06-01T09:00:00Z' }),
  },
  { method: 'rescheduleBooking', own: salon.appointment, input: (appointmentId) => ({ companyId: OTHER_SALON, appointmentId, startAt: '2030-06-01T12:00:00Z' }) },
  { method: 'cancelBooking', own: salon.appointment, input: (appointmentId) => ({ companyId: OTHER_SALON, appointmentId }) },
];

const call = (method: string, input: unknown) => (dataLayer as unknown as Record<string, (i: unknown) => Promise<unknown>>)[method]!(input);

/** Not in this salon: NOT_FOUND, never a success (not even an empty one). */
function isNotFound(result: unknown): boolean {
  const r = result as { success: boolean; error?: { code: string } };
  return !r.success && r.error?.code === 'NOT_FOUND';
}

describe('tenancy of the data layer', () => {
  test('when the facade\'s operations are listed, then every one that takes a record id takes companyId and is walked below', () => {
    const methods = Object.getOwnPropertyNames(DataLayer.prototype).filter((name) => name !== 'constructor');
    expect(methods.filter((method) => !SCHEMAS[method])).toEqual([]);
    const taking = methods.filter((method) => recordIdFields(SCHEMAS[method]!).length > 0).sort();
    expect(taking.filter((method) => !hasCompanyId(SCHEMAS[method]!))).toEqual([]);
    expect([...new Set(foreignCalls().map((c) => c.method))].sort()).toEqual(taking);
    // Each record-id field of an operation is walked (createBooking: staffId and serviceId).
    expect(recordIdFields(SCHEMAS.createBooking!).sort()).toEqual(['serviceId', 'staffId']);
    expect(recordIdFields(SCHEMAS.upsertStaffSchedules!)).toEqual(['schedules.staffId']);
  });

  test('when another salon calls each operation with this salon\'s record id, then the answer is the one for a missing record, nothing leaks and nothing changes', async () => {
    const before = await domainSnapshot(stack.pool);
    const failures: string[] = [];
    for (const foreign of foreignCalls()) {
      const label = `${foreign.method}(${JSON.stringify(foreign.input(foreign.own))})`;
      const answer = await call(foreign.method, foreign.input(foreign.own));
      const missing = await call(foreign.method, foreign.input(MISSING));
      if (!isNotFound(answer)) failures.push(`${label}: answered ${JSON.stringify(answer)}`);
      if (JSON.stringify(answer) !== JSON.stringify(missing)) failures.push(`${label}: ${JSON.stringify(answer)} differs from a missing record's ${JSON.stringify(missing)}`);
      if (JSON.stringify(answer).includes('Secret Client')) failures.push(`${label}: the other salon's client leaked`);
    }
    expect(failures).toEqual([]);
    await expect(domainSnapshot(stack.pool)).resolves.toEqual(before);
  });

  test('when this salon makes the reads of the walk itself, then it finds its own records (the foreign answers are not empty by accident)', async () => {
    const own = { companyId: SALON };
    await expect(dataLayer.getClientById({ ...own, clientId: salon.client })).resolves.toMatchObject({ success: true, data: { name: 'Secret Client' } });
    await expect(dataLayer.getClientAppointments({ ...own, clientId: salon.client })).resolves.toMatchObject({ success: true, data: [{ id: salon.appointment }] });
    await expect(dataLayer.getUpcomingAppointments({ ...own, clientId: salon.client })).resolves.toMatchObject({ success: true, data: [{ id: salon.appointment }] });
    await expect(dataLayer.getStaffById({ ...own, staffId: salon.staff })).resolves.toMatchObject({ success: true, data: { name: 'Anna' } });
    await expect(dataLayer.getStaffSchedules({ ...own, staffId: salon.staff, from: '2030-06-01', to: '2030-06-30' })).resolves.toMatchObject({ success: true, data: [{ staffId: salon.staff }] });
    await expect(dataLayer.getStaffSchedule({ ...own, staffId: salon.staff, date: '2030-06-01' })).resolves.toMatchObject({ success: true, data: { staffId: salon.staff } });
    await expect(dataLayer.getServiceById({ ...own, serviceId: salon.service })).resolves.toMatchObject({ success: true, data: { title: 'Cut' } });
    await expect(dataLayer.getStaff({ ...own, date: '2030-06-01', serviceId: salon.service })).resolves.toMatchObject({ success: true, data: [{ id: salon.staff }] });
  });

  test('when another salon calls each repository method that takes a record id, then it finds nothing and changes nothing', async () => {
    const before = await domainSnapshot(stack.pool);
    const now = new Date('2030-01-01T00:00:00Z');
    await expect(repositories.clients.findById(OTHER_SALON, salon.client)).resolves.toBeNull();
    await expect(repositories.clients.findAppointments(OTHER_SALON, salon.client)).resolves.toEqual([]);
    await expect(repositories.clients.findUpcomingAppointments(OTHER_SALON, salon.client, now)).resolves.toEqual([]);
    await expect(repositories.staff.findById(OTHER_SALON, salon.staff)).resolves.toBeNull();
    await expect(repositories.services.findById(OTHER_SALON, salon.service)).resolves.toBeNull();
    await expect(repositories.appointments.findById(OTHER_SALON, salon.appointment)).resolves.toBeNull();
    await expect(repositories.schedules.findForDay(OTHER_SALON, salon.staff, '2030-06-01')).resolves.toBeNull();
    await expect(repositories.schedules.findForDays(OTHER_SALON, salon.staff, ['2030-06-01'])).resolves.toEqual([]);
    await expect(repositories.schedules.findOne(OTHER_SALON, salon.staff, '2030-06-01')).resolves.toBeNull();
    await expect(repositories.schedules.findSchedules({ companyId: OTHER_SALON, staffId: salon.staff, from: '2030-06-01', to: '2030-06-30' })).resolves.toEqual([]);
    await expect(repositories.staff.findAvailable(OTHER_SALON, '2030-06-01', { serviceId: salon.service })).rejects.toBeInstanceOf(NotFoundError);
    await expect(repositories.appointments.reschedule(OTHER_SALON, salon.appointment, new Date('2030-06-01T12:00:00Z'))).rejects.toBeInstanceOf(NotFoundError);
    await expect(repositories.appointments.cancel(OTHER_SALON, salon.appointment)).rejects.toBeInstanceOf(NotFoundError);
    await expect(repositories.schedules.bulkUpsertSchedules(OTHER_SALON, [{ staffId: salon.staff, date: '2030-06-02' }])).rejects.toBeInstanceOf(NotFoundError);
    await expect(domainSnapshot(stack.pool)).resolves.toEqual(before);
  });
});
