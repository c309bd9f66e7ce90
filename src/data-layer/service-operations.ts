/** The salon's service catalogue. */
import type { z } from 'zod';
import { ErrorCode } from '../db/errors.js';
import type { DataLayerContext } from './context.js';
import { foundInSalon } from './record-in-salon.js';
import { runOperation } from './run-operation.js';
import { getServiceByIdInput, getServicesByCategoryInput, getServicesInput, upsertServicesInput } from './schemas/services.js';

export function getServices(ctx: DataLayerContext, input: z.input<typeof getServicesInput>) {
  return runOperation(ctx, 'getServices', getServicesInput, input, (i) => ({ companyId: i.companyId, includeInactive: i.includeInactive }), (i) =>
    ctx.repositories.services.findByCompany(i.companyId, { includeInactive: i.includeInactive }),
  );
}

export function getServiceById(ctx: DataLayerContext, input: z.input<typeof getServiceByIdInput>) {
  return runOperation(ctx, 'getServiceById', getServiceByIdInput, input, (i) => ({ companyId: i.companyId, serviceId: i.serviceId }), async (i) =>
    foundInSalon(await ctx.repositories.services.findById(i.companyId, i.serviceId), 'service'),
  );
}

export function getServicesByCategory(ctx: DataLayerContext, input: z.input<typeof getServicesByCategoryInput>) {
  return runOperation(
    ctx,
    'getServicesByCategory',
    getServicesByCategoryInput,
    input,
    (i) => ({ companyId: i.companyId, categoryId: i.categoryId, includeInactive: i.includeInactive }),
    (i) => ctx.repositories.services.findByCategory(i.companyId, i.categoryId, { includeInactive: i.includeInactive }),
  );
}

export function upsertServices(ctx: DataLayerContext, input: z.input<typeof upsertServicesInput>) {
  return runOperation(
    ctx,
    'upsertServices',
    upsertServicesInput,
    input,
    (i) => ({ companyId: i.companyId, count: i.services.length }),
    (i) => ctx.transaction('upsertServices', (repositories) => repositories.services.bulkUpsertForCompany(i.companyId, i.services)),
    // Repeated CRM ids are settled before writing: a unique violation left is a race or a bug, and would jam every later sync.
    { reportAlso: [ErrorCode.UniqueViolation] },
  );
}
