import { instant, isJsonValue, isStorableText, jsonObject, money, text } from '../../src/data-layer/schemas/common.js';
import { upsertCompanyInput } from '../../src/data-layer/schemas/company.js';
import { createBookingInput, rescheduleBookingInput } from '../../src/data-layer/schemas/booking.js';
import { getClientAppointmentsInput } from '../../src/data-layer/schemas/clients.js';

describe('isJsonValue', () => {
  test.each([
    ['nested objects and arrays', { a: [1, 'x', null, { b: [true, false, { c: [] }] }], d: {} }],
    ['unicode strings', { 'ключ': 'значение 💅', 中: '文' }],
    ['an object without prototype', Object.assign(Object.create(null) as object, { a: 1 })],
  ])('when the value is %s, then it is JSON', (_, value) => {
    expect(isJsonValue(value)).toBe(true);
  });

  test.each([
    ['a Date', { at: new Date() }],
    ['NaN', { n: Number.NaN }],
    ['Infinity', [Number.POSITIVE_INFINITY]],
    ['undefined inside', { a: undefined }],
    ['a function', { f: () => 1 }],
    ['a class instance', { m: new Map() }],
    ['a bigint', { b: 1n }],
  ])('when the value holds %s, then it is not JSON', (_, value) => {
    expect(isJsonValue(value)).toBe(false);
  });

  test('when an object refers to itself, then it is refused instead of recursing forever', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(isJsonValue(cyclic)).toBe(false);
  });

  test('when an array is given where an object is expected, then the schema refuses it', () => {
    expect(jsonObject.safeParse([1]).success).toBe(false);
    expect(jsonObject.safeParse({ a: [1] }).success).toBe(true);
  });
});

describe('values PostgreSQL cannot store as given', () => {
  test.each([
    ['a NUL character', 'Anna\u0000'],
    ['a lone high surrogate', 'a\ud800'],
    ['a lone low surrogate', '\udc00b'],
    ['surrogates in the wrong order', '\udc00\ud800'],
  ])('when text holds %s, then it is refused', (_, value) => {
    expect(isStorableText(value)).toBe(false);
    expect(text().safeParse(value).success).toBe(false);
    expect(isJsonValue({ value })).toBe(false);
    expect(isJsonValue({ [value]: 1 })).toBe(false);
  });

  test('when text holds emoji (paired surrogates), SQL or LIKE wildcards, then it is accepted as is', () => {
    for (const value of ['💅✂️ Ёжик', "'; DROP TABLE clients; --", '%_\\']) {
      expect(text().parse(value)).toBe(value);
      expect(isJsonValue({ [value]: value })).toBe(true);
    }
  });

  test('when an instant is outside the years 1 to 9999, then it is refused; the edges are accepted', () => {
    expect(instant.safeParse('0000-12-31T23:59:59Z').success).toBe(false);
    expect(instant.safeParse(new Date('-000100-01-01T00:00:00Z')).success).toBe(false);
    expect(instant.safeParse(new Date(8.64e15)).success).toBe(false);
    expect(instant.safeParse('0001-01-01T00:00:00Z').success).toBe(true);
    expect(instant.safeParse('9999-12-31T23:59:59Z').success).toBe(true);
  });

  test('when a money amount does not fit NUMERIC(12, 2), then it is refused', () => {
    expect(money.safeParse(1e11).success).toBe(false);
    expect(money.safeParse(9_999_999_999.99).success).toBe(true);
  });
});

describe('operation schemas', () => {
  test('when a salon has an unknown time zone, then it is refused; a real one is accepted', () => {
    expect(upsertCompanyInput.safeParse({ id: 1, title: 'S', timezone: 'Europe/Nowhere' }).success).toBe(false);
    expect(upsertCompanyInput.safeParse({ id: 1, title: 'S', timezone: 'Asia/Yekaterinburg' }).success).toBe(true);
  });

  test('when a booking lasts more than a day, then it is refused', () => {
    const result = createBookingInput.safeParse({
      companyId: 1,
      client: { phone: '79991234567' },
      staffId: 1,
      startAt: '2030-01-01T10:00:00Z',
      endAt: '2030-01-02T10:00:01Z',
    });
    expect(result.success).toBe(false);
  });

  test('when an appointment status is given alone or as a list, then both parse to a list', () => {
    expect(getClientAppointmentsInput.parse({ companyId: 1, clientId: 1, status: 'confirmed' }).status).toEqual(['confirmed']);
    expect(getClientAppointmentsInput.parse({ companyId: 1, clientId: 1, status: ['pending', 'confirmed'] }).status).toEqual(['pending', 'confirmed']);
    expect(getClientAppointmentsInput.parse({ companyId: 1, clientId: 1 }).status).toBeUndefined();
    expect(getClientAppointmentsInput.safeParse({ companyId: 1, clientId: 1, status: 'lost' }).success).toBe(false);
    expect(getClientAppointmentsInput.safeParse({ companyId: 1, clientId: 1, status: [] }).success).toBe(false);
  });

  test('when endAt is not an instant, then the booking schemas refuse it instead of throwing', () => {
    const base = { companyId: 1, client: { phone: '79991234567' }, staffId: 1, serviceId: 2, startAt: '2030-01-01T10:00:00Z' };
    for (const endAt of ['soon', 42, {}, '+275760-09-13T00:00:00.000Z']) {
      expect(createBookingInput.safeParse({ ...base, endAt }).success).toBe(false);
      expect(rescheduleBookingInput.safeParse({ companyId: 1, appointmentId: 1, startAt: base.startAt, endAt }).success).toBe(false);
    }
  });

  test('when times carry an offset, then they are read as the same instant', () => {
    const result = createBookingInput.parse({ companyId: 1, client: { phone: '79991234567' }, staffId: 1, startAt: '2030-01-01T13:00:00+03:00', endAt: '2030-01-01T11:00:00Z' });
    expect(result.startAt.toISOString()).toBe('2030-01-01T10:00:00.000Z');
  });
});
