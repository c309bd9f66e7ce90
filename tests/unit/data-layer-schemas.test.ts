import { isJsonValue, jsonObject } from '../../src/data-layer/schemas/common.js';
import { upsertCompanyInput } from '../../src/data-layer/schemas/company.js';
import { createBookingInput } from '../../src/data-layer/schemas/booking.js';

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

  test('when times carry an offset, then they are read as the same instant', () => {
    const result = createBookingInput.parse({ companyId: 1, client: { phone: '79991234567' }, staffId: 1, startAt: '2030-01-01T13:00:00+03:00', endAt: '2030-01-01T11:00:00Z' });
    expect(result.startAt.toISOString()).toBe('2030-01-01T10:00:00.000Z');
  });
});
