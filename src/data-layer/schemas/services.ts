import { z } from 'zod';
import { id, jsonObject, money, optionalText, text } from './common.js';

export const getServicesInput = z.object({ companyId: id, includeInactive: z.boolean().default(false) });
export const getServiceByIdInput = z.object({ companyId: id, serviceId: id });
export const getServicesByCategoryInput = z.object({ companyId: id, categoryId: id, includeInactive: z.boolean().default(false) });

export const serviceFields = z
  .object({
    crmId: id,
    title: text().trim().min(1).max(300),
    categoryId: id.nullish(),
    categoryTitle: optionalText(300),
    priceMin: money.nullish(),
    priceMax: money.nullish(),
    duration: z.number().int().positive().max(24 * 60).optional(),
    isActive: z.boolean().optional(),
    weight: z.number().int().optional(),
    raw: jsonObject.optional(),
  })
  .refine((s) => s.priceMin == null || s.priceMax == null || Number(s.priceMin) <= Number(s.priceMax), {
    message: 'priceMin is above priceMax',
    path: ['priceMax'],
  });
export type ServiceFields = z.output<typeof serviceFields>;

export const upsertServicesInput = z.object({
  companyId: id,
  services: z.array(serviceFields).min(1).max(50_000),
});
