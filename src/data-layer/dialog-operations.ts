/** Dialog context: the assistant's conversation state per (salon, phone). */
import type { z } from 'zod';
import type { DataLayerContext } from './context.js';
import { runOperation } from './run-operation.js';
import { getDialogContextInput, upsertDialogContextInput } from './schemas/dialog-context.js';

export function getDialogContext(ctx: DataLayerContext, input: z.input<typeof getDialogContextInput>) {
  return runOperation(ctx, 'getDialogContext', getDialogContextInput, input, (i) => ({ companyId: i.companyId }), (i) =>
    ctx.repositories.dialogContexts.load(i.companyId, i.phone, ctx.now()),
  );
}

export function upsertDialogContext(ctx: DataLayerContext, input: z.input<typeof upsertDialogContextInput>) {
  return runOperation(
    ctx,
    'upsertDialogContext',
    upsertDialogContextInput,
    input,
    // Key names of the state could carry user data: only their count is reported.
    (i) => ({ companyId: i.companyId, mode: i.mode, stateKeyCount: Object.keys(i.state).length }),
    (i) => {
      const now = ctx.now();
      return ctx.repositories.dialogContexts.save(i.companyId, i.phone, i.state, {
        mode: i.mode,
        now,
        lastMessageAt: i.lastMessageAt ?? now,
        expiresAt: new Date(now.getTime() + ctx.settings.dialogContextTtlHours * 3_600_000),
      });
    },
  );
}
