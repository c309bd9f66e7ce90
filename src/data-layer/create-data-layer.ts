/**
 * Wires the facade over an application client: repositories bound to it,
 * transactions through withTransaction (with repositories bound to the
 * transaction client), the clock and the settings from config.
 */
import type { Db } from '../db/prisma-client.js';
import { withTransaction, type TransactionFinishedEvent } from '../db/transaction.js';
import { markReported, sentryReporter, wasReported, type ErrorReporter } from '../observability/error-reporter.js';
import { silentLogger, type Logger } from '../observability/logger.js';
import { createRepositories } from '../repositories/repositories.js';
import type { DataLayerSettings } from './context.js';
import { DataLayer } from './data-layer.js';

export interface DataLayerDeps {
  logger?: Logger;
  reporter?: ErrorReporter;
  /** Defaults to the system clock. */
  now?: () => Date;
  settings?: Partial<DataLayerSettings>;
  /** Transaction limits from config (TRANSACTION_TIMEOUT_MS, TRANSACTION_MAX_RETRIES). */
  transactionTimeoutMs?: number;
  transactionMaxRetries?: number;
  /** Passed to withTransaction's `onFinish` for every facade transaction (e.g. metrics.observeTransaction). Must not throw. */
  onTransaction?: (event: TransactionFinishedEvent) => void;
}

export const DATA_LAYER_DEFAULTS: DataLayerSettings = { dialogContextTtlHours: 24, dialogContextMaxBytes: 64 * 1024 };

/**
 * A reporter that never sends an error twice, whatever reporter it wraps:
 * withTransaction reports through it without marking, so the mark is set here
 * and the facade, seeing it, does not report the same failure again.
 */
export function reportOnce(reporter: ErrorReporter): ErrorReporter {
  return {
    report: (error, report) => {
      if (wasReported(error)) return;
      reporter.report(error, report);
      markReported(error);
    },
  };
}

export function createDataLayer(db: Db, deps: DataLayerDeps = {}): DataLayer {
  const logger = deps.logger ?? silentLogger;
  const reporter = reportOnce(deps.reporter ?? sentryReporter);
  const settings = { ...DATA_LAYER_DEFAULTS, ...deps.settings };
  const repositoryDeps = { logger, reporter, dialogContextMaxBytes: settings.dialogContextMaxBytes };
  return new DataLayer({
    logger,
    reporter,
    settings,
    now: deps.now ?? (() => new Date()),
    repositories: createRepositories(db, repositoryDeps),
    transaction: (name, work) =>
      withTransaction(db, (tx) => work(createRepositories(tx, repositoryDeps)), {
        name,
        logger,
        reporter,
        ...(deps.transactionTimeoutMs !== undefined ? { timeout: deps.transactionTimeoutMs } : {}),
        ...(deps.transactionMaxRetries !== undefined ? { maxRetries: deps.transactionMaxRetries } : {}),
        ...(deps.onTransaction ? { onFinish: deps.onTransaction } : {}),
      }),
  });
}
