/**
 * Times people read: appointment and schedule results carry the salon's
 * wall-clock time (ISO 8601 with the salon's offset) beside the UTC
 * instants, so a 01:30 Moscow booking does not read as the previous day.
 * The existing fields stay as they were; these are added.
 */
import { dayOfSchedule, workingPeriods, type Interval } from '../domain/booking-rules.js';
import { toLocalIso } from '../domain/salon-time.js';
import type { Appointment, StaffSchedule } from '../generated/prisma/client.js';
import type { Repositories } from '../repositories/repositories.js';

export interface LocalTimes {
  /** The salon's IANA time zone the local times are in. */
  timeZone: string;
  /** e.g. 2026-12-03T10:00:00+03:00 */
  startAtLocal: string;
  endAtLocal: string;
}

export type AppointmentWithLocalTimes = Appointment & LocalTimes;

/** A working interval of a schedule day as instants, with the salon's reading of them. */
export type WorkingPeriod = Interval & Omit<LocalTimes, 'timeZone'>;

export type ScheduleWithLocalTimes = StaffSchedule & {
  timeZone: string;
  /** The salon-local day, YYYY-MM-DD (`date` is that day at midnight UTC, as PostgreSQL dates arrive). */
  day: string;
  /** The working intervals of the day as instants (none on a day off). */
  workingPeriods: WorkingPeriod[];
};

const localPair = (interval: Interval, timeZone: string) => ({
  startAtLocal: toLocalIso(interval.startAt, timeZone),
  endAtLocal: toLocalIso(interval.endAt, timeZone),
});

export function appointmentWithLocalTimes(appointment: Appointment, timeZone: string): AppointmentWithLocalTimes {
  return { ...appointment, timeZone, ...localPair(appointment, timeZone) };
}

export function scheduleWithLocalTimes(schedule: StaffSchedule, timeZone: string): ScheduleWithLocalTimes {
  return {
    ...schedule,
    timeZone,
    day: dayOfSchedule(schedule.date),
    workingPeriods: workingPeriods([schedule], timeZone).map((period) => ({ ...period, ...localPair(period, timeZone) })),
  };
}

/** The salon's time zone, or null when there is no such salon. */
export async function salonTimeZone(repositories: Repositories, companyId: number): Promise<string | null> {
  return (await repositories.companies.findById(companyId))?.timezone ?? null;
}

/**
 * Loads a salon's rows and adds its local times. An unknown salon has no
 * rows: the loader is not run and the answer is empty.
 */
export async function inSalonTime<Row, View>(
  repositories: Repositories,
  companyId: number,
  load: () => Promise<Row[]>,
  view: (row: Row, timeZone: string) => View,
): Promise<View[]> {
  const timeZone = await salonTimeZone(repositories, companyId);
  if (timeZone === null) return [];
  return (await load()).map((row) => view(row, timeZone));
}
