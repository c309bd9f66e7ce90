/** Staff and their schedules. */
import type { z } from 'zod';
import { ErrorCode } from '../db/errors.js';
import type { DataLayerContext } from './context.js';
import { runOperation } from './run-operation.js';
import { getStaffByIdInput, getStaffInput, getStaffScheduleInput, getStaffSchedulesInput, upsertStaffSchedulesInput } from './schemas/staff.js';

export function getStaffById(ctx: DataLayerContext, input: z.input<typeof getStaffByIdInput>) {
  return runOperation(ctx, 'getStaffById', getStaffByIdInput, input, (i) => ({ staffId: i.staffId }), (i) =>
    ctx.repositories.staff.findById(i.staffId),
  );
}

/** Without a date: the salon's staff. With a date: staff with a free interval that day long enough for the service. */
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
    (i) => ctx.repositories.schedules.findSchedules(i),
  );
}

export function getStaffSchedule(ctx: DataLayerContext, input: z.input<typeof getStaffScheduleInput>) {
  return runOperation(ctx, 'getStaffSchedule', getStaffScheduleInput, input, (i) => ({ staffId: i.staffId, date: i.date }), (i) =>
    ctx.repositories.schedules.findOne(i.staffId, i.date),
  );
}

export function upsertStaffSchedules(ctx: DataLayerContext, input: z.input<typeof upsertStaffSchedulesInput>) {
  return runOperation(
    ctx,
    'upsertStaffSchedules',
    upsertStaffSchedulesInput,
    input,
    (i) => ({ count: i.schedules.length, staffCount: new Set(i.schedules.map((s) => s.staffId)).size }),
    (i) => ctx.transaction('upsertStaffSchedules', (repositories) => repositories.schedules.bulkUpsertSchedules(i.schedules)),
    // Repeated days are settled before writing: a unique violation left is a race or a bug, and would jam every later sync.
    { reportAlso: [ErrorCode.UniqueViolation] },
  );
}
