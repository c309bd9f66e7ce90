import { createDataLayer, type DataLayer } from '../../src/data-layer/index.js';
import { createTestStack, type TestStack } from '../helpers/test-stack.js';
import { recordingReporter, type RecordingReporter } from '../helpers/recording-reporter.js';

let stack: TestStack;
let dataLayer: DataLayer;
let reporter: RecordingReporter;
let clock = new Date('2030-05-01T09:00:00Z');
const COMPANY = 7;
let staffId: number;
let serviceId: number;
let clientId: number;

beforeAll(async () => {
  reporter = recordingReporter();
  stack = await createTestStack({ reporter });
  dataLayer = createDataLayer(stack.db, { reporter, now: () => clock, settings: { dialogContextTtlHours: 2, dialogContextMaxBytes: 1_024 } });
  await dataLayer.upsertCompany({ id: COMPANY, title: 'Салон «Ромашка»', timezone: 'Europe/Moscow', settings: { language: 'ru' } });
  await stack.db.staff.create({ data: { companyId: COMPANY, crmId: 1, name: 'Анна' } });
  staffId = (await stack.db.staff.findFirstOrThrow({ where: { companyId: COMPANY } })).id;
  await dataLayer.upsertServices({
    companyId: COMPANY,
    services: [
      { crmId: 1, title: 'Стрижка', categoryId: 3, duration: 60, weight: 2 },
      { crmId: 2, title: 'Укладка', categoryId: 3, duration: 30, weight: 1 },
      { crmId: 3, title: 'Маникюр', categoryId: 4, duration: 90, isActive: false },
    ],
  });
  serviceId = (await stack.db.service.findFirstOrThrow({ where: { companyId: COMPANY, crmId: 1 } })).id;
  const client = await dataLayer.upsertClient({ companyId: COMPANY, phone: '+7 999 555-00-01', name: 'Ирина Смирнова', totalSpent: 1500.5 });
  if (!client.success) throw new Error('setup failed');
  clientId = client.data.id;
  await dataLayer.upsertStaffSchedules({
    companyId: COMPANY,
    schedules: [
      { staffId, date: '2030-05-01', workingIntervals: [{ from: '10:00', to: '18:00' }] },
      { staffId, date: '2030-05-02', isWorking: false },
      { staffId, date: '2030-05-03', workingIntervals: [{ from: '10:00', to: '18:00' }] },
    ],
  });
});

afterAll(async () => {
  await stack?.close();
});

describe('DataLayer dialog context', () => {
  test('when a context is saved and read back, then the state round-trips and expires after the TTL', async () => {
    const state = { step: 'pick', options: [1, null, { ru: 'ёлка', emoji: '✂️' }] };
    const saved = await dataLayer.upsertDialogContext({ companyId: COMPANY, phone: '89995550002', state, mode: 'replace' });
    expect(saved).toMatchObject({ success: true, data: { phone: '79995550002', expiresAt: new Date('2030-05-01T11:00:00Z') } });
    await expect(dataLayer.getDialogContext({ companyId: COMPANY, phone: '+79995550002' })).resolves.toMatchObject({ success: true, data: { state } });
    clock = new Date('2030-05-01T11:00:00Z');
    await expect(dataLayer.getDialogContext({ companyId: COMPANY, phone: '79995550002' })).resolves.toEqual({ success: true, data: null });
    clock = new Date('2030-05-01T09:00:00Z');
  });

  test('when the state is over the configured limit, then it is a VALIDATION_ERROR', async () => {
    const result = await dataLayer.upsertDialogContext({ companyId: COMPANY, phone: '79995550003', state: { text: 'x'.repeat(2_000) } });
    expect(result).toMatchObject({ success: false, error: { code: 'VALIDATION_ERROR', message: expect.stringContaining('1024 bytes') } });
  });

  test('when the state is not a JSON object, then it is a VALIDATION_ERROR', async () => {
    const result = await dataLayer.upsertDialogContext({ companyId: COMPANY, phone: '79995550003', state: 'text' as never });
    expect(result).toMatchObject({ success: false, error: { code: 'VALIDATION_ERROR' } });
  });
});

describe('DataLayer clients', () => {
  test('when a client is read by phone or id, then the same record comes back; an unknown id is NOT_FOUND', async () => {
    await expect(dataLayer.getClientByPhone({ companyId: COMPANY, phone: '8 (999) 555-00-01' })).resolves.toMatchObject({ success: true, data: { id: clientId } });
    await expect(dataLayer.getClientById({ companyId: COMPANY, clientId })).resolves.toMatchObject({ success: true, data: { name: 'Ирина Смирнова' } });
    await expect(dataLayer.getClientById({ companyId: COMPANY, clientId: 999_999 })).resolves.toMatchObject({ success: false, error: { code: 'NOT_FOUND', retryable: false } });
    await expect(dataLayer.getClientByPhone({ companyId: COMPANY, phone: '+7 999 555-00-99' })).resolves.toEqual({ success: true, data: null });
  });

  test('when searching by part of the name, then the client is found', async () => {
    await expect(dataLayer.searchClientsByName({ companyId: COMPANY, query: 'смирн' })).resolves.toMatchObject({ success: true, data: [{ id: clientId }] });
  });

  test('when the client has past and future appointments, then upcoming ones are those after the injected now, with salon-local times', async () => {
    // The past one records what the CRM holds (history), so the clock rule does not apply to it.
    const past = await dataLayer.createBooking({ companyId: COMPANY, client: { phone: '79995550001' }, staffId, serviceId, startAt: '2030-04-20T10:00:00Z', crmRecordId: 9001 });
    const future = await dataLayer.createBooking({ companyId: COMPANY, client: { phone: '79995550001' }, staffId, serviceId, startAt: '2030-05-03T10:00:00Z' });
    expect(past.success && future.success).toBe(true);
    const all = await dataLayer.getClientAppointments({ companyId: COMPANY, clientId });
    expect(all.success && all.data.map((a) => a.startAt.toISOString())).toEqual(['2030-04-20T10:00:00.000Z', '2030-05-03T10:00:00.000Z']);
    expect(all.success && all.data.map((a) => [a.startAtLocal, a.endAtLocal, a.timeZone])).toEqual([
      ['2030-04-20T13:00:00+03:00', '2030-04-20T14:00:00+03:00', 'Europe/Moscow'],
      ['2030-05-03T13:00:00+03:00', '2030-05-03T14:00:00+03:00', 'Europe/Moscow'],
    ]);
    const upcoming = await dataLayer.getUpcomingAppointments({ companyId: COMPANY, clientId });
    expect(upcoming.success && upcoming.data.map((a) => a.startAt.toISOString())).toEqual(['2030-05-03T10:00:00.000Z']);
    expect(upcoming.success && upcoming.data[0]?.startAtLocal).toBe('2030-05-03T13:00:00+03:00');
    const ranged = await dataLayer.getClientAppointments({ companyId: COMPANY, clientId, from: '2030-04-01T00:00:00Z', to: '2030-05-01T00:00:00Z', status: ['pending'] });
    expect(ranged.success && ranged.data).toHaveLength(1);
  });

  test('when the appointment status is one value or an array, then both filter the same way; an unknown status is refused', async () => {
    const single = await dataLayer.getClientAppointments({ companyId: COMPANY, clientId, status: 'pending' });
    const list = await dataLayer.getClientAppointments({ companyId: COMPANY, clientId, status: ['pending'] });
    expect(single.success && single.data.length).toBeGreaterThan(0);
    expect(single).toEqual(list);
    await expect(dataLayer.getClientAppointments({ companyId: COMPANY, clientId, status: 'completed' })).resolves.toEqual({ success: true, data: [] });
    await expect(dataLayer.getClientAppointments({ companyId: COMPANY, clientId, status: 'lost' as never })).resolves.toMatchObject({ success: false, error: { code: 'VALIDATION_ERROR' } });
    await expect(dataLayer.getClientAppointments({ companyId: COMPANY, clientId, status: [] })).resolves.toMatchObject({ success: false, error: { code: 'VALIDATION_ERROR' } });
  });

  test('when from is after to, then it is a VALIDATION_ERROR', async () => {
    const result = await dataLayer.getClientAppointments({ companyId: COMPANY, clientId, from: '2030-05-01T00:00:00Z', to: '2030-04-01T00:00:00Z' });
    expect(result).toMatchObject({ success: false, error: { code: 'VALIDATION_ERROR' } });
  });

  test('when 20 callers upsert the same phone at once, then there is one row and no caller gets an error', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => dataLayer.upsertClient({ companyId: COMPANY, phone: '79995550099', visitCount: i % 3 })));
    expect(results.filter((r) => !r.success)).toEqual([]);
    await expect(stack.db.client.count({ where: { companyId: COMPANY, phone: '79995550099' } })).resolves.toBe(1);
  });
});

describe('DataLayer staff, schedules, services, company', () => {
  test('when staff are listed, read by id, or asked for a day, then the right members come back, free from the injected now', async () => {
    await expect(dataLayer.getStaff({ companyId: COMPANY })).resolves.toMatchObject({ success: true, data: [{ id: staffId }] });
    await expect(dataLayer.getStaffById({ companyId: COMPANY, staffId })).resolves.toMatchObject({ success: true, data: { name: 'Анна' } });
    const available = await dataLayer.getStaff({ companyId: COMPANY, date: '2030-05-01', serviceId });
    expect(available).toMatchObject({
      success: true,
      data: [{ id: staffId, freeIntervals: [{ startAt: new Date('2030-05-01T09:00:00Z'), startAtLocal: '2030-05-01T12:00:00+03:00', endAtLocal: '2030-05-01T18:00:00+03:00' }] }],
    });
    await expect(dataLayer.getStaff({ companyId: COMPANY, date: '2030-05-02' })).resolves.toEqual({ success: true, data: [] });
  });

  test('when schedules are read by range and by day, then the stored days come back with their working hours as salon-local and UTC times', async () => {
    const range = await dataLayer.getStaffSchedules({ companyId: COMPANY, from: '2030-05-01', to: '2030-05-02' });
    expect(range.success && range.data.map((s) => s.isWorking)).toEqual([true, false]);
    expect(range.success && range.data.map((s) => [s.day, s.workingPeriods.length])).toEqual([
      ['2030-05-01', 1],
      ['2030-05-02', 0],
    ]);
    await expect(dataLayer.getStaffSchedule({ companyId: COMPANY, staffId, date: '2030-05-01' })).resolves.toMatchObject({
      success: true,
      data: {
        workingIntervals: [{ from: '10:00', to: '18:00' }],
        timeZone: 'Europe/Moscow',
        day: '2030-05-01',
        workingPeriods: [
          { startAt: new Date('2030-05-01T07:00:00Z'), endAt: new Date('2030-05-01T15:00:00Z'), startAtLocal: '2030-05-01T10:00:00+03:00', endAtLocal: '2030-05-01T18:00:00+03:00' },
        ],
      },
    });
    await expect(dataLayer.getStaffSchedule({ companyId: COMPANY, staffId, date: '2030-06-01' })).resolves.toEqual({ success: true, data: null });
    await expect(dataLayer.getStaffSchedule({ companyId: COMPANY, staffId, date: '2030-02-30' })).resolves.toMatchObject({ success: false, error: { code: 'VALIDATION_ERROR' } });
  });

  test('when services are listed, then inactive ones are hidden unless asked for, in catalogue order', async () => {
    const active = await dataLayer.getServices({ companyId: COMPANY });
    expect(active.success && active.data.map((s) => s.title)).toEqual(['Стрижка', 'Укладка']);
    const all = await dataLayer.getServices({ companyId: COMPANY, includeInactive: true });
    expect(all.success && all.data).toHaveLength(3);
    await expect(dataLayer.getServicesByCategory({ companyId: COMPANY, categoryId: 4 })).resolves.toEqual({ success: true, data: [] });
    await expect(dataLayer.getServiceById({ companyId: COMPANY, serviceId })).resolves.toMatchObject({ success: true, data: { title: 'Стрижка', duration: 60 } });
  });

  test('when the company is read, then its settings come back; an unknown time zone is refused', async () => {
    await expect(dataLayer.getCompany({ companyId: COMPANY })).resolves.toMatchObject({ success: true, data: { settings: { language: 'ru' } } });
    await expect(dataLayer.upsertCompany({ id: COMPANY, title: 'X', timezone: 'Mars/Olympus' })).resolves.toMatchObject({ success: false, error: { code: 'VALIDATION_ERROR' } });
  });
});

describe('DataLayer failures', () => {
  test('when the database fails unexpectedly, then the caller gets a result, and Sentry gets exactly one report', async () => {
    const before = reporter.reports.length;
    // A table the layer relies on disappears (a broken deploy): an unexpected database error.
    await stack.pool.query('ALTER TABLE services RENAME TO services_gone');
    try {
      const result = await dataLayer.getServices({ companyId: COMPANY });
      expect(result).toEqual({ success: false, error: { code: 'DATABASE_ERROR', message: 'unexpected database error', retryable: false } });
    } finally {
      await stack.pool.query('ALTER TABLE services_gone RENAME TO services');
    }
    const added = reporter.reports.slice(before);
    expect(added).toHaveLength(1);
    // Reported by the data layer (it owns the report), with the failed database call in the tags.
    expect(added[0]?.report).toMatchObject({
      component: 'data-layer',
      operation: 'getServices',
      tags: { backend: 'postgres', error_code: 'DATABASE_ERROR', model: 'Service', db_operation: 'findMany', sqlstate: '42P01' },
    });
    expect(reporter.attempts - reporter.reports.length).toBe(0);
  });

  test('when writes fail inside a transaction, then the failure is reported once, not again by the transaction or the facade', async () => {
    const before = reporter.reports.length;
    await stack.pool.query('ALTER TABLE clients RENAME TO clients_gone');
    try {
      const result = await dataLayer.upsertClients({ companyId: COMPANY, clients: [{ phone: '79995550100' }] });
      expect(result).toMatchObject({ success: false, error: { code: 'DATABASE_ERROR' } });
    } finally {
      await stack.pool.query('ALTER TABLE clients_gone RENAME TO clients');
    }
    expect(reporter.reports.slice(before)).toHaveLength(1);
  });
});
