import { createDataLayer, type DataLayer } from '../../src/data-layer/index.js';
import type { AvailableStaff } from '../../src/repositories/staff-repository.js';
import { createTestStack, type TestStack } from '../helpers/test-stack.js';
import { recordingReporter, type RecordingReporter } from '../helpers/recording-reporter.js';

let stack: TestStack;
let dataLayer: DataLayer;
let reporter: RecordingReporter;
/** The data layer's clock; tests that need another "now" set it and put it back. */
const START_CLOCK = new Date('2030-01-15T12:00:00Z');
let clock = START_CLOCK;
const COMPANY = 1; // Europe/Moscow, UTC+3 all year
const OTHER_COMPANY = 2; // Europe/Berlin, with DST
const staff: Record<'anna' | 'fired' | 'away' | 'bella' | 'klaus', number> = { anna: 0, fired: 0, away: 0, bella: 0, klaus: 0 };
const services: Record<'cut' | 'retired' | 'long' | 'colour', number> = { cut: 0, retired: 0, long: 0, colour: 0 };

/** Every day from..to (inclusive) as YYYY-MM-DD. */
function days(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

async function must<T>(result: Promise<{ success: true; data: T } | { success: false; error: { code: string; message: string } }>): Promise<T> {
  const outcome = await result;
  if (!outcome.success) throw new Error(`setup failed: ${outcome.error.code}: ${outcome.error.message}`);
  return outcome.data;
}

beforeAll(async () => {
  reporter = recordingReporter();
  // A pool as large as the crowd of callers, so the concurrent tests race in the database, not in the pool queue.
  stack = await createTestStack({ reporter, env: { POSTGRES_MAX_CONNECTIONS: '20' } });
  // Twenty callers racing for one slot can deadlock each other more than the default 3 times on a loaded
  // machine (40P01 is retried; see transactions.test.ts): give the race room to end as conflicts.
  dataLayer = createDataLayer(stack.db, { reporter, now: () => clock, transactionMaxRetries: 10 });
  await must(dataLayer.upsertCompany({ id: COMPANY, title: 'Salon', timezone: 'Europe/Moscow' }));
  await must(dataLayer.upsertCompany({ id: OTHER_COMPANY, title: 'Salon in Berlin', timezone: 'Europe/Berlin' }));
  await stack.db.staff.createMany({
    data: [
      { companyId: COMPANY, crmId: 1, name: 'Anna' },
      { companyId: COMPANY, crmId: 2, name: 'Fired', isFired: true },
      { companyId: COMPANY, crmId: 3, name: 'Away', isActive: false },
      { companyId: COMPANY, crmId: 4, name: 'Bella' },
      { companyId: OTHER_COMPANY, crmId: 1, name: 'Klaus' },
    ],
  });
  const members = await stack.db.staff.findMany({ orderBy: [{ companyId: 'asc' }, { crmId: 'asc' }] });
  [staff.anna, staff.fired, staff.away, staff.bella, staff.klaus] = members.map((m) => m.id) as [number, number, number, number, number];
  await must(
    dataLayer.upsertServices({
      companyId: COMPANY,
      services: [
        { crmId: 1, title: 'Cut', duration: 45 },
        { crmId: 2, title: 'Retired', duration: 30, isActive: false },
        { crmId: 3, title: 'Long', duration: 90 },
      ],
    }),
  );
  await must(dataLayer.upsertServices({ companyId: OTHER_COMPANY, services: [{ crmId: 1, title: 'Colour', duration: 90 }] }));
  const rows = await stack.db.service.findMany({ orderBy: [{ companyId: 'asc' }, { crmId: 'asc' }] });
  [services.cut, services.retired, services.long, services.colour] = rows.map((s) => s.id) as [number, number, number, number];

  const hours = (from: string, to: string) => [{ from, to }];
  await must(
    dataLayer.upsertStaffSchedules({
      companyId: COMPANY,
      schedules: [
        // Anna and the inactive staff work 09:00-21:00 Moscow time every day of February to May.
        ...[staff.anna, staff.fired, staff.away].flatMap((staffId) => days('2030-02-01', '2030-05-31').map((date) => ({ staffId, date, workingIntervals: hours('09:00', '21:00') }))),
        { staffId: staff.bella, date: '2030-05-30', workingIntervals: [{ from: '10:00', to: '14:00' }, { from: '15:00', to: '19:00' }] },
        // January: one day per rule.
        { staffId: staff.anna, date: '2030-01-20', workingIntervals: hours('10:00', '20:00') },
        { staffId: staff.anna, date: '2030-01-21', isWorking: false },
        // 2030-01-22: no schedule row at all.
        { staffId: staff.anna, date: '2030-01-23', workingIntervals: hours('00:00', '03:00') },
        { staffId: staff.anna, date: '2030-01-24', workingIntervals: hours('22:00', '24:00') },
        { staffId: staff.anna, date: '2030-01-25', workingIntervals: hours('00:00', '02:00') },
        { staffId: staff.anna, date: '2030-01-26', workingIntervals: hours('22:00', '24:00') },
        // 2030-01-27: no row, so a booking from the 26th cannot run past midnight.
      ],
    }),
  );
  // Berlin: clocks go forward at 02:00 on 2030-03-31, so 00:00-06:00 that day is five real hours.
  await must(dataLayer.upsertStaffSchedules({ companyId: OTHER_COMPANY, schedules: [{ staffId: staff.klaus, date: '2030-03-31', workingIntervals: hours('00:00', '06:00') }] }));
});

afterAll(async () => {
  await stack?.close();
});

const clientCount = (phone: string) => stack.db.client.count({ where: { companyId: COMPANY, phone } });
const appointmentCount = () => stack.db.appointment.count();

describe('DataLayer.createBooking', () => {
  test('when the slot is free, then the client is created and the appointment ends after the service duration', async () => {
    const result = await dataLayer.createBooking({
      companyId: COMPANY,
      client: { phone: '+7 (999) 100-00-01', name: 'Вера' },
      staffId: staff.anna,
      serviceId: services.cut,
      startAt: '2030-02-01T10:00:00Z',
    });
    expect(result).toMatchObject({
      success: true,
      data: {
        clientCreated: true,
        replayed: false,
        client: { phone: '79991000001', name: 'Вера' },
        appointment: {
          status: 'pending',
          startAt: new Date('2030-02-01T10:00:00Z'),
          endAt: new Date('2030-02-01T10:45:00Z'),
          timeZone: 'Europe/Moscow',
          startAtLocal: '2030-02-01T13:00:00+03:00',
          endAtLocal: '2030-02-01T13:45:00+03:00',
        },
      },
    });
  });

  test('when the client already exists, then the booking uses them and creates no second row', async () => {
    await dataLayer.upsertClient({ companyId: COMPANY, phone: '79991000002', name: 'Known' });
    const result = await dataLayer.createBooking({
      companyId: COMPANY,
      client: { phone: '89991000002' },
      staffId: staff.anna,
      startAt: '2030-02-02T10:00:00Z',
      endAt: '2030-02-02T11:00:00Z',
    });
    expect(result).toMatchObject({ success: true, data: { clientCreated: false, client: { name: 'Known' } } });
    await expect(clientCount('79991000002')).resolves.toBe(1);
  });

  test('when the appointment overlaps, then it is a BOOKING_CONFLICT and no new client row remains', async () => {
    await dataLayer.createBooking({ companyId: COMPANY, client: { phone: '79991000003' }, staffId: staff.anna, startAt: '2030-02-03T10:00:00Z', endAt: '2030-02-03T11:00:00Z' });
    const result = await dataLayer.createBooking({
      companyId: COMPANY,
      client: { phone: '79991000004', name: 'Late' },
      staffId: staff.anna,
      startAt: '2030-02-03T10:30:00Z',
      endAt: '2030-02-03T11:30:00Z',
    });
    expect(result).toEqual({ success: false, error: { code: 'BOOKING_CONFLICT', message: expect.any(String), retryable: false } });
    await expect(clientCount('79991000004')).resolves.toBe(0);
  });

  test('when the staff id does not exist, then it is NOT_FOUND and no new client row remains', async () => {
    const result = await dataLayer.createBooking({ companyId: COMPANY, client: { phone: '79991000005' }, staffId: 999_999, startAt: '2030-02-04T10:00:00Z', endAt: '2030-02-04T11:00:00Z' });
    expect(result).toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });
    await expect(clientCount('79991000005')).resolves.toBe(0);
  });

  test('when the database refuses the insert after the client was created, then the client insert is rolled back too', async () => {
    // crm_record_id is unique: the second booking creates its client, then fails on the appointment insert.
    await dataLayer.createBooking({ companyId: COMPANY, client: { phone: '79991000007' }, staffId: staff.anna, startAt: '2030-02-05T10:00:00Z', endAt: '2030-02-05T11:00:00Z', crmRecordId: 77 });
    const result = await dataLayer.createBooking({ companyId: COMPANY, client: { phone: '79991000008' }, staffId: staff.anna, startAt: '2030-02-05T12:00:00Z', endAt: '2030-02-05T13:00:00Z', crmRecordId: 77 });
    expect(result).toMatchObject({ success: false, error: { code: 'UNIQUE_VIOLATION' } });
    await expect(clientCount('79991000008')).resolves.toBe(0);
  });

  test('when 20 callers book the same slot at once, then exactly one succeeds and 19 get BOOKING_CONFLICT', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        dataLayer.createBooking({
          companyId: COMPANY,
          client: { phone: `7999200${String(i).padStart(4, '0')}` },
          staffId: staff.anna,
          startAt: '2030-03-01T10:00:00Z',
          endAt: '2030-03-01T11:00:00Z',
        }),
      ),
    );
    expect(results.filter((r) => r.success)).toHaveLength(1);
    const codes = results.flatMap((r) => (r.success ? [] : [r.error.code]));
    expect(codes).toEqual(Array(19).fill('BOOKING_CONFLICT'));
    await expect(stack.db.appointment.count({ where: { staffId: staff.anna, startAt: new Date('2030-03-01T10:00:00Z') } })).resolves.toBe(1);
    // Only the winner's client remains.
    await expect(stack.db.client.count({ where: { companyId: COMPANY, phone: { startsWith: '7999200' } } })).resolves.toBe(1);
  });

  test('when the phone is invalid, then nothing is written and the error names the field, not the value', async () => {
    const result = await dataLayer.createBooking({ companyId: COMPANY, client: { phone: 'not a phone' }, staffId: staff.anna, startAt: '2030-02-06T10:00:00Z', endAt: '2030-02-06T11:00:00Z' });
    expect(result).toMatchObject({ success: false, error: { code: 'VALIDATION_ERROR', retryable: false } });
    const message = result.success ? '' : result.error.message;
    expect(message).toContain('client.phone');
    expect(message).not.toContain('not a phone');
  });

  test('when the end is before the start, then it is a validation error naming endAt', async () => {
    const result = await dataLayer.createBooking({ companyId: COMPANY, client: { phone: '79991000009' }, staffId: staff.anna, startAt: '2030-02-06T10:00:00Z', endAt: '2030-02-06T09:00:00Z' });
    expect(result.success ? '' : result.error.message).toContain('endAt');
    await expect(clientCount('79991000009')).resolves.toBe(0);
  });
});

describe('DataLayer.createBooking: the salon\'s rules', () => {
  let nextPhone = 0;
  /** Books for a fresh client; the refusal must write nothing: no client, no appointment. */
  async function refused(input: Record<string, unknown>, code: string) {
    nextPhone += 1;
    const phone = `7999500${String(nextPhone).padStart(4, '0')}`;
    const before = await appointmentCount();
    const result = await dataLayer.createBooking({ companyId: COMPANY, client: { phone }, staffId: staff.anna, ...input } as never);
    expect(result).toEqual({ success: false, error: { code, message: expect.any(String), retryable: false } });
    await expect(appointmentCount()).resolves.toBe(before);
    await expect(clientCount(phone)).resolves.toBe(0);
    return result.success ? '' : result.error.message;
  }

  test('when the booking is at 22:00 and the staff member works 10:00-20:00 that day, then it is OUTSIDE_WORKING_HOURS and says the hours', async () => {
    // 22:00 Moscow is 19:00Z.
    const message = await refused({ serviceId: services.cut, startAt: '2030-01-20T19:00:00Z' }, 'OUTSIDE_WORKING_HOURS');
    expect(message).toContain('10:00-20:00');
    expect(message).toContain('2030-01-20');
    expect(message).toContain('22:00-22:45');
  });

  test('when the booking starts inside the hours but ends after them, then it is OUTSIDE_WORKING_HOURS', async () => {
    // 19:30 Moscow + 45 minutes ends 20:15.
    await refused({ serviceId: services.cut, startAt: '2030-01-20T16:30:00Z' }, 'OUTSIDE_WORKING_HOURS');
  });

  test('when the staff member has a day off, then it is STAFF_NOT_WORKING', async () => {
    await refused({ serviceId: services.cut, startAt: '2030-01-21T10:00:00Z' }, 'STAFF_NOT_WORKING');
  });

  test('when the day has no schedule row at all, then it is STAFF_NOT_WORKING', async () => {
    await refused({ serviceId: services.cut, startAt: '2030-01-22T10:00:00Z' }, 'STAFF_NOT_WORKING');
  });

  test('when the booking is yesterday, then it is IN_THE_PAST', async () => {
    const message = await refused({ serviceId: services.cut, startAt: '2030-01-14T10:00:00Z' }, 'IN_THE_PAST');
    expect(message).toContain('2030-01-14T13:00:00+03:00');
  });

  test('when the booking starts a minute before the injected now, then it is IN_THE_PAST, and at now it is accepted', async () => {
    clock = new Date('2030-02-07T09:00:00Z');
    try {
      await refused({ serviceId: services.cut, startAt: '2030-02-07T08:59:00Z' }, 'IN_THE_PAST');
      const atNow = await dataLayer.createBooking({ companyId: COMPANY, client: { phone: '79995100001' }, staffId: staff.anna, serviceId: services.cut, startAt: '2030-02-07T09:00:00Z' });
      expect(atNow).toMatchObject({ success: true });
    } finally {
      clock = START_CLOCK;
    }
  });

  test('when the salon switched the service off, then it is SERVICE_INACTIVE', async () => {
    await refused({ serviceId: services.retired, startAt: '2030-02-08T10:00:00Z' }, 'SERVICE_INACTIVE');
  });

  test('when the staff member is fired or inactive, then it is STAFF_INACTIVE', async () => {
    await refused({ staffId: staff.fired, serviceId: services.cut, startAt: '2030-02-08T10:00:00Z' }, 'STAFF_INACTIVE');
    await refused({ staffId: staff.away, serviceId: services.cut, startAt: '2030-02-08T10:00:00Z' }, 'STAFF_INACTIVE');
  });

  test('when the booking would last more than a day, then it is a VALIDATION_ERROR', async () => {
    await refused({ startAt: '2030-02-09T10:00:00Z', endAt: '2030-02-10T10:01:00Z' }, 'VALIDATION_ERROR');
  });

  test('when a 01:30 Moscow booking falls on the previous UTC day, then the Moscow day\'s schedule decides and it reads as that day', async () => {
    // 2030-01-23 01:30 Moscow is 2030-01-22T22:30Z; the 22nd has no schedule, the 23rd works 00:00-03:00.
    const result = await dataLayer.createBooking({ companyId: COMPANY, client: { phone: '79995200001' }, staffId: staff.anna, serviceId: services.cut, startAt: '2030-01-22T22:30:00Z' });
    expect(result).toMatchObject({
      success: true,
      data: { appointment: { startAt: new Date('2030-01-22T22:30:00Z'), startAtLocal: '2030-01-23T01:30:00+03:00', endAtLocal: '2030-01-23T02:15:00+03:00' } },
    });
  });

  test('when a booking runs past local midnight into the next day\'s hours, then it is accepted; without hours the next day, it is refused', async () => {
    // 23:30-01:00 Moscow: the 24th works 22:00-24:00, the 25th 00:00-02:00.
    const across = await dataLayer.createBooking({ companyId: COMPANY, client: { phone: '79995200002' }, staffId: staff.anna, serviceId: services.long, startAt: '2030-01-24T20:30:00Z' });
    expect(across).toMatchObject({ success: true, data: { appointment: { startAtLocal: '2030-01-24T23:30:00+03:00', endAtLocal: '2030-01-25T01:00:00+03:00' } } });
    // The 26th works 22:00-24:00 and the 27th not at all.
    await refused({ serviceId: services.long, startAt: '2030-01-26T20:30:00Z' }, 'OUTSIDE_WORKING_HOURS');
  });

  test('when clocks go forward in the salon\'s time zone, then working hours are real hours and local times carry the new offset', async () => {
    // Berlin 2030-03-31, 00:00-06:00 local = 2030-03-30T23:00Z to 2030-03-31T04:00Z (five hours).
    const colourAt = (phone: string, startAt: string) =>
      dataLayer.createBooking({ companyId: OTHER_COMPANY, client: { phone }, staffId: staff.klaus, serviceId: services.colour, startAt });
    const early = await colourAt('79995200003', '2030-03-31T00:30:00Z');
    expect(early).toMatchObject({ success: true, data: { appointment: { startAtLocal: '2030-03-31T01:30:00+01:00', endAtLocal: '2030-03-31T04:00:00+02:00' } } });
    // 05:00 CEST + 90 minutes ends 06:30 local: past the end of the day's hours, although a fixed +01:00 reading would say 05:30.
    const late = await colourAt('79995200004', '2030-03-31T03:00:00Z');
    expect(late).toMatchObject({ success: false, error: { code: 'OUTSIDE_WORKING_HOURS' } });
    const free = await dataLayer.getStaff({ companyId: OTHER_COMPANY, date: '2030-03-31', serviceId: services.colour });
    expect(free).toMatchObject({
      success: true,
      data: [
        {
          id: staff.klaus,
          freeIntervals: [
            { startAt: new Date('2030-03-30T23:00:00Z'), endAt: new Date('2030-03-31T00:30:00Z'), startAtLocal: '2030-03-31T00:00:00+01:00', endAtLocal: '2030-03-31T01:30:00+01:00' },
            { startAt: new Date('2030-03-31T02:00:00Z'), endAt: new Date('2030-03-31T04:00:00Z'), startAtLocal: '2030-03-31T04:00:00+02:00', endAtLocal: '2030-03-31T06:00:00+02:00' },
          ],
        },
      ],
    });
  });

  test('when a booking carries crmRecordId, then it is the CRM\'s truth: past and outside hours are recorded, but another salon\'s staff and overlaps are not', async () => {
    const past = await dataLayer.createBooking({ companyId: COMPANY, client: { phone: '79995300001' }, staffId: staff.anna, serviceId: services.cut, startAt: '2030-01-10T10:00:00Z', crmRecordId: 5001 });
    expect(past).toMatchObject({ success: true, data: { appointment: { crmRecordId: 5001 } } });
    const offHours = await dataLayer.createBooking({ companyId: COMPANY, client: { phone: '79995300001' }, staffId: staff.anna, serviceId: services.cut, startAt: '2030-01-21T19:00:00Z', crmRecordId: 5002 });
    expect(offHours).toMatchObject({ success: true });
    const foreignStaff = await dataLayer.createBooking({ companyId: COMPANY, client: { phone: '79995300002' }, staffId: staff.klaus, startAt: '2030-01-21T10:00:00Z', endAt: '2030-01-21T11:00:00Z', crmRecordId: 5003 });
    expect(foreignStaff).toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });
    const overlap = await dataLayer.createBooking({ companyId: COMPANY, client: { phone: '79995300002' }, staffId: staff.anna, startAt: '2030-01-10T10:15:00Z', endAt: '2030-01-10T11:00:00Z', crmRecordId: 5004 });
    expect(overlap).toMatchObject({ success: false, error: { code: 'BOOKING_CONFLICT' } });
    await expect(clientCount('79995300002')).resolves.toBe(0);
  });
});

describe('DataLayer free intervals and bookings agree', () => {
  test('when every listed free interval of a day is offered, then booking its first slot succeeds for each one', async () => {
    // Mid-morning: 11:10 Moscow. Anna already has 12:00-13:00 and 16:00-16:30 booked.
    clock = new Date('2030-05-30T08:10:00Z');
    try {
      await must(dataLayer.createBooking({ companyId: COMPANY, client: { phone: '79996000001' }, staffId: staff.anna, startAt: '2030-05-30T09:00:00Z', endAt: '2030-05-30T10:00:00Z' }));
      await must(dataLayer.createBooking({ companyId: COMPANY, client: { phone: '79996000001' }, staffId: staff.anna, startAt: '2030-05-30T13:00:00Z', endAt: '2030-05-30T13:30:00Z' }));
      const listed = (await must(dataLayer.getStaff({ companyId: COMPANY, date: '2030-05-30', serviceId: services.long }))) as AvailableStaff[];
      const offers = listed.flatMap((member) => member.freeIntervals.map((free) => ({ staffId: member.id, startAt: free.startAt })));
      // Anna: 11:10-12:00 is too short for 90 minutes; 13:00-16:00, 16:30-21:00. Bella: 11:10-14:00, 15:00-19:00.
      expect(listed.map((m) => [m.name, m.freeIntervals.map((f) => `${f.startAtLocal.slice(11, 16)}-${f.endAtLocal.slice(11, 16)}`)])).toEqual([
        ['Anna', ['13:00-16:00', '16:30-21:00']],
        ['Bella', ['11:10-14:00', '15:00-19:00']],
      ]);
      const booked = await Promise.all(
        offers.map((offer, i) =>
          dataLayer.createBooking({ companyId: COMPANY, client: { phone: `7999601${String(i).padStart(4, '0')}` }, staffId: offer.staffId, serviceId: services.long, startAt: offer.startAt }),
        ),
      );
      expect(booked.map((r) => (r.success ? 'booked' : r.error.code))).toEqual(offers.map(() => 'booked'));
    } finally {
      clock = START_CLOCK;
    }
  });
});

describe('DataLayer.createBooking with an idempotencyKey', () => {
  const request = (key: string, overrides: Record<string, unknown> = {}) => ({
    companyId: COMPANY,
    client: { phone: '79997000001', name: 'Retry' },
    staffId: staff.anna,
    serviceId: services.cut,
    startAt: '2030-04-10T10:00:00Z',
    idempotencyKey: key,
    ...overrides,
  });

  test('when the same request is sent again with the same key, then the original appointment comes back as replayed and nothing new is written', async () => {
    const first = await must(dataLayer.createBooking(request('wamid.first')));
    const countAfterFirst = await appointmentCount();
    const again = await dataLayer.createBooking({ ...request('wamid.first'), client: { phone: '+7 999 700-00-01', name: 'Retry' } });
    expect(again).toMatchObject({ success: true, data: { replayed: true, clientCreated: false, appointment: { id: first.appointment.id }, client: { id: first.client.id } } });
    expect(first.replayed).toBe(false);
    await expect(appointmentCount()).resolves.toBe(countAfterFirst);
  });

  test('when the same key comes with a different request, then it is IDEMPOTENCY_CONFLICT and nothing is written', async () => {
    await must(dataLayer.createBooking(request('wamid.second', { startAt: '2030-04-11T10:00:00Z' })));
    const before = await appointmentCount();
    const other = await dataLayer.createBooking(request('wamid.second', { startAt: '2030-04-11T12:00:00Z', client: { phone: '79997000099' } }));
    expect(other).toEqual({ success: false, error: { code: 'IDEMPOTENCY_CONFLICT', message: expect.any(String), retryable: false } });
    await expect(appointmentCount()).resolves.toBe(before);
    await expect(clientCount('79997000099')).resolves.toBe(0);
  });

  test('when the first attempt was refused, then nothing is kept under the key and a corrected request books', async () => {
    const refused = await dataLayer.createBooking(request('wamid.third', { startAt: '2030-01-21T10:00:00Z' }));
    expect(refused).toMatchObject({ success: false, error: { code: 'STAFF_NOT_WORKING' } });
    const corrected = await dataLayer.createBooking(request('wamid.third', { startAt: '2030-04-12T10:00:00Z' }));
    expect(corrected).toMatchObject({ success: true, data: { replayed: false } });
  });

  test('when another salon uses the same key, then it is a key of its own', async () => {
    await must(dataLayer.createBooking(request('wamid.shared', { startAt: '2030-04-13T10:00:00Z' })));
    const elsewhere = await dataLayer.createBooking({
      companyId: OTHER_COMPANY,
      client: { phone: '79997000002' },
      staffId: staff.klaus,
      serviceId: services.colour,
      startAt: '2030-03-30T23:00:00Z',
      idempotencyKey: 'wamid.shared',
    });
    expect(elsewhere).toMatchObject({ success: true, data: { replayed: false, appointment: { companyId: OTHER_COMPANY } } });
  });

  test('when 20 callers send the same request with one key at once, then one appointment exists and every caller gets it', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => dataLayer.createBooking(request('wamid.race', { startAt: '2030-04-14T10:00:00Z', client: { phone: '79997000003' } }))));
    expect(results.map((r) => (r.success ? 'ok' : r.error.code))).toEqual(Array(20).fill('ok'));
    const ids = new Set(results.map((r) => (r.success ? r.data.appointment.id : 0)));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.success && !r.data.replayed)).toHaveLength(1);
    await expect(stack.db.appointment.count({ where: { companyId: COMPANY, idempotencyKey: 'wamid.race' } })).resolves.toBe(1);
    await expect(stack.db.appointment.count({ where: { staffId: staff.anna, startAt: new Date('2030-04-14T10:00:00Z') } })).resolves.toBe(1);
    await expect(clientCount('79997000003')).resolves.toBe(1);
  });
});

describe('DataLayer.rescheduleBooking and cancelBooking', () => {
  async function book(phone: string, start: string, end: string) {
    const result = await dataLayer.createBooking({ companyId: COMPANY, client: { phone }, staffId: staff.anna, startAt: start, endAt: end });
    if (!result.success) throw new Error(`setup booking failed: ${result.error.code}`);
    return result.data.appointment;
  }

  /** The appointment as stored must not have changed. */
  async function unchanged(appointment: { id: number; startAt: Date; endAt: Date; updatedAt: Date }) {
    await expect(stack.db.appointment.findUnique({ where: { id: appointment.id } })).resolves.toMatchObject({
      startAt: appointment.startAt,
      endAt: appointment.endAt,
      updatedAt: appointment.updatedAt,
    });
  }

  test('when rescheduling into a taken slot, then it is a BOOKING_CONFLICT and the original is unchanged', async () => {
    await book('79993000001', '2030-04-01T10:00:00Z', '2030-04-01T11:00:00Z');
    const moving = await book('79993000002', '2030-04-01T12:00:00Z', '2030-04-01T13:00:00Z');
    const result = await dataLayer.rescheduleBooking({ companyId: COMPANY, appointmentId: moving.id, startAt: '2030-04-01T10:30:00Z' });
    expect(result).toMatchObject({ success: false, error: { code: 'BOOKING_CONFLICT', retryable: false } });
    await unchanged(moving);
  });

  test('when 20 appointments are moved into the same free slot at once, then exactly one moves and 19 get BOOKING_CONFLICT', async () => {
    const moving = [];
    for (let i = 0; i < 20; i += 1) {
      const start = new Date(Date.UTC(2030, 4, 3 + i, 10, 0));
      moving.push(await book(`7999400${String(i).padStart(4, '0')}`, start.toISOString(), new Date(start.getTime() + 3_600_000).toISOString()));
    }
    const results = await Promise.all(moving.map((a) => dataLayer.rescheduleBooking({ companyId: COMPANY, appointmentId: a.id, startAt: '2030-05-02T10:00:00Z' })));
    expect(results.filter((r) => r.success)).toHaveLength(1);
    expect(results.flatMap((r) => (r.success ? [] : [r.error.code]))).toEqual(Array(19).fill('BOOKING_CONFLICT'));
    await expect(stack.db.appointment.count({ where: { staffId: staff.anna, startAt: new Date('2030-05-02T10:00:00Z') } })).resolves.toBe(1);
  });

  test('when rescheduling into a free slot, then the appointment moves with its duration and reads in salon time', async () => {
    const moving = await book('79993000003', '2030-04-02T10:00:00Z', '2030-04-02T11:30:00Z');
    const result = await dataLayer.rescheduleBooking({ companyId: COMPANY, appointmentId: moving.id, startAt: '2030-04-02T14:00:00Z' });
    expect(result).toMatchObject({
      success: true,
      data: { startAt: new Date('2030-04-02T14:00:00Z'), endAt: new Date('2030-04-02T15:30:00Z'), startAtLocal: '2030-04-02T17:00:00+03:00', endAtLocal: '2030-04-02T18:30:00+03:00' },
    });
  });

  test('when rescheduling into the past, outside working hours, onto a day off or to 72 hours, then each is refused with its code and the appointment is unchanged', async () => {
    const moving = await book('79993000006', '2030-04-05T10:00:00Z', '2030-04-05T11:00:00Z');
    const move = (startAt: string, endAt?: string) => dataLayer.rescheduleBooking({ companyId: COMPANY, appointmentId: moving.id, startAt, ...(endAt ? { endAt } : {}) });
    await expect(move('2030-01-14T10:00:00Z')).resolves.toMatchObject({ success: false, error: { code: 'IN_THE_PAST', retryable: false } });
    await expect(move('2030-04-05T19:00:00Z')).resolves.toMatchObject({ success: false, error: { code: 'OUTSIDE_WORKING_HOURS', retryable: false } });
    await expect(move('2030-01-21T10:00:00Z')).resolves.toMatchObject({ success: false, error: { code: 'STAFF_NOT_WORKING', retryable: false } });
    await expect(move('2030-04-05T10:00:00Z', '2030-04-08T10:00:00Z')).resolves.toMatchObject({ success: false, error: { code: 'VALIDATION_ERROR', retryable: false } });
    await unchanged(moving);
  });

  test('when the staff member of the appointment no longer takes bookings, then the move is STAFF_INACTIVE', async () => {
    const moving = await book('79993000007', '2030-04-06T10:00:00Z', '2030-04-06T11:00:00Z');
    await stack.db.staff.update({ where: { id: staff.anna }, data: { isActive: false } });
    try {
      await expect(dataLayer.rescheduleBooking({ companyId: COMPANY, appointmentId: moving.id, startAt: '2030-04-06T12:00:00Z' })).resolves.toMatchObject({
        success: false,
        error: { code: 'STAFF_INACTIVE' },
      });
    } finally {
      await stack.db.staff.update({ where: { id: staff.anna }, data: { isActive: true } });
    }
    await unchanged(moving);
  });

  test('when cancelling, then the status is cancelled and the slot can be booked again', async () => {
    const first = await book('79993000004', '2030-04-03T10:00:00Z', '2030-04-03T11:00:00Z');
    await expect(dataLayer.cancelBooking({ companyId: COMPANY, appointmentId: first.id })).resolves.toMatchObject({
      success: true,
      data: { status: 'cancelled', startAtLocal: '2030-04-03T13:00:00+03:00' },
    });
    await expect(book('79993000005', '2030-04-03T10:00:00Z', '2030-04-03T11:00:00Z')).resolves.toMatchObject({ status: 'pending' });
  });

  test('when the appointment does not exist, then both say NOT_FOUND', async () => {
    await expect(dataLayer.rescheduleBooking({ companyId: COMPANY, appointmentId: 999_999, startAt: '2030-04-04T10:00:00Z' })).resolves.toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });
    await expect(dataLayer.cancelBooking({ companyId: COMPANY, appointmentId: 999_999 })).resolves.toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });
  });

  test('when another salon reschedules or cancels the appointment by its id, then both say NOT_FOUND and it is unchanged', async () => {
    const target = await book('79993000008', '2030-04-07T10:00:00Z', '2030-04-07T11:00:00Z');
    await expect(dataLayer.rescheduleBooking({ companyId: OTHER_COMPANY, appointmentId: target.id, startAt: '2030-04-07T12:00:00Z' })).resolves.toMatchObject({
      success: false,
      error: { code: 'NOT_FOUND' },
    });
    await expect(dataLayer.cancelBooking({ companyId: OTHER_COMPANY, appointmentId: target.id })).resolves.toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });
    await expect(stack.db.appointment.findUnique({ where: { id: target.id } })).resolves.toMatchObject({ status: 'pending', updatedAt: target.updatedAt });
  });
});

describe('DataLayer booking reports', () => {
  test('when bookings are refused as conflicts or by the salon\'s rules, then nothing is reported as an error by the data layer', () => {
    expect(reporter.reports.filter((r) => r.report.component === 'data-layer')).toEqual([]);
    expect(reporter.reports.every((r) => r.report.level === 'warning')).toBe(true);
  });
});
