/**
 * Runs a task every `intervalMs` in this process, never two at once here (a
 * tick while the previous run is still going is skipped); cross-process
 * exclusion is the job's advisory lock. `stop()` waits for a run in progress,
 * so shutdown never cuts a cleanup batch in half.
 */
import type { Logger } from '../observability/logger.js';

/** setInterval's largest delay (about 24.8 days); longer ones would fire at once. */
const MAX_INTERVAL_MS = 2 ** 31 - 1;

export interface ScheduleOptions {
  name: string;
  intervalMs: number;
  run: () => Promise<unknown>;
  logger: Logger;
  /** Also run once now (workers do: a restart must not postpone the job by a whole interval). */
  runAtStart?: boolean;
}

export interface Schedule {
  stop(): Promise<void>;
}

export function scheduleEvery(options: ScheduleOptions): Schedule {
  if (!(options.intervalMs > 0) || options.intervalMs > MAX_INTERVAL_MS) {
    throw new RangeError(`interval of ${options.name} must be between 1 ms and ${MAX_INTERVAL_MS} ms`);
  }
  const { logger, name } = options;
  let running: Promise<void> | undefined;
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    if (running) {
      logger.warn({ job: name }, 'previous run still in progress, tick skipped');
      return;
    }
    running = options
      .run()
      .then(() => undefined)
      .catch((error: unknown) => logger.error({ job: name, err: { name: (error as Error)?.name } }, 'scheduled run threw'))
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(tick, options.intervalMs);
  if (options.runAtStart) tick();
  logger.info({ job: name, intervalMs: options.intervalMs }, 'job scheduled');
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
