import { BookingConflictError, NotFoundError, ValidationError } from '../../src/db/errors.js';
import { AppointmentRepository } from '../../src/repositories/appointment-repository.js';
import { ClientRepository } from '../../src/repositories/client-repository.js';
import { CompanyRepository } from '../../src/repositories/company-repository.js';
import { DialogContextRepository } from '../../src/repositories/dialog-context-repository.js';
import { StaffRepository } from '../../src/repositories/staff-repository.js';
import { createTestStack, type TestStack } from '../helpers/test-stack.js';

let stack: TestStack;
let contexts: DialogContextRepository;
let appointments: AppointmentRepository;
const COMPANY = 1;
const now = new Date('2030-01-01T12:00:00Z');
const hours = (n: number) => new Date(now.getTime() + n * 3_600_000);
const save = (phone: string, state: Record<string, unknown>, mode: 'merge' | 'replace' = 'merge', at = now) =>
  contexts.save(COMPANY, phone, state, { mode, now: at, lastMessageAt: at, expiresAt: new Date(at.getTime() + 24 * 3_600_000) });

beforeAll(async () => {
  stack = await createTestStack();
  await new CompanyRepository(stack.db).upsertCompany({ id: COMPANY, title: 'Salon' });
  contexts = new DialogContextRepository(stack.db, { dialogContextMaxBytes: 2_048 });
  appointments = new AppointmentRepository(stack.db);
});

afterAll(async () => {
  await stack?.close();
});

describe('DialogContextRepository', () => {
  test('when a nested state is saved and loaded, then it comes back exactly (arrays, unicode, nulls, numbers)', async () => {
    const state = {
      step: 'choose_time',
      cart: [{ serviceId: 12, staffId: null, slots: ['10:00', '10:30'] }, []],
      client: { name: 'Анна-Мария 🌸', notes: 'ёжик "в кавычках" \\ и \n перенос', tags: [] },
      flags: { confirmed: false, retries: 0, ratio: 0.125, big: 1234567890123, negative: -5 },
      emptyObject: {},
      nothing: null,
      deep: { a: { b: { c: { d: ['e', { f: null }] } } } },
      中文: '日本語 العربية',
    };
    await save('+7 (999) 000-00-01', state, 'replace');
    const loaded = await contexts.load(COMPANY, '89990000001', now);
    expect(loaded?.state).toEqual(state);
    expect(loaded).toMatchObject({ phone: '79990000001', lastMessageAt: now, expiresAt: hours(24) });
  });

  test('when merging, then top-level keys are replaced or added and the rest is kept', async () => {
    await save('79990000002', { step: 'greeting', history: [1, 2], client: { name: 'A' } }, 'replace');
    const merged = await save('79990000002', { step: 'booking', client: { phone: 'x' } });
    expect(merged.state).toEqual({ step: 'booking', history: [1, 2], client: { phone: 'x' } });
  });

  test('when replacing, then the old keys are gone', async () => {
    await save('79990000003', { step: 'greeting', history: [1] }, 'replace');
    await expect(save('79990000003', { step: 'done' }, 'replace')).resolves.toMatchObject({ state: { step: 'done' } });
  });

  test('when the state is over the size limit, then it is a validation error and the stored state is unchanged', async () => {
    await save('79990000004', { keep: true }, 'replace');
    await expect(save('79990000004', { blob: 'x'.repeat(3_000) })).rejects.toBeInstanceOf(ValidationError);
    await expect(contexts.load(COMPANY, '79990000004', now)).resolves.toMatchObject({ state: { keep: true } });
  });

  test('when a merge would grow the stored state past the limit, then it is refused and nothing changes', async () => {
    await save('79990000005', { a: 'x'.repeat(1_200) }, 'replace');
    await expect(save('79990000005', { b: 'y'.repeat(1_200) })).rejects.toThrow(/larger than 2048 bytes/);
    await expect(contexts.load(COMPANY, '79990000005', now)).resolves.toMatchObject({ state: { a: 'x'.repeat(1_200) } });
  });

  test('when a new context is over the limit only in PostgreSQL text form, then it is refused and not created', async () => {
    // JSON.stringify writes {"a":1,...}; PostgreSQL's text form adds a space after each colon and comma.
    const state = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`k${String(i).padStart(3, '0')}`, 1]));
    expect(Buffer.byteLength(JSON.stringify(state))).toBeLessThanOrEqual(2_048);
    await expect(save('79990000006', state, 'replace')).rejects.toBeInstanceOf(ValidationError);
    await expect(contexts.count({ companyId: COMPANY, phone: '79990000006' })).resolves.toBe(0);
  });

  test('when the context has expired, then it reads as absent and a merge starts from an empty state', async () => {
    await save('79990000007', { old: true }, 'replace');
    await expect(contexts.load(COMPANY, '79990000007', hours(24))).resolves.toBeNull();
    await expect(contexts.load(COMPANY, '79990000007', hours(23))).resolves.not.toBeNull();
    const fresh = await save('79990000007', { step: 'new' }, 'merge', hours(25));
    expect(fresh.state).toEqual({ step: 'new' });
    expect(fresh.expiresAt).toEqual(hours(49));
  });

  test('when there is no context, then load returns null', async () => {
    await expect(contexts.load(COMPANY, '79990000008', now)).resolves.toBeNull();
  });

  test('when the state is not an object, then it is a validation error', async () => {
    await expect(save('79990000009', ['a'] as unknown as Record<string, unknown>)).rejects.toBeInstanceOf(ValidationError);
  });

  test('when the state holds a NUL character, then PostgreSQL refuses it as a validation error', async () => {
    await expect(save('79990000010', { text: 'a\u0000b' })).rejects.toBeInstanceOf(ValidationError);
  });

  test('when 20 merges of different keys run at once, then no key is lost', async () => {
    await save('79990000011', {}, 'replace');
    await Promise.all(Array.from({ length: 20 }, (_, i) => save('79990000011', { [`k${i}`]: i })));
    const loaded = await contexts.load(COMPANY, '79990000011', now);
    expect(Object.keys(loaded?.state as object)).toHaveLength(20);
  });
});

describe('AppointmentRepository', () => {
  let clientId: number;
  let staffId: number;
  const slot = (start: string, minutes = 60) => ({ startAt: new Date(start), endAt: new Date(Date.parse(start) + minutes * 60_000) });

  beforeAll(async () => {
    clientId = (await new ClientRepository(stack.db).upsertByPhone(COMPANY, { phone: '79990009999' })).id;
    const staff = new StaffRepository(stack.db);
    await staff.bulkUpsertForCompany(COMPANY, [{ crmId: 1, name: 'Master' }]);
    staffId = (await staff.findByCompany(COMPANY))[0]!.id;
  });

  const create = (start: string, minutes = 60) => appointments.create({ companyId: COMPANY, clientId, staffId, ...slot(start, minutes) });

  test('when an appointment overlaps an active one, then creation is a booking conflict', async () => {
    await create('2031-01-01T10:00:00Z');
    await expect(create('2031-01-01T10:30:00Z')).rejects.toBeInstanceOf(BookingConflictError);
  });

  test('when rescheduling into a taken slot, then it is a conflict and the appointment is unchanged', async () => {
    await create('2031-01-02T10:00:00Z');
    const moving = await create('2031-01-02T12:00:00Z');
    await expect(appointments.reschedule(COMPANY, moving.id, new Date('2031-01-02T10:30:00Z'))).rejects.toBeInstanceOf(BookingConflictError);
    await expect(appointments.findById(COMPANY, moving.id)).resolves.toEqual(moving);
  });

  test('when rescheduling without an end, then the duration is kept', async () => {
    const moving = await create('2031-01-03T10:00:00Z', 90);
    const moved = await appointments.reschedule(COMPANY, moving.id, new Date('2031-01-03T15:00:00Z'));
    expect(moved).toMatchObject({ startAt: new Date('2031-01-03T15:00:00Z'), endAt: new Date('2031-01-03T16:30:00Z') });
    const stretched = await appointments.reschedule(COMPANY, moving.id, new Date('2031-01-03T15:00:00Z'), new Date('2031-01-03T17:00:00Z'));
    expect(stretched.endAt).toEqual(new Date('2031-01-03T17:00:00Z'));
  });

  test('when cancelled, then the slot is free again and cancelling again returns it unchanged', async () => {
    const first = await create('2031-01-04T10:00:00Z');
    const cancelled = await appointments.cancel(COMPANY, first.id);
    expect(cancelled.status).toBe('cancelled');
    await expect(appointments.cancel(COMPANY, first.id)).resolves.toEqual(cancelled);
    await expect(create('2031-01-04T10:00:00Z')).resolves.toMatchObject({ status: 'pending' });
  });

  test('when a cancelled appointment is rescheduled, then it is a validation error', async () => {
    const first = await create('2031-01-05T10:00:00Z');
    await appointments.cancel(COMPANY, first.id);
    await expect(appointments.reschedule(COMPANY, first.id, new Date('2031-01-06T10:00:00Z'))).rejects.toThrow('a cancelled appointment cannot be rescheduled');
  });

  test('when a completed appointment is cancelled, then it is a validation error', async () => {
    const done = await appointments.create({ companyId: COMPANY, clientId, staffId, ...slot('2031-01-07T10:00:00Z'), status: 'completed' });
    await expect(appointments.cancel(COMPANY, done.id)).rejects.toBeInstanceOf(ValidationError);
  });

  test('when the appointment does not exist, then reschedule and cancel say not found', async () => {
    await expect(appointments.reschedule(COMPANY, 999_999, new Date('2031-02-01T10:00:00Z'))).rejects.toBeInstanceOf(NotFoundError);
    await expect(appointments.cancel(COMPANY, 999_999)).rejects.toBeInstanceOf(NotFoundError);
  });

  test('when another salon reschedules or cancels the appointment by id, then it is not found and the appointment is unchanged', async () => {
    const other = COMPANY + 1;
    await new CompanyRepository(stack.db).upsertCompany({ id: other, title: 'Other salon' });
    const target = await create('2031-01-09T10:00:00Z');
    await expect(appointments.findById(other, target.id)).resolves.toBeNull();
    await expect(appointments.reschedule(other, target.id, new Date('2031-01-09T14:00:00Z'))).rejects.toBeInstanceOf(NotFoundError);
    await expect(appointments.cancel(other, target.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(appointments.findById(COMPANY, target.id)).resolves.toEqual(target);
  });

  test('when appointments are asked for as busy time, then non-cancelled ones overlapping the range come back', async () => {
    const kept = await create('2031-01-10T10:00:00Z');
    const dropped = await create('2031-01-10T12:00:00Z');
    await appointments.cancel(COMPANY, dropped.id);
    await create('2031-01-10T16:00:00Z');
    const busy = await appointments.findBusy([staffId], new Date('2031-01-10T10:30:00Z'), new Date('2031-01-10T16:00:00Z'));
    expect(busy).toEqual([{ staffId, startAt: kept.startAt, endAt: kept.endAt }]);
    await expect(appointments.findBusy([], new Date('2031-01-10T00:00:00Z'), new Date('2031-01-11T00:00:00Z'))).resolves.toEqual([]);
  });

  test('when the end is before the start, then the database refuses it as a validation error', async () => {
    const moving = await create('2031-01-08T10:00:00Z');
    await expect(appointments.reschedule(COMPANY, moving.id, new Date('2031-01-08T12:00:00Z'), new Date('2031-01-08T11:00:00Z'))).rejects.toBeInstanceOf(ValidationError);
  });
});
