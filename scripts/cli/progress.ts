/**
 * Progress lines for scripts that run longer than a few seconds: on stderr, so
 * stdout stays the script's result (a report, `--json`), one line each, with
 * the seconds since the script started, readable in a terminal and in a CI log
 * alike (no carriage-return redraws).
 */
export interface Progress {
  /** "name: 12 s: text". */
  step(text: string): void;
  /** Calls `describe` every `intervalMs` and prints its line until the returned stop is called. */
  every(intervalMs: number, describe: () => string): () => void;
}

export function createProgress(name: string, write: (line: string) => void = (line) => process.stderr.write(line), now: () => number = () => performance.now()): Progress {
  const started = now();
  const step = (text: string) => write(`${name}: ${Math.round((now() - started) / 1000)} s: ${text}\n`);
  return {
    step,
    every(intervalMs, describe) {
      const timer = setInterval(() => step(describe()), intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}
