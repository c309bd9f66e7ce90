/**
 * Names what a raw SQL statement does, for the error-forwarding extension.
 *
 * Repositories run their SQL through `$queryRawUnsafe`, which the extension
 * sees as model `undefined`, operation `$queryRawUnsafe`. Sentry needs the
 * model and the repository method instead, so the repository runs the call
 * inside `withOperationLabel` and the extension reads the label from here
 * (AsyncLocalStorage follows the call into the extension's async frame).
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface OperationLabel {
  /** Prisma model name, e.g. 'Client'. */
  model: string;
  /** Repository method, e.g. 'findOne', 'bulkUpsert'. */
  operation: string;
  /** Safe facts only: field names, counts, batch numbers. Never values. */
  context?: Record<string, unknown>;
  /** false for statements whose failure is expected and already reported (diagnostics). */
  report?: boolean;
}

const storage = new AsyncLocalStorage<OperationLabel>();

export function withOperationLabel<T>(label: OperationLabel, fn: () => Promise<T>): Promise<T> {
  return storage.run(label, fn);
}

export function currentOperationLabel(): OperationLabel | undefined {
  return storage.getStore();
}
