import { createDataLayer, type DataLayer } from '../../src/data-layer/index.js';
import { createTestStack, type TestStack } from '../helpers/test-stack.js';
import { recordingReporter, type RecordingReporter } from '../helpers/recording-reporter.js';

let stack: TestStack;
let dataLayer: DataLayer;
let reporter: RecordingReporter;
let staffId: number;
let otherStaffId: number;
let serviceId: number;
const COMPANY = 1;

beforeAll(async () => {
  reporter = recordingReporter();
  // A pool as large as the crowd of callers, so the concurrent tests race in the database, not in the pool queue.
  stack = await createTestStack({ reporter, env: { POSTGRES_MAX_CONNECTIONS: '20' } });
  // Twenty callers racing for one slot can deadlock each other more than the default 3 times on a loaded
  // machine (40P01 is retried; see transactions.test.ts): give the race room to end as conflicts.
  dataLayer = createDataLayer(stack.db, { reporter, now: () => new Date('2030-01-01T00:00:00Z'), transactionMaxRetries: 10 });
  await dataLayer.upsertCompany({ id: COMPANY, title: 'Salon' });
  await stack.db.staff.createMany({ data: [{ companyId: COMPANY, crmId: 1, name: 'Anna' }, { companyId: COMPANY, crmId: 2, name: 'Fired', isFired: true }] });
  const staff = await stack.db.staff.findMany({ where: { companyId: COMPANY }, orderBy: { crmId: 'asc' } });
  staffId = staff[0]!.id;
  otherStaffId = staff[1]!.id;
  const services = await dataLayer.upsertServices({ companyId: COMPANY, services: [{ crmId: 1, title: 'Cut', duration: 45 }] });
  expect(services.success).toBe(true);
  serviceId = (await stack.db.service.findFirstOrThrow({ where: { companyId: COMPANY } })).id;
});

afterAll(async () => {
  await stack?.close();
});

const clientCount = (phone: string) => stack.db.client.count({ where: { companyId: COMPANY, phone } });

describe('DataLayer.createBooking', () => {
  test('when the slot is free, then the client is created and the appointment ends after the service duration', async () => {
    const result = await dataLayer.createBooking({
      companyId: COMPANY,
      client: { phone: '+7 (999) 100-00-01', name: 'Вера' },
      staffId,
      serviceId,
      startAt: '2030-02-01T10:00:00Z',
    });
    expect(result).toMatchObject({
      success: true,
      data: { clientCreated: true, client: { phone: '79991000001', name: 'Вера' }, appointment: { status: 'pending', endAt: new Date('2030-02-01T10:45:00Z') } },
    });
  });

  test('when the client already exists, then the booking uses them and creates no second row', async () => {
    await dataLayer.upsertClient({ companyId: COMPANY, phone: '79991000002', name: 'Known' });
    const result = await dataLayer.createBooking({
      companyId: COMPANY,
      client: { phone: '89991000002' },
      staffId,
      startAt: '2030-02-02T10:00:00Z',
      endAt: '2030-02-02T11:00:00Z',
    });
    expect(result).toMatchObject({ success: true, data: { clientCreated: false, client: { name: 'Known' } } });
    await expect(clientCount('79991000002')).resolves.toBe(1);
  });

  test('when the appointment overlaps, then it is a BOOKING_CONFLICT and no new client row remains', async () => {
    await dataLayer.createBooking({ companyId: COMPANY, client: { phone: '79991000003' }, staffId, startAt: '2030-02-03T10:00:00Z', endAt: '2030-02-03T11:00:00Z' });
    const result = await dataLayer.createBooking({
      companyId: COMPANY,
      client: { phone: '79991000004', name: 'Late' },
      staffId,
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

  test('when the staff member is fired, then the booking is refused', async () => {
    const result = await dataLayer.createBooking({ companyId: COMPANY, client: { phone: '79991000006' }, staffId: otherStaffId, startAt: '2030-02-04T10:00:00Z', endAt: '2030-02-04T11:00:00Z' });
    expect(result).toMatchObject({ success: false, error: { code: 'VALIDATION_ERROR' } });
    await expect(clientCount('79991000006')).resolves.toBe(0);
  });

  test('when the database refuses the insert after the client was created, then the client insert is rolled back too', async () => {
    // crm_record_id is unique: the second booking creates its client, then fails on the appointment insert.
    await dataLayer.createBooking({ companyId: COMPANY, client: { phone: '79991000007' }, staffId, startAt: '2030-02-05T10:00:00Z', endAt: '2030-02-05T11:00:00Z', crmRecordId: 77 });
    const result = await dataLayer.createBooking({ companyId: COMPANY, client: { phone: '79991000008' }, staffId, startAt: '2030-02-05T12:00:00Z', endAt: '2030-02-05T13:00:00Z', crmRecordId: 77 });
    expect(result).toMatchObject({ success: false, error: { code: 'UNIQUE_VIOLATION' } });
    await expect(clientCount('79991000008')).resolves.toBe(0);
  });

  test('when 20 callers book the same slot at once, then exactly one succeeds and 19 get BOOKING_CONFLICT', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        dataLayer.createBooking({
          companyId: COMPANY,
          client: { phone: `7999200${String(i).padStart(4, '0')}` },
          staffId,
          startAt: '2030-03-01T10:00:00Z',
          endAt: '2030-03-01T11:00:00Z',
        }),
      ),
    );
    expect(results.filter((r) => r.success)).toHaveLength(1);
    const codes = results.flatMap((r) => (r.success ? [] : [r.error.code]));
    expect(codes).toEqual(Array(19).fill('BOOKING_CONFLICT'));
    await expect(stack.db.appointment.count({ where: { staffId, startAt: new Date('2030-03-01T10:00:00Z') } })).resolves.toBe(1);
    // Only the winner's client remains.
    await expect(stack.db.client.count({ where: { companyId: COMPANY, phone: { startsWith: '7999200' } } })).resolves.toBe(1);
  });

  test('when the phone is invalid, then nothing is written and the error names the field, not the value', async () => {
    const result = await dataLayer.createBooking({ companyId: COMPANY, client: { phone: 'not a phone' }, staffId, startAt: '2030-02-06T10:00:00Z', endAt: '2030-02-06T11:00:00Z' });
    expect(result).toMatchObject({ success: false, error: { code: 'VALIDATION_ERROR', retryable: false } });
    const message = result.success ? '' : result.error.message;
    expect(message).toContain('client.phone');
    expect(message).not.toContain('not a phone');
  });

  test('when the end is before the start, then it is a validation error naming endAt', async () => {
    const result = await dataLayer.createBooking({ companyId: COMPANY, client: { phone: '79991000009' }, staffId, startAt: '2030-02-06T10:00:00Z', endAt: '2030-02-06T09:00:00Z' });
    expect(result.success ? '' : result.error.message).toContain('endAt');
    await expect(clientCount('79991000009')).resolves.toBe(0);
  });
});

describe('DataLayer.rescheduleBooking and cancelBooking', () => {
  async function book(phone: string, start: string, end: string) {
    const result = await dataLayer.createBooking({ companyId: COMPANY, client: { phone }, staffId, startAt: start, endAt: end });
    if (!result.success) throw new Error(`setup booking failed: ${result.error.code}`);
    return result.data.appointment;
  }

  test('when rescheduling into a taken slot, then it is a BOOKING_CONFLICT and the original is unchanged', async () => {
    await book('79993000001', '2030-04-01T10:00:00Z', '2030-04-01T11:00:00Z');
    const moving = await book('79993000002', '2030-04-01T12:00:00Z', '2030-04-01T13:00:00Z');
    const result = await dataLayer.rescheduleBooking({ appointmentId: moving.id, startAt: '2030-04-01T10:30:00Z' });
    expect(result).toMatchObject({ success: false, error: { code: 'BOOKING_CONFLICT', retryable: false } });
    await expect(stack.db.appointment.findUnique({ where: { id: moving.id } })).resolves.toMatchObject({
      startAt: moving.startAt,
      endAt: moving.endAt,
      status: 'pending',
      updatedAt: moving.updatedAt,
    });
  });

  test('when 20 appointments are moved into the same free slot at once, then exactly one moves and 19 get BOOKING_CONFLICT', async () => {
    const moving = [];
    for (let i = 0; i < 20; i += 1) {
      const start = new Date(Date.UTC(2030, 4, 1, 0, 0) + i * 3_600_000);
      moving.push(await book(`7999400${String(i).padStart(4, '0')}`, start.toISOString(), new Date(start.getTime() + 3_600_000).toISOString()));
    }
    const results = await Promise.all(moving.map((a) => dataLayer.rescheduleBooking({ appointmentId: a.id, startAt: '2030-05-02T10:00:00Z' })));
    expect(results.filter((r) => r.success)).toHaveLength(1);
    expect(results.flatMap((r) => (r.success ? [] : [r.error.code]))).toEqual(Array(19).fill('BOOKING_CONFLICT'));
    await expect(stack.db.appointment.count({ where: { staffId, startAt: new Date('2030-05-02T10:00:00Z') } })).resolves.toBe(1);
  });

  test('when rescheduling into a free slot, then the appointment moves with its duration', async () => {
    const moving = await book('79993000003', '2030-04-02T10:00:00Z', '2030-04-02T11:30:00Z');
    const result = await dataLayer.rescheduleBooking({ appointmentId: moving.id, startAt: '2030-04-02T14:00:00Z' });
    expect(result).toMatchObject({ success: true, data: { startAt: new Date('2030-04-02T14:00:00Z'), endAt: new Date('2030-04-02T15:30:00Z') } });
  });

  test('when cancelling, then the status is cancelled and the slot can be booked again', async () => {
    const first = await book('79993000004', '2030-04-03T10:00:00Z', '2030-04-03T11:00:00Z');
    await expect(dataLayer.cancelBooking({ appointmentId: first.id })).resolves.toMatchObject({ success: true, data: { status: 'cancelled' } });
    await expect(book('79993000005', '2030-04-03T10:00:00Z', '2030-04-03T11:00:00Z')).resolves.toMatchObject({ status: 'pending' });
  });

  test('when the appointment does not exist, then both say NOT_FOUND', async () => {
    await expect(dataLayer.rescheduleBooking({ appointmentId: 999_999, startAt: '2030-04-04T10:00:00Z' })).resolves.toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });
    await expect(dataLayer.cancelBooking({ appointmentId: 999_999 })).resolves.toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });
  });
});

describe('DataLayer booking reports', () => {
  test('when bookings are refused as conflicts, then nothing is reported as an error by the data layer', () => {
    expect(reporter.reports.filter((r) => r.report.component === 'data-layer')).toEqual([]);
    expect(reporter.reports.every((r) => r.report.level === 'warning')).toBe(true);
  });
});
