/** The salon itself. */
import type { z } from 'zod';
import type { DataLayerContext } from './context.js';
import { runOperation } from './run-operation.js';
import { getCompanyInput, upsertCompanyInput } from './schemas/company.js';

export function getCompany(ctx: DataLayerContext, input: z.input<typeof getCompanyInput>) {
  return runOperation(ctx, 'getCompany', getCompanyInput, input, (i) => ({ companyId: i.companyId }), (i) =>
    ctx.repositories.companies.findById(i.companyId),
  );
}

export function upsertCompany(ctx: DataLayerContext, input: z.input<typeof upsertCompanyInput>) {
  return runOperation(ctx, 'upsertCompany', upsertCompanyInput, input, (i) => ({ companyId: i.id, fields: Object.keys(i) }), (i) =>
    ctx.repositories.companies.upsertCompany(i),
  );
}
