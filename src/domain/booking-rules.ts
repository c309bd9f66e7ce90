/**
 * The salon's booking rules, in one place: what the assistant may offer
 * (free intervals of a day) and what a booking must satisfy are computed by
 * the same functions, so a slot taken from an offered free interval is never
 * refused by the booking check.
 *
 * - Working time is the staff member's working intervals of a salon-local
 *   day (HH:MM in the salon's IANA time zone), turned into instants; a
 *   missing schedule row or `isWorking = false` means no working time.
 * - A booking lies inside the working time of the salon-local day it starts
 *   on; it may run past local midnight into the next day's working time when
 *   that day's hours start where the first day's end (22:00-24:00, then
 *   00:00-02:00).
 * - It does not start before "now" (the caller's clock).
 * - The staff member is active and not fired; the service is active.
 * - A booking that records what the CRM already holds (`fromCrm`) is the
 *   CRM's truth: the schedule and clock rules are skipped for it. Tenancy
 *   and the no-overlap constraint are not rules of this module: the data
 *   layer and the database enforce them for every booking.
 *
 * Overlaps with other appointments are deliberately not checked here: the
 * database's exclusion constraint decides them under any concurrency, and
 * answers BOOKING_CONFLICT.
 */
import { BookingRuleError, ErrorCode, ValidationError } from '../db/errors.js';
import { addDays, localDayOf, toLocalIso, toLocalWallTime, wallTimeToInstant, type LocalDay } from './salon-time.js';

export interface Interval {
  startAt: Date;
  endAt: Date;
}

/** One staff member's schedule on one salon-local day, as stored in staff_schedules. */
export interface ScheduleDay {
  /** The salon-local day: YYYY-MM-DD, or a Date at midnight UTC (how @db.Date values arrive). */
  date: Date | LocalDay;
  isWorking: boolean;
  /** JSONB: [{ "from": "HH:MM", "to": "HH:MM" }] in salon-local time. */
  workingIntervals: unknown;
}

/** The longest booking: a day. */
export const MAX_BOOKING_MINUTES = 24 * 60;
const MINUTE_MS = 60_000;

export const dayOfSchedule = (date: Date | LocalDay): LocalDay => (date instanceof Date ? date.toISOString().slice(0, 10) : date);

/** The stored {from, to} pairs of a day; entries that are not such pairs are not working time. */
function wallIntervals(day: ScheduleDay): { from: string; to: string }[] {
  if (!day.isWorking || !Array.isArray(day.workingIntervals)) return [];
  return day.workingIntervals.filter(
    (i): i is { from: string; to: string } => typeof i === 'object' && i !== null && typeof i.from === 'string' && typeof i.to === 'string',
  );
}

/** Sorted, with overlapping or touching intervals joined (22:00-24:00 and next day's 00:00-02:00 become one). */
function merge(intervals: Interval[]): Interval[] {
  const sorted = intervals.filter((i) => i.endAt > i.startAt).sort((a, b) => a.startAt.getTime() - b.startAt.getTime());
  const merged: Interval[] = [];
  for (const interval of sorted) {
    const last = merged.at(-1);
    if (last && interval.startAt <= last.endAt) {
      if (interval.endAt > last.endAt) last.endAt = interval.endAt;
    } else {
      merged.push({ startAt: interval.startAt, endAt: interval.endAt });
    }
  }
  return merged;
}

/**
 * The working time of the given schedule days as instants, merged. A wall
 * time skipped by a DST change moves forward by the gap, so a day when the
 * clocks go forward has an hour less of working time, as the staff member
 * really works.
 */
export function workingPeriods(days: ScheduleDay[], timeZone: string): Interval[] {
  return merge(
    days.flatMap((day) =>
      wallIntervals(day).map((i) => ({
        startAt: wallTimeToInstant(dayOfSchedule(day.date), i.from, timeZone),
        endAt: wallTimeToInstant(dayOfSchedule(day.date), i.to, timeZone),
      })),
    ),
  );
}

/**
 * What can still be booked: the working periods minus the busy intervals,
 * from `notBefore` on. The availability listing passes the day's
 * appointments as busy; the booking check passes none (an overlap is the
 * database's BOOKING_CONFLICT, not a schedule refusal).
 */
export function freeIntervals(working: Interval[], busy: Interval[], notBefore?: Date): Interval[] {
  const taken = merge(busy);
  const free: Interval[] = [];
  for (const period of merge(working)) {
    let cursor = notBefore && notBefore > period.startAt ? notBefore : period.startAt;
    for (const block of taken) {
      if (block.endAt <= cursor || block.startAt >= period.endAt) continue;
      if (block.startAt > cursor) free.push({ startAt: cursor, endAt: block.startAt });
      if (block.endAt > cursor) cursor = block.endAt;
    }
    if (cursor < period.endAt) free.push({ startAt: cursor, endAt: period.endAt });
  }
  return free;
}

/** The salon-local days whose schedules decide a booking starting at `startAt`: its day, and the next one for a booking past midnight. */
export function bookingDays(startAt: Date, timeZone: string): [LocalDay, LocalDay] {
  const day = localDayOf(startAt, timeZone);
  return [day, addDays(day, 1)];
}

/**
 * The end of a booking: the given end, or the start plus the duration
 * (the service's, or the appointment's own when it is moved). Positive and
 * at most a day long.
 */
export function bookingEnd(startAt: Date, given: { endAt?: Date | undefined; durationMinutes?: number | undefined }): Date {
  const endAt = given.endAt ?? (given.durationMinutes === undefined ? undefined : new Date(startAt.getTime() + given.durationMinutes * MINUTE_MS));
  if (endAt === undefined) throw new ValidationError('the booking needs an end (endAt) or a service whose duration gives one', { fields: ['endAt'] });
  if (endAt <= startAt) throw new ValidationError('the booking must end after it starts', { fields: ['endAt'] });
  if (endAt.getTime() - startAt.getTime() > MAX_BOOKING_MINUTES * MINUTE_MS) {
    throw new ValidationError('a booking cannot last more than a day (24 hours)', { fields: ['endAt'] });
  }
  return endAt;
}

export interface BookingFacts {
  startAt: Date;
  endAt: Date;
  /** The caller's clock (ctx.now()). */
  now: Date;
  /** The salon's IANA time zone. */
  timeZone: string;
  staff: { isActive: boolean; isFired: boolean };
  /** null when the booking names no service. */
  service: { isActive: boolean } | null;
  /** The staff member's schedule rows of bookingDays(startAt); missing days are simply absent. */
  schedules: ScheduleDay[];
  /** The booking records what the CRM already holds: schedule and clock rules do not apply. */
  fromCrm: boolean;
}

const hoursText = (days: ScheduleDay[]) =>
  days
    .flatMap(wallIntervals)
    .map((i) => `${i.from}-${i.to}`)
    .join(', ');

/** Staff who take bookings: active and still with the salon. */
export function assertStaffBookable(staff: { isActive: boolean; isFired: boolean }): void {
  if (!staff.isActive || staff.isFired) {
    throw new BookingRuleError(ErrorCode.StaffInactive, 'the staff member does not take bookings (inactive or no longer with the salon)');
  }
}

/** A service the salon offers (null: the booking names no service). */
export function assertServiceBookable(service: { isActive: boolean } | null): void {
  if (service && !service.isActive) {
    throw new BookingRuleError(ErrorCode.ServiceInactive, 'the salon has switched this service off; it cannot be booked');
  }
}

/** Throws the refusal (a BookingRuleError with its own code) when the salon cannot honour the booking; nothing is written by a caller that checks first. */
export function checkBookingRules(facts: BookingFacts): void {
  const { startAt, endAt, timeZone } = facts;
  assertStaffBookable(facts.staff);
  assertServiceBookable(facts.service);
  if (facts.fromCrm) return;
  if (startAt < facts.now) {
    throw new BookingRuleError(ErrorCode.InThePast, `the booking starts in the past (${toLocalIso(startAt, timeZone)}, salon time)`);
  }
  const [day] = bookingDays(startAt, timeZone);
  const sameDay = facts.schedules.filter((s) => dayOfSchedule(s.date) === day);
  if (workingPeriods(sameDay, timeZone).length === 0) {
    throw new BookingRuleError(ErrorCode.StaffNotWorking, `the staff member does not work on ${day} (salon time)`);
  }
  const bookable = freeIntervals(workingPeriods(facts.schedules, timeZone), [], facts.now);
  if (!bookable.some((free) => free.startAt <= startAt && endAt <= free.endAt)) {
    throw new BookingRuleError(
      ErrorCode.OutsideWorkingHours,
      `the staff member works ${hoursText(sameDay)} on ${day} (salon time); ` +
        `the booking ${toLocalWallTime(startAt, timeZone)}-${toLocalWallTime(endAt, timeZone)} is outside those hours`,
    );
  }
}
