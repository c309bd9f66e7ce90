/**
 * How a process answers SIGINT and SIGTERM (PM2 sends SIGINT, systemd and
 * Kubernetes SIGTERM, a terminal's Ctrl-C SIGINT):
 * - the first starts the graceful shutdown; the process exits 0 when it is done;
 * - the second is ignored, with a log line. It is normal: Ctrl-C under `npm start`
 *   reaches node twice (from the terminal, and forwarded by npm), and an
 *   impatient operator or supervisor may repeat a signal;
 * - the third forces the exit at once (exit code 128 + signal number), with a log line.
 */
import { constants } from 'node:os';
import type { Logger } from './observability/logger.js';

export const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM'] as const;
export type ShutdownSignal = (typeof SHUTDOWN_SIGNALS)[number];

/** The third signal forces the exit. */
export const FORCING_SIGNAL_COUNT = 3;

export interface SignalTarget {
  on(signal: ShutdownSignal, listener: () => void): unknown;
  removeListener(signal: ShutdownSignal, listener: () => void): unknown;
}

export interface ExitOnSignalsOptions {
  logger: Logger;
  shutdown: (reason: string) => Promise<void>;
  /** process.exit outside tests. */
  exit?: (code: number) => void;
  target?: SignalTarget;
}

/** Installs the handlers; returns a function that removes them (tests). */
export function exitOnSignals(options: ExitOnSignalsOptions): () => void {
  const { logger, shutdown } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const target = options.target ?? process;
  let received = 0;

  const handlers = SHUTDOWN_SIGNALS.map((signal) => {
    const handler = () => {
      received += 1;
      if (received === 1) {
        logger.info({ signal }, `${signal} received: shutting down (a third signal forces exit)`);
        shutdown(signal).then(
          () => exit(0),
          (error: unknown) => {
            logger.error({ err: { name: (error as Error)?.name, message: (error as Error)?.message } }, 'shutdown failed');
            exit(1);
          },
        );
      } else if (received < FORCING_SIGNAL_COUNT) {
        logger.warn({ signal, received }, `${signal} ignored: shutdown already in progress (a third signal forces exit)`);
      } else {
        logger.error({ signal, received }, `${signal} received a third time: forced exit before the shutdown finished`);
        exit(128 + (constants.signals[signal] ?? 0));
      }
    };
    target.on(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    for (const [signal, handler] of handlers) target.removeListener(signal, handler);
  };
}
