/**
 * CRM exports of the kinds real CRMs produce, each replayed twice through the
 * data layer: the first run applies what the rules allow, the second must
 * report the same rows and change nothing (0 inserted, 0 updated, no
 * updated_at moving). Every case works in a salon of its own.
 */
import { createDataLayer, type DataLayer } from '../../src/data-layer/index.js';
import type { SyncResult } from '../../src/repositories/sync-result.js';
import { recordingReporter, type RecordingReporter } from '../helpers/recording-reporter.js';
import { createTestStack, type TestStack } from '../helpers/test-stack.js';

let stack: TestStack;
let dataLayer: DataLayer;
let reporter: RecordingReporter;
let nextCompany = 100;

interface StoredClient {
  id: number;
  crmId: number | null;
  phone: string;
  name: string | null;
  email: string | null;
  visitCount: number;
  updatedAt: string;
}

beforeAll(async () => {
  reporter = recordingReporter();
  stack = await createTestStack({ reporter });
  dataLayer = createDataLayer(stack.db, { reporter });
});

afterAll(async () => {
  await stack?.close();
});

async function salon(country?: string): Promise<number> {
  const id = nextCompany++;
  unwrap(await dataLayer.upsertCompany({ id, title: `Салон ${id}`, ...(country ? { country } : {}) }));
  return id;
}

/** Bookings the assistant makes must fall in working hours (the salon's booking rules). */
async function worksAllDay(staffId: number, date: string): Promise<void> {
  await stack.db.staffSchedule.create({ data: { staffId, date: new Date(`${date}T00:00:00Z`), isWorking: true, workingIntervals: [{ from: '00:00', to: '24:00' }] } });
}

function unwrap<T>(result: { success: true; data: T } | { success: false; error: { code: string; message: string } }): T {
  if (!result.success) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.data;
}

type ClientRow = Parameters<DataLayer['upsertClients']>[0]['clients'][number];

async function syncClients(companyId: number, clients: ClientRow[]): Promise<SyncResult> {
  return unwrap(await dataLayer.upsertClients({ companyId, clients }));
}

async function stored(companyId: number): Promise<StoredClient[]> {
  const { rows } = await stack.pool.query<StoredClient>(
    `SELECT id, crm_id AS "crmId", phone, name, email, visit_count AS "visitCount", updated_at::text AS "updatedAt"
     FROM clients WHERE company_id = $1 ORDER BY id`,
    [companyId],
  );
  return rows;
}

/** Runs the same export twice; the second run's counts and the rows after it are checked by the caller too. */
async function replayTwice(companyId: number, clients: ClientRow[]) {
  const first = await syncClients(companyId, clients);
  const afterFirst = await stored(companyId);
  const second = await syncClients(companyId, clients);
  const afterSecond = await stored(companyId);
  return { first, second, afterFirst, afterSecond };
}

const nothingChanged = (rows: number) => ({ inserted: 0, updated: 0, unchanged: rows });

describe('a phone changed in the CRM (same CRM id, new phone)', () => {
  test('when the export carries the new phone, then the same client gets it, keeps its appointments and its dialog context follows it', async () => {
    const companyId = await salon();
    await syncClients(companyId, [{ crmId: 1, phone: '+7 999 100-00-01', name: 'Анна' }, { crmId: 2, phone: '+7 999 100-00-02', name: 'Вера' }]);
    const [anna] = await stored(companyId);
    const staff = await stack.db.staff.create({ data: { companyId, crmId: 1, name: 'Мастер' } });
    const appointment = await stack.db.appointment.create({
      data: { companyId, clientId: anna!.id, staffId: staff.id, startAt: new Date('2030-06-01T10:00:00Z'), endAt: new Date('2030-06-01T11:00:00Z') },
    });
    unwrap(await dataLayer.upsertDialogContext({ companyId, phone: '79991000001', state: { step: 'booking' } }));

    const { first, second, afterFirst, afterSecond } = await replayTwice(companyId, [
      { crmId: 1, phone: '8 (999) 100-00-09', name: 'Анна' },
      { crmId: 2, phone: '+7 999 100-00-02', name: 'Вера' },
    ]);

    expect(first).toEqual({ inserted: 0, updated: 1, unchanged: 1, duplicates: [], conflicts: [] });
    expect(second).toEqual({ ...nothingChanged(2), duplicates: [], conflicts: [] });
    expect(afterFirst.map((c) => [c.id, c.crmId, c.phone])).toEqual([
      [anna!.id, 1, '79991000009'],
      [anna!.id + 1, 2, '79991000002'],
    ]);
    expect(afterSecond).toEqual(afterFirst);
    await expect(stack.db.appointment.findUniqueOrThrow({ where: { id: appointment.id } })).resolves.toMatchObject({ clientId: anna!.id });
    await expect(dataLayer.getDialogContext({ companyId, phone: '+79991000009' })).resolves.toMatchObject({ success: true, data: { state: { step: 'booking' } } });
    await expect(dataLayer.getDialogContext({ companyId, phone: '79991000001' })).resolves.toEqual({ success: true, data: null });
    await expect(dataLayer.getClientByPhone({ companyId, phone: '89991000009' })).resolves.toMatchObject({ success: true, data: { id: anna!.id } });
  });

  test('when two clients move along a chain (one takes the phone the other gives up), then both moves apply in one run', async () => {
    const companyId = await salon();
    await syncClients(companyId, [{ crmId: 1, phone: '79991100001' }, { crmId: 2, phone: '79991100002' }]);
    const { first, second, afterFirst, afterSecond } = await replayTwice(companyId, [
      { crmId: 1, phone: '79991100002' },
      { crmId: 2, phone: '79991100003' },
    ]);
    expect(first).toEqual({ inserted: 0, updated: 2, unchanged: 0, duplicates: [], conflicts: [] });
    expect(second).toEqual({ ...nothingChanged(2), duplicates: [], conflicts: [] });
    expect(afterFirst.map((c) => [c.crmId, c.phone])).toEqual([
      [1, '79991100002'],
      [2, '79991100003'],
    ]);
    expect(afterSecond).toEqual(afterFirst);
  });

  test('when two clients swap phones, then neither moves, both rows are reported and their other fields apply', async () => {
    const companyId = await salon();
    await syncClients(companyId, [{ crmId: 1, phone: '79991200001' }, { crmId: 2, phone: '79991200002' }]);
    const [one, two] = await stored(companyId);
    const { first, second, afterFirst, afterSecond } = await replayTwice(companyId, [
      { crmId: 1, phone: '79991200002', visitCount: 4 },
      { crmId: 2, phone: '79991200001' },
    ]);
    const conflicts = [
      { index: 0, reason: 'PHONE_TAKEN', action: 'PHONE_NOT_CHANGED', clientId: one!.id, phoneHolderClientId: two!.id },
      { index: 1, reason: 'PHONE_TAKEN', action: 'PHONE_NOT_CHANGED', clientId: two!.id, phoneHolderClientId: one!.id },
    ];
    expect(first).toEqual({ inserted: 0, updated: 1, unchanged: 1, duplicates: [], conflicts });
    expect(second).toEqual({ ...nothingChanged(2), duplicates: [], conflicts });
    expect(afterFirst.map((c) => [c.crmId, c.phone, c.visitCount])).toEqual([
      [1, '79991200001', 4],
      [2, '79991200002', 0],
    ]);
    expect(afterSecond).toEqual(afterFirst);
  });
});

describe('two CRM records sharing one WhatsApp number', () => {
  test('when a new CRM record carries the phone of a stored client, then it is not inserted, every run says so, and one warning per run names counts only', async () => {
    const companyId = await salon();
    await syncClients(companyId, [{ crmId: 1, phone: '79991300001', name: 'Мама' }]);
    const [mother] = await stored(companyId);
    const warningsBefore = reporter.reports.length;
    const { first, second, afterFirst, afterSecond } = await replayTwice(companyId, [
      { crmId: 1, phone: '79991300001', name: 'Мама' },
      { crmId: 2, phone: '+7 999 130-00-01', name: 'Дочка' },
    ]);
    const conflicts = [{ index: 1, reason: 'PHONE_TAKEN', action: 'NOT_INSERTED', phoneHolderClientId: mother!.id }];
    expect(first).toEqual({ ...nothingChanged(1), duplicates: [], conflicts });
    expect(second).toEqual(first);
    expect(afterFirst).toEqual([mother]);
    expect(afterSecond).toEqual(afterFirst);

    const warnings = reporter.reports.slice(warningsBefore);
    expect(warnings).toHaveLength(2);
    for (const { error, report } of warnings) {
      expect(error).toMatchObject({ name: 'SyncConflictWarning' });
      expect(report).toMatchObject({
        component: 'data-layer',
        operation: 'upsertClients',
        level: 'warning',
        context: { companyId, rows: 2, conflicts: 1, notInserted: 1, duplicates: 0 },
      });
      expect(JSON.stringify({ message: (error as Error).message, report })).not.toMatch(/9991300001|999 130/);
    }
  });

  test('when a stored client would move to a phone another client holds, then its other fields apply and the phone stays', async () => {
    const companyId = await salon();
    await syncClients(companyId, [{ crmId: 1, phone: '79991400001' }, { crmId: 2, phone: '79991400002', name: 'Old' }]);
    const [holder, mover] = await stored(companyId);
    const { first, second, afterFirst, afterSecond } = await replayTwice(companyId, [{ crmId: 2, phone: '79991400001', name: 'New' }]);
    const conflicts = [{ index: 0, reason: 'PHONE_TAKEN', action: 'PHONE_NOT_CHANGED', clientId: mover!.id, phoneHolderClientId: holder!.id }];
    expect(first).toEqual({ inserted: 0, updated: 1, unchanged: 0, duplicates: [], conflicts });
    expect(second).toEqual({ ...nothingChanged(1), duplicates: [], conflicts });
    expect(afterFirst.map((c) => [c.crmId, c.phone, c.name])).toEqual([
      [1, '79991400001', null],
      [2, '79991400002', 'New'],
    ]);
    expect(afterSecond).toEqual(afterFirst);
  });

  test('when two new CRM records share a phone, then the lower CRM id gets it whatever the order of the export', async () => {
    const companyId = await salon();
    const { first, second, afterFirst, afterSecond } = await replayTwice(companyId, [
      { crmId: 20, phone: '79991500001', name: 'Younger record' },
      { crmId: 10, phone: '79991500001', name: 'Older record' },
    ]);
    expect(first).toEqual({ inserted: 1, updated: 0, unchanged: 0, duplicates: [], conflicts: [{ index: 0, reason: 'PHONE_TAKEN', action: 'NOT_INSERTED', phoneHolderIndex: 1 }] });
    expect(afterFirst.map((c) => [c.crmId, c.name])).toEqual([[10, 'Older record']]);
    expect(second).toEqual({
      ...nothingChanged(1),
      duplicates: [],
      conflicts: [{ index: 0, reason: 'PHONE_TAKEN', action: 'NOT_INSERTED', phoneHolderClientId: afterFirst[0]!.id }],
    });
    expect(afterSecond).toEqual(afterFirst);
  });
});

describe('a client first met on WhatsApp', () => {
  test('when the CRM exports it with a CRM id, then the same client takes the CRM id and keeps its appointments', async () => {
    const companyId = await salon();
    const staff = await stack.db.staff.create({ data: { companyId, crmId: 1, name: 'Мастер' } });
    await worksAllDay(staff.id, '2030-06-02');
    const booking = unwrap(
      await dataLayer.createBooking({ companyId, client: { phone: '79991600001@s.whatsapp.net', name: 'Из чата' }, staffId: staff.id, startAt: '2030-06-02T10:00:00Z', endAt: '2030-06-02T11:00:00Z' }),
    );
    const { first, second, afterFirst, afterSecond } = await replayTwice(companyId, [{ crmId: 77, phone: '8 999 160 00 01', name: 'Из CRM' }]);
    expect(first).toEqual({ inserted: 0, updated: 1, unchanged: 0, duplicates: [], conflicts: [] });
    expect(second).toEqual({ ...nothingChanged(1), duplicates: [], conflicts: [] });
    expect(afterFirst.map((c) => [c.id, c.crmId, c.name])).toEqual([[booking.client.id, 77, 'Из CRM']]);
    expect(afterSecond).toEqual(afterFirst);
    await expect(stack.db.appointment.count({ where: { clientId: booking.client.id } })).resolves.toBe(1);
  });
});

describe('the same client twice in one export', () => {
  test('when one phone comes twice with different fields, then the last row wins and the earlier one is reported as a duplicate', async () => {
    const companyId = await salon();
    const { first, second, afterFirst, afterSecond } = await replayTwice(companyId, [
      { phone: '+7 999 170-00-01', name: 'Первая запись' },
      { phone: '79991700002', name: 'Другая' },
      { phone: '8 999 170 00 01', name: 'Последняя запись' },
    ]);
    const duplicates = [{ index: 0, keptIndex: 2 }];
    expect(first).toEqual({ inserted: 2, updated: 0, unchanged: 0, duplicates, conflicts: [] });
    expect(second).toEqual({ ...nothingChanged(2), duplicates, conflicts: [] });
    expect(afterFirst.map((c) => [c.phone, c.name])).toEqual([
      ['79991700002', 'Другая'],
      ['79991700001', 'Последняя запись'],
    ]);
    expect(afterSecond).toEqual(afterFirst);
  });

  test('when one CRM id comes twice with different phones, then the last row wins', async () => {
    const companyId = await salon();
    const { first, second, afterFirst, afterSecond } = await replayTwice(companyId, [
      { crmId: 5, phone: '79991800001', name: 'Старый номер' },
      { crmId: 5, phone: '79991800002', name: 'Новый номер' },
    ]);
    expect(first).toEqual({ inserted: 1, updated: 0, unchanged: 0, duplicates: [{ index: 0, keptIndex: 1 }], conflicts: [] });
    expect(second).toEqual({ ...nothingChanged(1), duplicates: [{ index: 0, keptIndex: 1 }], conflicts: [] });
    expect(afterFirst.map((c) => [c.crmId, c.phone, c.name])).toEqual([[5, '79991800002', 'Новый номер']]);
    expect(afterSecond).toEqual(afterFirst);
  });

  test('when every spelling of one number comes in one export, then they resolve to one client', async () => {
    const companyId = await salon();
    const spellings = ['+7 (999) 190-00-01', '8 999 190 00 01', '9991900001', 'tel:+79991900001', '0079991900001', '+7 999 190\u201300\u201301', '79991900001:7@s.whatsapp.net'];
    const { first, second, afterFirst, afterSecond } = await replayTwice(
      companyId,
      spellings.map((phone, index) => ({ phone, visitCount: index })),
    );
    const duplicates = spellings.slice(0, -1).map((_, index) => ({ index, keptIndex: spellings.length - 1 }));
    expect(first).toEqual({ inserted: 1, updated: 0, unchanged: 0, duplicates, conflicts: [] });
    expect(second).toEqual({ ...nothingChanged(1), duplicates, conflicts: [] });
    expect(afterFirst.map((c) => [c.phone, c.visitCount])).toEqual([['79991900001', spellings.length - 1]]);
    expect(afterSecond).toEqual(afterFirst);
  });
});

describe('fields a CRM leaves empty or out', () => {
  test('when email and name are empty strings, then they are stored as null (and a stored email is cleared)', async () => {
    const companyId = await salon();
    await syncClients(companyId, [{ crmId: 1, phone: '79992000001', name: 'Анна', email: 'anna@example.com' }]);
    const { first, second, afterFirst, afterSecond } = await replayTwice(companyId, [
      { crmId: 1, phone: '79992000001', name: 'Анна', email: '' },
      { crmId: 2, phone: '79992000002', name: '  ', email: '' },
    ]);
    expect(first).toEqual({ inserted: 1, updated: 1, unchanged: 0, duplicates: [], conflicts: [] });
    expect(second).toEqual({ ...nothingChanged(2), duplicates: [], conflicts: [] });
    expect(afterFirst.map((c) => [c.crmId, c.name, c.email])).toEqual([
      [1, 'Анна', null],
      [2, null, null],
    ]);
    expect(afterSecond).toEqual(afterFirst);
  });

  test('when rows leave fields out, then stored values stay, for clients and services', async () => {
    const companyId = await salon();
    await syncClients(companyId, [{ crmId: 1, phone: '79992100001', name: 'Анна', email: 'anna@example.com', visitCount: 3 }]);
    unwrap(await dataLayer.upsertServices({ companyId, services: [{ crmId: 1, title: 'Стрижка', priceMin: 1000, priceMax: 2000, duration: 45, isActive: false }] }));

    const { first, second, afterFirst } = await replayTwice(companyId, [{ crmId: 1, phone: '79992100001', visitCount: 4 }]);
    expect(first).toMatchObject({ updated: 1 });
    expect(second).toMatchObject(nothingChanged(1));
    expect(afterFirst.map((c) => [c.name, c.email, c.visitCount])).toEqual([['Анна', 'anna@example.com', 4]]);

    const services = [{ crmId: 1, title: 'Стрижка (новая)' }];
    expect(unwrap(await dataLayer.upsertServices({ companyId, services }))).toMatchObject({ updated: 1 });
    expect(unwrap(await dataLayer.upsertServices({ companyId, services }))).toMatchObject(nothingChanged(1));
    await expect(stack.db.service.findFirstOrThrow({ where: { companyId, crmId: 1 } })).resolves.toMatchObject({
      title: 'Стрижка (новая)',
      duration: 45,
      isActive: false,
    });
  });
});

describe('schedules with fields left out', () => {
  test('when a day row gives only staff and date, then a stored day off stays a day off with its intervals and slots', async () => {
    const companyId = await salon();
    const staff = await stack.db.staff.create({ data: { companyId, crmId: 1, name: 'Мастер' } });
    const full = [
      { staffId: staff.id, date: '2030-07-01', isWorking: false, workingIntervals: [], freeSlots: [] },
      { staffId: staff.id, date: '2030-07-02', isWorking: true, workingIntervals: [{ from: '10:00', to: '18:00' }], freeSlots: ['10:00', '10:30'] },
    ];
    unwrap(await dataLayer.upsertStaffSchedules({ companyId, schedules: full }));
    const partial = [
      { staffId: staff.id, date: '2030-07-01' },
      { staffId: staff.id, date: '2030-07-02', freeSlots: ['11:00'] },
      { staffId: staff.id, date: '2030-07-03' },
    ];
    const first = unwrap(await dataLayer.upsertStaffSchedules({ companyId, schedules: partial }));
    const afterFirst = await stack.db.staffSchedule.findMany({ where: { staffId: staff.id }, orderBy: { date: 'asc' } });
    const second = unwrap(await dataLayer.upsertStaffSchedules({ companyId, schedules: partial }));
    const afterSecond = await stack.db.staffSchedule.findMany({ where: { staffId: staff.id }, orderBy: { date: 'asc' } });

    expect(first).toEqual({ inserted: 1, updated: 1, unchanged: 1, duplicates: [], conflicts: [] });
    expect(second).toEqual({ ...nothingChanged(3), duplicates: [], conflicts: [] });
    expect(afterFirst.map((d) => [d.isWorking, d.workingIntervals, d.freeSlots])).toEqual([
      [false, [], []],
      [true, [{ from: '10:00', to: '18:00' }], ['11:00']],
      // A new day gets the table's defaults.
      [true, [], []],
    ]);
    expect(afterSecond).toEqual(afterFirst);
  });

  test('when one day comes twice, then the last row wins and the first is a duplicate', async () => {
    const companyId = await salon();
    const staff = await stack.db.staff.create({ data: { companyId, crmId: 1, name: 'Мастер' } });
    const schedules = [
      { staffId: staff.id, date: '2030-07-05', isWorking: true },
      { staffId: staff.id, date: '2030-07-05', isWorking: false },
    ];
    expect(unwrap(await dataLayer.upsertStaffSchedules({ companyId, schedules }))).toEqual({ inserted: 1, updated: 0, unchanged: 0, duplicates: [{ index: 0, keptIndex: 1 }], conflicts: [] });
    expect(unwrap(await dataLayer.upsertStaffSchedules({ companyId, schedules }))).toEqual({ ...nothingChanged(1), duplicates: [{ index: 0, keptIndex: 1 }], conflicts: [] });
    await expect(stack.db.staffSchedule.findFirstOrThrow({ where: { staffId: staff.id } })).resolves.toMatchObject({ isWorking: false });
  });
});

describe('phones in the salon region', () => {
  test('when a salon is in Kazakhstan, then a national 8 7xx number is read as Kazakh by the sync, the lookup, the dialog context and the booking', async () => {
    const companyId = await salon('kz');
    await expect(dataLayer.getCompany({ companyId })).resolves.toMatchObject({ success: true, data: { country: 'KZ' } });
    const { first, afterFirst } = await replayTwice(companyId, [{ crmId: 1, phone: '8 701 234 56 78' }]);
    expect(first).toMatchObject({ inserted: 1 });
    expect(afterFirst.map((c) => c.phone)).toEqual(['77012345678']);
    await expect(dataLayer.getClientByPhone({ companyId, phone: '8 (701) 234-56-78' })).resolves.toMatchObject({ success: true, data: { crmId: 1 } });

    unwrap(await dataLayer.upsertDialogContext({ companyId, phone: '8 701 234 56 78', state: { step: 'hello' } }));
    await expect(dataLayer.getDialogContext({ companyId, phone: '77012345678@s.whatsapp.net' })).resolves.toMatchObject({ success: true, data: { state: { step: 'hello' } } });
    const staff = await stack.db.staff.create({ data: { companyId, crmId: 1, name: 'Мастер' } });
    await worksAllDay(staff.id, '2030-06-03');
    const booking = unwrap(
      await dataLayer.createBooking({ companyId, client: { phone: '8 701 234 56 78' }, staffId: staff.id, startAt: '2030-06-03T10:00:00Z', endAt: '2030-06-03T11:00:00Z' }),
    );
    expect(booking).toMatchObject({ clientCreated: false, client: { id: afterFirst[0]!.id } });
  });

  test('when a salon has no country set, then it reads phones as Russian; an unknown country is refused', async () => {
    const companyId = await salon();
    await expect(dataLayer.getCompany({ companyId })).resolves.toMatchObject({ success: true, data: { country: 'RU' } });
    await expect(dataLayer.upsertCompany({ id: companyId, title: 'x', country: 'XX' })).resolves.toMatchObject({ success: false, error: { code: 'VALIDATION_ERROR' } });
  });

  test('when one phone of the export is impossible, then the call names the row and nothing of it is written', async () => {
    const companyId = await salon();
    await syncClients(companyId, [{ crmId: 1, phone: '79992200001', name: 'Анна' }]);
    const before = await stored(companyId);
    const result = await dataLayer.upsertClients({
      companyId,
      clients: [
        { crmId: 1, phone: '79992200001', name: 'Анна Петровна' },
        { crmId: 2, phone: '79992200002' },
        { crmId: 3, phone: '8 999 220 00 031' },
      ],
    });
    expect(result).toEqual({ success: false, error: { code: 'VALIDATION_ERROR', message: 'clients.2.phone is not a valid phone number', retryable: false } });
    await expect(stored(companyId)).resolves.toEqual(before);
  });
});

describe('upsertClient (one client) by the same rules', () => {
  test('when the CRM id is known and the phone changed, then the same client gets the new phone', async () => {
    const companyId = await salon();
    const created = unwrap(await dataLayer.upsertClient({ companyId, crmId: 9, phone: '79992300001', name: 'Анна' }));
    const moved = unwrap(await dataLayer.upsertClient({ companyId, crmId: 9, phone: '+7 999 230-00-02' }));
    expect(moved).toMatchObject({ id: created.id, phone: '79992300002', name: 'Анна' });
    const again = unwrap(await dataLayer.upsertClient({ companyId, crmId: 9, phone: '+7 999 230-00-02' }));
    expect(again.updatedAt).toEqual(moved.updatedAt);
  });

  test('when the phone belongs to another client, then it is UNIQUE_VIOLATION naming that client and nothing is written', async () => {
    const companyId = await salon();
    const holder = unwrap(await dataLayer.upsertClient({ companyId, crmId: 1, phone: '79992400001' }));
    unwrap(await dataLayer.upsertClient({ companyId, crmId: 2, phone: '79992400002', name: 'Вера' }));
    const before = await stored(companyId);
    const result = await dataLayer.upsertClient({ companyId, crmId: 2, phone: '79992400001', name: 'Вера Н.' });
    expect(result).toEqual({
      success: false,
      error: { code: 'UNIQUE_VIOLATION', message: `the phone belongs to client ${holder.id} of this salon; nothing was written`, retryable: false },
    });
    await expect(stored(companyId)).resolves.toEqual(before);
  });
});

describe('a sync the rules cannot settle', () => {
  test('when the database still refuses a sync with a unique violation, then the call fails whole and the failure is reported, not swallowed as expected', async () => {
    const companyId = await salon();
    // A rule the sync knows nothing about stands in for a race or a bug: the sync must not jam silently.
    await stack.pool.query(`CREATE UNIQUE INDEX clients_test_one_name ON clients (company_id, name) WHERE company_id = ${companyId}`);
    try {
      const reportsBefore = reporter.reports.length;
      const result = await dataLayer.upsertClients({
        companyId,
        clients: [
          { crmId: 1, phone: '79992500001', name: 'Та же' },
          { crmId: 2, phone: '79992500002', name: 'Та же' },
        ],
      });
      expect(result).toMatchObject({ success: false, error: { code: 'UNIQUE_VIOLATION' } });
      await expect(stored(companyId)).resolves.toEqual([]);
      const reports = reporter.reports.slice(reportsBefore);
      expect(reports).toHaveLength(1);
      expect(reports[0]?.report).toMatchObject({ component: 'data-layer', operation: 'upsertClients', tags: { error_code: 'UNIQUE_VIOLATION' } });
    } finally {
      await stack.pool.query('DROP INDEX clients_test_one_name');
    }
  });
});
