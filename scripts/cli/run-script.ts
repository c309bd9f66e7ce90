/**
 * The ending every operator script shares: run `main`, exit with its code, and
 * on a throw report it to Sentry and print one line. Sentry is flushed before
 * either exit because process.exit would drop events still in its queue.
 */
import * as Sentry from '@sentry/core';
import { sentryReporter } from '../../src/observability/error-reporter.js';

/** `name` is the script's name: the Sentry operation and the prefix of the error line. */
export async function runScript(name: string, main: () => Promise<number>): Promise<never> {
  try {
    const code = await main();
    await Sentry.flush(2_000).catch(() => false);
    process.exit(code);
  } catch (error) {
    sentryReporter.report(error, { component: 'scripts', operation: name });
    await Sentry.flush(2_000).catch(() => false);
    process.stderr.write(`${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
