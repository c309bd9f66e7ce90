/** Staff and their schedules. */
import type { z } from 'zod';
import { ErrorCode } from '../db/errors.js';
import type { DataLayerContext } from './context.js';
import { inSalonTime, scheduleWithLocalTimes } from './local-times.js';
import { foundInSalon, listOfRecordInSalon } from './record-in-salon.js';
import { runOperation } from './run-operation.js';
import { getStaffByIdInput, getStaffInput, getStaffScheduleInput, getStaffSchedulesInput, upsertStaffSchedulesInput } from './schemas/staff.js';

export function getStaffById(ctx: DataLayerContext, input: z.input<typeof getStaffByIdInput>) {
  return runOperation(ctx, 'getStaffById', getStaffByIdInput, input, (i) => ({ companyId: i.companyId, staffId: i.staffId }), async (i) =>
    foundInSalon(await ctx.repositories.staff.findById(i.companyId, i.staffId), 'staff member'),
  );
}

/**
 * Without a date: the salon's staff. With a date: staff with a free interval
 * that salon-local day long enough for the service, computed by the booking
 * rules' own function, so each interval offered can be booked.
 */
export function getStaff(ctx: DataLayerContext, input: z.input<typeof getStaffInput>) {
  return runOperation(
    ctx,
    'getStaff',
    getStaffInput,
    input,
    (i) => ({ companyId: i.companyId, includeInactive: i.includeInactive, date: i.date, serviceId: i.serviceId }),
    (i) =>
      i.date === undefined
        ? ctx.repositories.staff.findByCompany(i.companyId, { includeInactive: i.includeInactive })
        : // Free time already past (today) cannot be booked.
          ctx.repositories.staff.findAvailable(i.companyId, i.date, { serviceId: i.serviceId, notBefore: ctx.now() }),
  );
}

export function getStaffSchedules(ctx: DataLayerContext, input: z.input<typeof getStaffSchedulesInput>) {
  return runOperation(
    ctx,
    'getStaffSchedules',
    getStaffSchedulesInput,
    input,
    (i) => ({ companyId: i.companyId, staffId: i.staffId, from: i.from, to: i.to }),
    async (i) => {
      const schedules = await inSalonTime(ctx.repositories, i.companyId, () => ctx.repositories.schedules.findSchedules(i), scheduleWithLocalTimes);
      // Without a staff id this is the salon's list; with one, the staff member must be this salon's.
      const staffId = i.staffId;
      return staffId === undefined ? schedules : listOfRecordInSalon(schedules, 'staff member', () => ctx.repositories.staff.findById(i.companyId, staffId));
    },
  );
}

export function getStaffSchedule(ctx: DataLayerContext, input: z.input<typeof getStaffScheduleInput>) {
  return runOperation(
    ctx,
    'getStaffSchedule',
    getStaffScheduleInput,
    input,
    (i) => ({ companyId: i.companyId, staffId: i.staffId, date: i.date }),
    async (i) => {
      const found = await inSalonTime(ctx.repositories, i.companyId, () => ctx.repositories.schedules.findForDays(i.companyId, i.staffId, [i.date]), scheduleWithLocalTimes);
      // No row for this salon's staff member that day is an answer (not working); a staff member not in this salon is not.
      if (found.length === 0) foundInSalon(await ctx.repositories.staff.findById(i.companyId, i.staffId), 'staff member');
      return found[0] ?? null;
    },
  );
}

export function upsertStaffSchedules(ctx: DataLayerContext, input: z.input<typeof upsertStaffSchedulesInput>) {
  return runOperation(
    ctx,
    'upsertStaffSchedules',
    upsertStaffSchedulesInput,
    input,
    (i) => ({ companyId: i.companyId, count: i.schedules.length, staffCount: new Set(i.schedules.map((s) => s.staffId)).size }),
    (i) => ctx.transaction('upsertStaffSchedules', (repositories) => repositories.schedules.bulkUpsertSchedules(i.companyId, i.schedules)),
    // Repeated days are settled before writing: a unique violation left is a race or a bug, and would jam every later sync.
    { reportAlso: [ErrorCode.UniqueViolation] },
  );
}
