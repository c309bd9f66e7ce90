/**
 * Salon-local time: a salon's days, opening hours and the times people read
 * are wall-clock times in the salon's IANA time zone (companies.timezone),
 * while the database stores instants. Zone arithmetic goes through luxon: a
 * local midnight, a "24:00" and the days a DST change shortens or lengthens
 * come out right without hand-written offset searches.
 */
import { DateTime, IANAZone } from 'luxon';
import { ValidationError } from '../db/errors.js';

/** A salon-local calendar day, YYYY-MM-DD. */
export type LocalDay = string;

/** A wall time as schedules store it: HH:MM, with 24:00 meaning the next local midnight. */
export type WallTime = string;

const WALL_TIME = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;

export const isTimeZone = (timeZone: string): boolean => IANAZone.isValidZone(timeZone);

function zoned(instant: Date, timeZone: string): DateTime {
  const local = DateTime.fromJSDate(instant, { zone: timeZone });
  // Only a zone stored behind the validation (upsertCompany checks it) gets here.
  if (!local.isValid) throw new ValidationError(`the salon's time zone "${timeZone}" is not a known IANA time zone`, { fields: ['timezone'] });
  return local;
}

function startOfDay(day: LocalDay, timeZone: string): DateTime {
  const local = DateTime.fromISO(day, { zone: timeZone });
  if (!local.isValid) throw new ValidationError(`"${day}" is not a calendar day in the time zone "${timeZone}"`, { fields: ['date'] });
  return local.startOf('day');
}

/** The salon-local calendar day an instant falls on (a 01:30 Moscow booking is on its Moscow day, not the UTC one before). */
export function localDayOf(instant: Date, timeZone: string): LocalDay {
  return zoned(instant, timeZone).toISODate() as LocalDay;
}

/** The calendar day `days` after `day` (time-zone free: calendar arithmetic). */
export function addDays(day: LocalDay, days: number): LocalDay {
  return DateTime.fromISO(day, { zone: 'UTC' }).plus({ days }).toISODate() as LocalDay;
}

/**
 * The instant of a wall time on a salon-local day. "24:00" is the next local
 * midnight. A time that does not exist (the hour skipped when clocks go
 * forward) moves forward by the gap; a time that exists twice (clocks go
 * back) is the earlier of the two instants.
 */
export function wallTimeToInstant(day: LocalDay, time: WallTime, timeZone: string): Date {
  const parts = WALL_TIME.exec(time);
  if (!parts) throw new ValidationError(`"${time}" is not a wall time (HH:MM)`, { fields: ['workingIntervals'] });
  const midnight = startOfDay(day, timeZone);
  if (time === '24:00') return midnight.plus({ days: 1 }).startOf('day').toJSDate();
  return midnight.set({ hour: Number(parts[1]), minute: Number(parts[2]) }).toJSDate();
}

/** ISO 8601 with the salon's offset at that instant, e.g. 2026-12-03T10:00:00+03:00 (milliseconds only when there are any). */
export function toLocalIso(instant: Date, timeZone: string): string {
  return zoned(instant, timeZone).toISO({ suppressMilliseconds: true }) as string;
}

/** HH:MM of an instant on the salon's clock, for messages people read. */
export function toLocalWallTime(instant: Date, timeZone: string): WallTime {
  return zoned(instant, timeZone).toFormat('HH:mm');
}
