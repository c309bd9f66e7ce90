/**
 * What every area of the facade works with: the repositories over the
 * application client, a way to run work in one transaction (with
 * repositories bound to that transaction), the clock and the reporting deps.
 */
import type { Repositories } from '../repositories/repositories.js';
import type { OperationDeps } from './run-operation.js';

export interface DataLayerSettings {
  dialogContextTtlHours: number;
  dialogContextMaxBytes: number;
}

export interface DataLayerContext extends OperationDeps {
  repositories: Repositories;
  /** Runs `work` in one transaction; the repositories it receives are bound to it. */
  transaction<T>(name: string, work: (repositories: Repositories) => Promise<T>): Promise<T>;
  /** Injected so "upcoming" and "expired" are testable. */
  now(): Date;
  settings: DataLayerSettings;
}
