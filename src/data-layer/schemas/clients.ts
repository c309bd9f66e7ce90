import { z } from 'zod';
import { id, instant, jsonObject, limit, money, optionalEmail, optionalText, phone, text } from './common.js';

export const appointmentStatus = z.enum(['pending', 'confirmed', 'cancelled', 'completed', 'no_show']);

export const getClientByPhoneInput = z.object({ companyId: id, phone });
export const getClientByIdInput = z.object({ companyId: id, clientId: id });

export const getClientAppointmentsInput = z
  .object({
    companyId: id,
    clientId: id,
    from: instant.optional(),
    to: instant.optional(),
    /** One status or several; always an array after parsing. */
    status: z
      .union([appointmentStatus.transform((status) => [status]), z.array(appointmentStatus).min(1)])
      .optional(),
    limit: limit(50, 500),
  })
  .refine((v) => !v.from || !v.to || v.from < v.to, { message: 'from must be before to', path: ['to'] });

export const getUpcomingAppointmentsInput = z.object({ companyId: id, clientId: id, limit: limit(10, 100) });

export const searchClientsByNameInput = z.object({
  companyId: id,
  query: text().trim().min(1).max(100),
  limit: limit(20, 100),
});

export const clientFields = z.object({
  phone,
  crmId: id.nullish(),
  name: optionalText(200),
  email: optionalEmail,
  visitCount: z.number().int().nonnegative().optional(),
  totalSpent: money.optional(),
  lastVisitAt: instant.nullish(),
  raw: jsonObject.optional(),
});
export type ClientFields = z.output<typeof clientFields>;

export const upsertClientInput = clientFields.extend({ companyId: id });

export const upsertClientsInput = z.object({
  companyId: id,
  clients: z.array(clientFields).min(1).max(50_000),
});

