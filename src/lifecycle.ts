/**
 * Ordered, bounded shutdown shared by the API and the worker: each step runs
 * once, in order, and a failing step does not stop the ones after it.
 */
import * as Sentry from '@sentry/core';
import type { Logger } from './observability/logger.js';

export interface ShutdownStep {
  name: string;
  run: () => Promise<void> | void;
}

export function createShutdown(logger: Logger, steps: ShutdownStep[], sentryFlushMs: number) {
  let running: Promise<void> | undefined;
  return (reason: string): Promise<void> => {
    running ??= (async () => {
      logger.info({ reason }, 'shutting down');
      for (const step of steps) {
        try {
          logger.debug({ step: step.name }, 'shutdown step');
          await step.run();
        } catch (error) {
          logger.error({ step: step.name, err: { message: (error as Error)?.message } }, 'shutdown step failed');
        }
      }
      await Sentry.flush(sentryFlushMs).catch(() => false);
      logger.info('shutdown complete');
    })();
    return running;
  };
}

/** One line for the operator instead of a stack trace, then exit non-zero. */
export function exitWithReason(logger: Logger, error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  logger.fatal({ err: { name: (error as Error)?.name } }, message);
  process.stderr.write(`ai-admin-data: ${message}\n`);
  process.exit(1);
}
