/** Clients of a salon and their appointments. */
import type { z } from 'zod';
import { ErrorCode } from '../db/errors.js';
import type { DataLayerContext } from './context.js';
import { appointmentWithLocalTimes, inSalonTime } from './local-times.js';
import { foundInSalon, listOfRecordInSalon } from './record-in-salon.js';
import { runOperation } from './run-operation.js';
import { reportSyncConflicts } from './sync-conflict-report.js';
import {
  getClientAppointmentsInput,
  getClientByIdInput,
  getClientByPhoneInput,
  getUpcomingAppointmentsInput,
  searchClientsByNameInput,
  upsertClientInput,
  upsertClientsInput,
} from './schemas/clients.js';

export function getClientByPhone(ctx: DataLayerContext, input: z.input<typeof getClientByPhoneInput>) {
  return runOperation(ctx, 'getClientByPhone', getClientByPhoneInput, input, (i) => ({ companyId: i.companyId }), (i) =>
    ctx.repositories.clients.findByPhone(i.companyId, i.phone),
  );
}

export function getClientById(ctx: DataLayerContext, input: z.input<typeof getClientByIdInput>) {
  return runOperation(ctx, 'getClientById', getClientByIdInput, input, (i) => ({ companyId: i.companyId, clientId: i.clientId }), async (i) =>
    foundInSalon(await ctx.repositories.clients.findById(i.companyId, i.clientId), 'client'),
  );
}

export function getClientAppointments(ctx: DataLayerContext, input: z.input<typeof getClientAppointmentsInput>) {
  return runOperation(
    ctx,
    'getClientAppointments',
    getClientAppointmentsInput,
    input,
    (i) => ({ companyId: i.companyId, clientId: i.clientId, filterKeys: ['from', 'to', 'status'].filter((k) => i[k as 'from'] !== undefined), limit: i.limit }),
    async (i) =>
      listOfRecordInSalon(
        await inSalonTime(
          ctx.repositories,
          i.companyId,
          () => ctx.repositories.clients.findAppointments(i.companyId, i.clientId, { from: i.from, to: i.to, status: i.status, limit: i.limit }),
          appointmentWithLocalTimes,
        ),
        'client',
        () => ctx.repositories.clients.findById(i.companyId, i.clientId),
      ),
  );
}

export function getUpcomingAppointments(ctx: DataLayerContext, input: z.input<typeof getUpcomingAppointmentsInput>) {
  return runOperation(ctx, 'getUpcomingAppointments', getUpcomingAppointmentsInput, input, (i) => ({ companyId: i.companyId, clientId: i.clientId }), async (i) =>
    listOfRecordInSalon(
      await inSalonTime(ctx.repositories, i.companyId, () => ctx.repositories.clients.findUpcomingAppointments(i.companyId, i.clientId, ctx.now(), i.limit), appointmentWithLocalTimes),
      'client',
      () => ctx.repositories.clients.findById(i.companyId, i.clientId),
    ),
  );
}

export function searchClientsByName(ctx: DataLayerContext, input: z.input<typeof searchClientsByNameInput>) {
  return runOperation(
    ctx,
    'searchClientsByName',
    searchClientsByNameInput,
    input,
    (i) => ({ companyId: i.companyId, limit: i.limit, queryLength: i.query.length }),
    (i) => ctx.repositories.clients.searchByName(i.companyId, i.query, i.limit),
  );
}

export function upsertClient(ctx: DataLayerContext, input: z.input<typeof upsertClientInput>) {
  return runOperation(
    ctx,
    'upsertClient',
    upsertClientInput,
    input,
    (i) => ({ companyId: i.companyId, crmId: i.crmId ?? undefined, fields: Object.keys(i) }),
    ({ companyId, ...fields }) => ctx.transaction('upsertClient', (repositories) => repositories.clients.syncClient(companyId, fields)),
  );
}

/**
 * A CRM sync of the salon's clients, in one transaction: a failure leaves
 * nothing applied, so `success` always means "all written". Rows the identity
 * rules could not apply as given come back by index (`duplicates`,
 * `conflicts`), and phone conflicts raise one Sentry warning per call.
 */
export function upsertClients(ctx: DataLayerContext, input: z.input<typeof upsertClientsInput>) {
  return runOperation(
    ctx,
    'upsertClients',
    upsertClientsInput,
    input,
    (i) => ({ companyId: i.companyId, count: i.clients.length }),
    async (i) => {
      const result = await ctx.transaction('upsertClients', (repositories) => repositories.clients.syncClients(i.companyId, i.clients));
      reportSyncConflicts(ctx, 'upsertClients', { companyId: i.companyId, rows: i.clients.length }, result);
      return result;
    },
    // The sync settles phone and CRM id clashes itself: a unique violation left is a race or a bug, and would jam every later sync.
    { reportAlso: [ErrorCode.UniqueViolation] },
  );
}
