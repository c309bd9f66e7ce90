import { z } from 'zod';
import { id, instant, jsonObject, phone } from './common.js';

export const getDialogContextInput = z.object({ companyId: id, phone });

export const upsertDialogContextInput = z.object({
  companyId: id,
  phone,
  state: jsonObject,
  /** merge: shallow-merge the given top-level keys into the stored state; replace: store exactly this state. */
  mode: z.enum(['merge', 'replace']).default('merge'),
  lastMessageAt: instant.optional(),
});
