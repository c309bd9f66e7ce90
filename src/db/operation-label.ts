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

/**
 * Runs fn with the label in scope. fn's result is awaited inside the scope:
 * Prisma's raw calls return a lazy PrismaPromise that only starts when
 * awaited, and it must start within the label's context to carry it.
 */
export function withOperationLabel<T>(label: OperationLabel, fn: () => PromiseLike<T>): Promise<T> {
  return storage.run(label, async () => await fn());
}

export function currentOperationLabel(): OperationLabel | undefined {
  return storage.getStore();
}
