/**
 * One Sentry warning per CRM sync whose rows could not all be applied as
 * given because a phone belongs to another client: the salon's data needs a
 * person (two CRM records share one WhatsApp number). It carries counts and
 * ids only, never phones; the rows are in the call's result by index.
 */
import type { SyncResult } from '../repositories/sync-result.js';
import type { DataLayerContext } from './context.js';

export class SyncConflictWarning extends Error {
  override name = 'SyncConflictWarning';
}

export function reportSyncConflicts(ctx: DataLayerContext, operation: string, facts: { companyId: number; rows: number }, result: SyncResult): void {
  if (result.conflicts.length === 0) return;
  const counts = {
    ...facts,
    conflicts: result.conflicts.length,
    notInserted: result.conflicts.filter((conflict) => conflict.action === 'NOT_INSERTED').length,
    duplicates: result.duplicates.length,
    inserted: result.inserted,
    updated: result.updated,
  };
  ctx.logger.warn({ operation, ...counts }, 'client sync: some phones belong to other clients of the salon; those rows were not applied as given');
  ctx.reporter.report(new SyncConflictWarning(`${operation}: rows whose phone belongs to another client of the salon were not applied as given`), {
    component: 'data-layer',
    operation,
    level: 'warning',
    tags: { backend: 'postgres' },
    context: counts,
  });
}
