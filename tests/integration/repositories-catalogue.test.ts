import { NotFoundError } from '../../src/db/errors.js';
import { AppointmentRepository } from '../../src/repositories/appointment-repository.js';
import { ClientRepository } from '../../src/repositories/client-repository.js';
import { CompanyRepository } from '../../src/repositories/company-repository.js';
import { ServiceRepository } from '../../src/repositories/service-repository.js';
import { StaffRepository } from '../../src/repositories/staff-repository.js';
import { StaffScheduleRepository } from '../../src/repositories/staff-schedule-repository.js';
import { createTestStack, type TestStack } from '../helpers/test-stack.js';

let stack: TestStack;
let companies: CompanyRepository;
let services: ServiceRepository;
let staff: StaffRepository;
let schedules: StaffScheduleRepository;
let nextCompanyId = 1;

async function freshCompany(timezone = 'Europe/Moscow'): Promise<number> {
  const id = nextCompanyId++;
  await companies.upsertCompany({ id, title: `Salon ${id}`, timezone });
  return id;
}

beforeAll(async () => {
  stack = await createTestStack();
  companies = new CompanyRepository(stack.db);
  services = new ServiceRepository(stack.db);
  staff = new StaffRepository(stack.db);
  schedules = new StaffScheduleRepository(stack.db);
});

afterAll(async () => {
  await stack?.close();
});

describe('CompanyRepository', () => {
  test('when a salon is upserted twice with the same data, then it is not touched; settings round-trip', async () => {
    const settings = { greeting: 'Здравствуйте! 💅', hours: [10, 20], bot: { enabled: true, fallback: null } };
    const first = await companies.upsertCompany({ id: 500, title: 'Salon', settings });
    const again = await companies.upsertCompany({ id: 500, title: 'Salon', settings });
    expect(again.updatedAt.getTime()).toBe(first.updatedAt.getTime());
    await expect(companies.findById(500)).resolves.toMatchObject({ title: 'Salon', timezone: 'Europe/Moscow', settings });
    await expect(companies.findById(501)).resolves.toBeNull();
  });
});

describe('ServiceRepository', () => {
  async function catalogue() {
    const companyId = await freshCompany();
    await services.bulkUpsertForCompany(companyId, [
      { crmId: 1, title: 'Стрижка', categoryId: 10, weight: 1 },
      { crmId: 2, title: 'Окрашивание', categoryId: 10, weight: 5 },
      { crmId: 3, title: 'Бритьё', categoryId: 10, weight: 1 },
      { crmId: 4, title: 'Маникюр', categoryId: 20, weight: 0, priceMin: '1000', priceMax: 1500.5 },
      { crmId: 5, title: 'Архив', categoryId: 10, weight: 9, isActive: false },
    ]);
    return companyId;
  }

  test('when listing a category, then active services come by weight (highest first) then title', async () => {
    const companyId = await catalogue();
    const found = await services.findByCategory(companyId, 10);
    expect(found.map((s) => s.title)).toEqual(['Окрашивание', 'Бритьё', 'Стрижка']);
  });

  test('when inactive ones are asked for, then they are included', async () => {
    const companyId = await catalogue();
    const found = await services.findByCategory(companyId, 10, { includeInactive: true });
    expect(found[0]?.title).toBe('Архив');
    await expect(services.findByCompany(companyId)).resolves.toHaveLength(4);
    await expect(services.findByCompany(companyId, { includeInactive: true })).resolves.toHaveLength(5);
  });

  test('when a service is read by id, then prices are exact decimals', async () => {
    const companyId = await catalogue();
    const manicure = (await services.findByCategory(companyId, 20))[0]!;
    const found = await services.findById(companyId, manicure.id);
    expect(found?.priceMin?.toFixed(2)).toBe('1000.00');
    expect(found?.priceMax?.toFixed(2)).toBe('1500.50');
    expect(found?.duration).toBe(60);
  });
});

describe('StaffRepository.findByCompany', () => {
  test('when some staff are fired or inactive, then they are hidden unless asked for', async () => {
    const companyId = await freshCompany();
    await staff.bulkUpsertForCompany(companyId, [
      { crmId: 1, name: 'Bella', rating: '4.90' },
      { crmId: 2, name: 'Anna', isFired: true },
      { crmId: 3, name: 'Carla', isActive: false },
    ]);
    expect((await staff.findByCompany(companyId)).map((s) => s.name)).toEqual(['Bella']);
    expect((await staff.findByCompany(companyId, { includeInactive: true })).map((s) => s.name)).toEqual(['Anna', 'Bella', 'Carla']);
    const bella = (await staff.findByCompany(companyId))[0]!;
    await expect(staff.findById(companyId, bella.id)).resolves.toMatchObject({ name: 'Bella' });
    expect(bella.rating?.toFixed(2)).toBe('4.90');
  });
});

describe('StaffScheduleRepository', () => {
  async function staffWithWeek() {
    const companyId = await freshCompany();
    await staff.bulkUpsertForCompany(companyId, [{ crmId: 1, name: 'A' }, { crmId: 2, name: 'B' }]);
    const [a, b] = await staff.findByCompany(companyId);
    const days = ['2030-05-01', '2030-05-02', '2030-05-03', '2030-05-04'];
    await schedules.bulkUpsertSchedules(
      companyId,
      [a!, b!].flatMap((member) => days.map((date) => ({ staffId: member.id, date, workingIntervals: [{ from: '10:00', to: '18:00' }] }))),
    );
    return { companyId, a: a!, b: b! };
  }

  test('when a date range is given, then both ends are included, ordered by day then staff', async () => {
    const { companyId, a, b } = await staffWithWeek();
    const found = await schedules.findSchedules({ companyId, from: '2030-05-02', to: '2030-05-03' });
    expect(found.map((s) => [s.date.toISOString().slice(0, 10), s.staffId])).toEqual([
      ['2030-05-02', a.id],
      ['2030-05-02', b.id],
      ['2030-05-03', a.id],
      ['2030-05-03', b.id],
    ]);
  });

  test('when one staff member is asked for, then only their days come back', async () => {
    const { companyId, b } = await staffWithWeek();
    const found = await schedules.findSchedules({ companyId, staffId: b.id, from: '2030-05-01', to: '2030-05-31' });
    expect(found).toHaveLength(4);
    expect(new Set(found.map((s) => s.staffId))).toEqual(new Set([b.id]));
  });

  test('when another salon asks, then it sees none of these schedules', async () => {
    await staffWithWeek();
    const other = await freshCompany();
    await expect(schedules.findSchedules({ companyId: other, from: '2030-05-01', to: '2030-05-31' })).resolves.toEqual([]);
  });

  test('when one day is read, then the intervals round-trip; a day without a row is null', async () => {
    const { companyId, a } = await staffWithWeek();
    await expect(schedules.findForDay(companyId, a.id, '2030-05-01')).resolves.toMatchObject({ isWorking: true, workingIntervals: [{ from: '10:00', to: '18:00' }] });
    await expect(schedules.findForDay(companyId, a.id, '2030-06-01')).resolves.toBeNull();
  });

  test('when another salon reads a day of this salon\'s staff member, then there is none', async () => {
    const { a } = await staffWithWeek();
    const other = await freshCompany();
    await expect(schedules.findForDay(other, a.id, '2030-05-01')).resolves.toBeNull();
    await expect(schedules.findForDays(other, a.id, ['2030-05-01', '2030-05-02'])).resolves.toEqual([]);
  });

  test('when several days are read at once, then the days with a row come back in order', async () => {
    const { companyId, a } = await staffWithWeek();
    const found = await schedules.findForDays(companyId, a.id, ['2030-05-04', '2030-06-01', '2030-05-02']);
    expect(found.map((s) => s.date.toISOString().slice(0, 10))).toEqual(['2030-05-02', '2030-05-04']);
  });

  test('when findOne gets a salon id, a staff id and a day, then it is the one-day lookup', async () => {
    const { companyId, a, b } = await staffWithWeek();
    await expect(schedules.findOne(companyId, a.id, '2030-05-02')).resolves.toMatchObject({ staffId: a.id, date: new Date('2030-05-02T00:00:00Z'), isWorking: true });
    await expect(schedules.findOne(companyId, b.id, new Date('2030-05-04T00:00:00Z'))).resolves.toMatchObject({ staffId: b.id, date: new Date('2030-05-04T00:00:00Z') });
    await expect(schedules.findOne(companyId, a.id, '2030-06-01')).resolves.toBeNull();
    await expect(schedules.findOne(companyId, 999_999, '2030-05-02')).resolves.toBeNull();
  });

  test('when findOne gets filters, then it is still the base filter lookup, with options', async () => {
    const { a, b } = await staffWithWeek();
    await expect(schedules.findOne({ staffId: b.id, date: new Date('2030-05-03T00:00:00Z') })).resolves.toMatchObject({ staffId: b.id });
    const latest = await schedules.findOne({ staffId: a.id }, { orderBy: [{ field: 'date', direction: 'desc' }] });
    expect(latest?.date.toISOString().slice(0, 10)).toBe('2030-05-04');
    await expect(schedules.findOne('x' as never)).rejects.toMatchObject({ code: 'VALIDATION_ERROR', message: expect.stringContaining('filters must be a plain object') });
  });

  test('when findOne gets an impossible day or a bad staff id, then it is a VALIDATION_ERROR, not a neighbouring day', async () => {
    const { companyId, a } = await staffWithWeek();
    for (const day of ['2030-02-30', '2030-13-01', '2030-5-1', 'tomorrow', '', '2030-05-01T00:00:00Z']) {
      await expect(schedules.findOne(companyId, a.id, day)).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    }
    await expect(schedules.findOne(companyId, a.id, new Date(Number.NaN))).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    await expect(schedules.findOne(companyId, a.id, undefined as never)).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    await expect(schedules.findOne(companyId, 1.5, '2030-05-01')).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    await expect(schedules.findOne(companyId, Number.NaN, '2030-05-01')).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    await expect(schedules.findOne(Number.NaN, a.id, '2030-05-01')).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
  });

  test('when the same schedules are upserted again, then nothing changes; a changed day is updated', async () => {
    const { companyId, a } = await staffWithWeek();
    const again = await schedules.bulkUpsertSchedules(companyId, [
      { staffId: a.id, date: '2030-05-01', workingIntervals: [{ from: '10:00', to: '18:00' }] },
      { staffId: a.id, date: '2030-05-02', workingIntervals: [{ from: '12:00', to: '18:00' }] },
    ]);
    expect(again).toMatchObject({ inserted: 0, updated: 1, unchanged: 1 });
  });

  test('when a schedule names a staff member of another salon, then it is NOT_FOUND naming the row, and nothing is written', async () => {
    const { companyId, a } = await staffWithWeek();
    const other = await freshCompany();
    await staff.bulkUpsertForCompany(other, [{ crmId: 1, name: 'Elsewhere' }]);
    const [stranger] = await staff.findByCompany(other);
    const write = schedules.bulkUpsertSchedules(companyId, [
      { staffId: a.id, date: '2030-07-01', workingIntervals: [{ from: '10:00', to: '18:00' }] },
      { staffId: stranger!.id, date: '2030-07-01', workingIntervals: [{ from: '10:00', to: '18:00' }] },
    ]);
    await expect(write).rejects.toBeInstanceOf(NotFoundError);
    await expect(write).rejects.toMatchObject({ message: expect.stringContaining('row 1'), rowIndex: 1 });
    await expect(schedules.findSchedules({ companyId, from: '2030-07-01', to: '2030-07-01' })).resolves.toEqual([]);
    await expect(schedules.findSchedules({ companyId: other, from: '2030-07-01', to: '2030-07-01' })).resolves.toEqual([]);
  });
});

describe('StaffRepository.findAvailable', () => {
  async function day() {
    const companyId = await freshCompany('Europe/Moscow');
    await staff.bulkUpsertForCompany(companyId, [
      { crmId: 1, name: 'Busy' },
      { crmId: 2, name: 'Free' },
      { crmId: 3, name: 'Off' },
      { crmId: 4, name: 'Fired', isFired: true },
    ]);
    const members = await staff.findByCompany(companyId, { includeInactive: true });
    const byName = Object.fromEntries(members.map((m) => [m.name, m]));
    await services.bulkUpsertForCompany(companyId, [
      { crmId: 1, title: 'Short', duration: 30 },
      { crmId: 2, title: 'Long', duration: 120 },
    ]);
    const [long, short] = await services.findByCompany(companyId);
    const date = '2030-06-10';
    const hours = [{ from: '10:00', to: '13:00' }];
    await schedules.bulkUpsertSchedules(companyId, [
      { staffId: byName.Busy!.id, date, workingIntervals: hours },
      { staffId: byName.Free!.id, date, workingIntervals: hours },
      { staffId: byName.Off!.id, date, isWorking: false, workingIntervals: [] },
      { staffId: byName.Fired!.id, date, workingIntervals: hours },
    ]);
    // Busy: 10:00-11:00 and 11:30-13:00 Moscow (UTC+3) are taken; 11:00-11:30 is free; a cancelled one does not count.
    const client = await new ClientRepository(stack.db).upsertByPhone(companyId, { phone: '79990001000' });
    const appointments = new AppointmentRepository(stack.db);
    const book = (start: string, end: string, status: 'pending' | 'cancelled' = 'pending') =>
      appointments.create({ companyId, clientId: client.id, staffId: byName.Busy!.id, startAt: new Date(start), endAt: new Date(end), status });
    await book('2030-06-10T07:00:00Z', '2030-06-10T08:00:00Z');
    await book('2030-06-10T08:30:00Z', '2030-06-10T10:00:00Z');
    await book('2030-06-10T08:00:00Z', '2030-06-10T08:30:00Z', 'cancelled');
    return { companyId, date, byName, long: long!, short: short! };
  }

  test('when a short service fits a gap, then the busy staff member is available with the gap as free time', async () => {
    const { companyId, date, short } = await day();
    const found = await staff.findAvailable(companyId, date, { serviceId: short.id });
    expect(found.map((s) => s.name)).toEqual(['Busy', 'Free']);
    expect(found[0]?.freeIntervals).toEqual([
      { startAt: new Date('2030-06-10T08:00:00Z'), endAt: new Date('2030-06-10T08:30:00Z'), startAtLocal: '2030-06-10T11:00:00+03:00', endAtLocal: '2030-06-10T11:30:00+03:00' },
    ]);
    expect(found[1]?.freeIntervals).toEqual([
      { startAt: new Date('2030-06-10T07:00:00Z'), endAt: new Date('2030-06-10T10:00:00Z'), startAtLocal: '2030-06-10T10:00:00+03:00', endAtLocal: '2030-06-10T13:00:00+03:00' },
    ]);
  });

  test('when the service is longer than every gap, then the busy staff member is not available', async () => {
    const { companyId, date, long } = await day();
    expect((await staff.findAvailable(companyId, date, { serviceId: long.id })).map((s) => s.name)).toEqual(['Free']);
  });

  test('when free time before "now" does not count, then only the rest of the day is offered', async () => {
    const { companyId, date } = await day();
    const found = await staff.findAvailable(companyId, date, { durationMinutes: 60, notBefore: new Date('2030-06-10T09:30:00Z') });
    expect(found).toEqual([]);
    const later = await staff.findAvailable(companyId, date, { durationMinutes: 30, notBefore: new Date('2030-06-10T09:30:00Z') });
    expect(later.map((s) => [s.name, s.freeIntervals[0]?.startAt.toISOString()])).toEqual([['Free', '2030-06-10T09:30:00.000Z']]);
  });

  test('when nobody works that day, then the list is empty', async () => {
    const { companyId } = await day();
    await expect(staff.findAvailable(companyId, '2030-06-11')).resolves.toEqual([]);
  });

  test('when the salon has switched the service off, then availability is refused as the booking would be', async () => {
    const { companyId, date } = await day();
    await services.bulkUpsertForCompany(companyId, [{ crmId: 3, title: 'Retired', duration: 30, isActive: false }]);
    const retired = (await services.findByCompany(companyId, { includeInactive: true })).find((s) => s.title === 'Retired')!;
    await expect(staff.findAvailable(companyId, date, { serviceId: retired.id })).rejects.toMatchObject({ code: 'SERVICE_INACTIVE', retryable: false });
  });

  test('when the salon does not exist, then nobody is available', async () => {
    const { date } = await day();
    await expect(staff.findAvailable(2_000_000_000, date)).resolves.toEqual([]);
  });

  test('when the service belongs to another salon, then it is not found', async () => {
    const { date, short } = await day();
    const other = await freshCompany();
    await expect(staff.findAvailable(other, date, { serviceId: short.id })).rejects.toBeInstanceOf(NotFoundError);
  });
});
