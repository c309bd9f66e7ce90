import { BookingRuleError, ValidationError } from '../../src/db/errors.js';
import {
  bookingDays,
  bookingEnd,
  checkBookingRules,
  freeIntervals,
  workingPeriods,
  type BookingFacts,
  type Interval,
} from '../../src/domain/booking-rules.js';
import { addDays, localDayOf, toLocalIso, wallTimeToInstant } from '../../src/domain/salon-time.js';

const at = (iso: string) => new Date(iso);
const span = (from: string, to: string): Interval => ({ startAt: at(from), endAt: at(to) });
const iso = (intervals: Interval[]) => intervals.map((i) => [i.startAt.toISOString(), i.endAt.toISOString()]);

describe('salon time', () => {
  test('when a Moscow instant is just after local midnight, then its local day is the Moscow day, not the UTC one', () => {
    expect(localDayOf(at('2030-01-22T22:30:00Z'), 'Europe/Moscow')).toBe('2030-01-23');
    expect(toLocalIso(at('2030-01-22T22:30:00Z'), 'Europe/Moscow')).toBe('2030-01-23T01:30:00+03:00');
  });

  test('when a wall time is 24:00, then it is the next local midnight, also on a day the clocks change', () => {
    expect(wallTimeToInstant('2030-01-24', '24:00', 'Europe/Moscow')).toEqual(at('2030-01-24T21:00:00Z'));
    // Berlin, 2030-03-31: 23 hours long.
    expect(wallTimeToInstant('2030-03-31', '24:00', 'Europe/Berlin')).toEqual(at('2030-03-31T22:00:00Z'));
  });

  test('when a wall time falls in the hour skipped by a DST change, then it moves forward by the gap; a repeated hour takes the earlier instant', () => {
    expect(wallTimeToInstant('2030-03-31', '02:30', 'Europe/Berlin')).toEqual(at('2030-03-31T01:30:00Z'));
    expect(wallTimeToInstant('2030-10-27', '02:30', 'Europe/Berlin')).toEqual(at('2030-10-27T00:30:00Z'));
  });

  test('when the zone, day or wall time is not real, then it is a ValidationError, not a wrong instant', () => {
    expect(() => wallTimeToInstant('2030-01-01', '10:00', 'Mars/Olympus')).toThrow(ValidationError);
    expect(() => wallTimeToInstant('2030-02-30', '10:00', 'Europe/Moscow')).toThrow(ValidationError);
    expect(() => wallTimeToInstant('2030-01-01', '25:61', 'Europe/Moscow')).toThrow(ValidationError);
    expect(() => toLocalIso(at('2030-01-01T00:00:00Z'), 'Not/AZone')).toThrow(ValidationError);
  });

  test('when days are added, then months and years roll over', () => {
    expect(addDays('2030-12-31', 1)).toBe('2031-01-01');
    expect(bookingDays(at('2030-02-28T20:30:00Z'), 'Europe/Moscow')).toEqual(['2030-02-28', '2030-03-01']);
  });
});

describe('workingPeriods and freeIntervals', () => {
  test('when a day has a break, then there are two periods; touching days join into one', () => {
    const periods = workingPeriods(
      [
        { date: '2030-01-24', isWorking: true, workingIntervals: [{ from: '22:00', to: '24:00' }, { from: '10:00', to: '14:00' }] },
        { date: new Date('2030-01-25T00:00:00Z'), isWorking: true, workingIntervals: [{ from: '00:00', to: '02:00' }] },
      ],
      'Europe/Moscow',
    );
    expect(iso(periods)).toEqual([
      ['2030-01-24T07:00:00.000Z', '2030-01-24T11:00:00.000Z'],
      ['2030-01-24T19:00:00.000Z', '2030-01-24T23:00:00.000Z'],
    ]);
  });

  test('when a day is off or its stored intervals are not {from, to} pairs, then it has no working time', () => {
    expect(workingPeriods([{ date: '2030-01-21', isWorking: false, workingIntervals: [{ from: '10:00', to: '18:00' }] }], 'Europe/Moscow')).toEqual([]);
    expect(workingPeriods([{ date: '2030-01-21', isWorking: true, workingIntervals: [null, 'x', { from: 1 }] }], 'Europe/Moscow')).toEqual([]);
    expect(workingPeriods([{ date: '2030-01-21', isWorking: true, workingIntervals: { from: '10:00' } }], 'Europe/Moscow')).toEqual([]);
  });

  test('when busy intervals overlap the working time, then what is left is free, from notBefore on', () => {
    const working = [span('2030-01-01T07:00:00Z', '2030-01-01T17:00:00Z')];
    const busy = [span('2030-01-01T08:00:00Z', '2030-01-01T09:00:00Z'), span('2030-01-01T08:30:00Z', '2030-01-01T10:00:00Z'), span('2030-01-01T16:00:00Z', '2030-01-01T18:00:00Z')];
    expect(iso(freeIntervals(working, busy))).toEqual([
      ['2030-01-01T07:00:00.000Z', '2030-01-01T08:00:00.000Z'],
      ['2030-01-01T10:00:00.000Z', '2030-01-01T16:00:00.000Z'],
    ]);
    expect(iso(freeIntervals(working, busy, at('2030-01-01T11:00:00Z')))).toEqual([['2030-01-01T11:00:00.000Z', '2030-01-01T16:00:00.000Z']]);
    expect(freeIntervals(working, busy, at('2030-01-01T17:00:00Z'))).toEqual([]);
  });

  test('when a busy interval covers a whole period, then that period has no free time', () => {
    expect(freeIntervals([span('2030-01-01T07:00:00Z', '2030-01-01T08:00:00Z')], [span('2030-01-01T06:00:00Z', '2030-01-01T09:00:00Z')])).toEqual([]);
  });
});

describe('bookingEnd', () => {
  const start = at('2030-01-01T10:00:00Z');

  test('when no end is given, then the duration gives it; a given end wins', () => {
    expect(bookingEnd(start, { durationMinutes: 45 })).toEqual(at('2030-01-01T10:45:00Z'));
    expect(bookingEnd(start, { endAt: at('2030-01-01T11:00:00Z'), durationMinutes: 45 })).toEqual(at('2030-01-01T11:00:00Z'));
  });

  test('when the booking has no end, ends before it starts, or lasts more than a day, then it is a ValidationError naming endAt', () => {
    expect(() => bookingEnd(start, {})).toThrow(ValidationError);
    expect(() => bookingEnd(start, { endAt: start })).toThrow('must end after it starts');
    expect(() => bookingEnd(start, { durationMinutes: 24 * 60 + 1 })).toThrow('more than a day');
    expect(bookingEnd(start, { durationMinutes: 24 * 60 })).toEqual(at('2030-01-02T10:00:00Z'));
  });
});

describe('checkBookingRules', () => {
  const facts = (overrides: Partial<BookingFacts> = {}): BookingFacts => ({
    startAt: at('2030-01-20T08:00:00Z'),
    endAt: at('2030-01-20T09:00:00Z'),
    now: at('2030-01-15T00:00:00Z'),
    timeZone: 'Europe/Moscow',
    staff: { isActive: true, isFired: false },
    service: { isActive: true },
    schedules: [{ date: '2030-01-20', isWorking: true, workingIntervals: [{ from: '10:00', to: '20:00' }] }],
    fromCrm: false,
    ...overrides,
  });
  const codeOf = (f: BookingFacts) => {
    try {
      checkBookingRules(f);
      return 'ok';
    } catch (error) {
      expect(error).toBeInstanceOf(BookingRuleError);
      return (error as BookingRuleError).code;
    }
  };

  test('when the booking lies in the working hours of a working staff member, in the future, then it passes', () => {
    expect(codeOf(facts())).toBe('ok');
  });

  test('when each rule is broken on its own, then each has its own code', () => {
    expect(codeOf(facts({ staff: { isActive: true, isFired: true } }))).toBe('STAFF_INACTIVE');
    expect(codeOf(facts({ staff: { isActive: false, isFired: false } }))).toBe('STAFF_INACTIVE');
    expect(codeOf(facts({ service: { isActive: false } }))).toBe('SERVICE_INACTIVE');
    expect(codeOf(facts({ now: at('2030-01-20T08:00:01Z') }))).toBe('IN_THE_PAST');
    expect(codeOf(facts({ schedules: [] }))).toBe('STAFF_NOT_WORKING');
    expect(codeOf(facts({ schedules: [{ date: '2030-01-20', isWorking: false, workingIntervals: [] }] }))).toBe('STAFF_NOT_WORKING');
    expect(codeOf(facts({ startAt: at('2030-01-20T16:30:00Z'), endAt: at('2030-01-20T17:30:00Z') }))).toBe('OUTSIDE_WORKING_HOURS');
  });

  test('when only the next day has a schedule, then the start\'s own day decides: not working', () => {
    expect(codeOf(facts({ schedules: [{ date: '2030-01-21', isWorking: true, workingIntervals: [{ from: '00:00', to: '24:00' }] }] }))).toBe('STAFF_NOT_WORKING');
  });

  test('when the booking records what the CRM holds, then schedule and clock do not apply, the catalogue rules still do', () => {
    expect(codeOf(facts({ fromCrm: true, schedules: [], now: at('2031-01-01T00:00:00Z') }))).toBe('ok');
    expect(codeOf(facts({ fromCrm: true, service: { isActive: false } }))).toBe('SERVICE_INACTIVE');
  });

  test('when no service is named, then only the staff member and the time are checked', () => {
    expect(codeOf(facts({ service: null }))).toBe('ok');
  });
});
