/**
 * Sentry, initialised before anything else. Every entry point loads this file
 * first: `node --import ./dist/instrument.js ...` (Sentry 11 with ESM needs
 * --import so its hooks see later imports), and scripts import it on line one.
 *
 * Without SENTRY_DSN the SDK is initialised disabled: no network, no error.
 * A bad configuration is not reported here; the entry point reports it.
 */
import * as Sentry from '@sentry/node';
import { configSchema } from './config.js';
import { sentryRelease } from './observability/release.js';
import { sentryOptions } from './observability/sentry-options.js';

const sentryEnv = configSchema
  .pick({ SENTRY_DSN: true, SENTRY_ENVIRONMENT: true, SENTRY_TRACES_SAMPLE_RATE: true, SENTRY_RELEASE: true })
  .safeParse(process.env);

if (!Sentry.isInitialized()) {
  Sentry.init(
    sentryOptions({
      dsn: sentryEnv.success ? sentryEnv.data.SENTRY_DSN : undefined,
      environment: sentryEnv.success ? sentryEnv.data.SENTRY_ENVIRONMENT : undefined,
      // Resolved only when events can be sent (it may ask git).
      release: sentryEnv.success && sentryEnv.data.SENTRY_DSN ? sentryRelease(sentryEnv.data.SENTRY_RELEASE) : 'unset',
      tracesSampleRate: sentryEnv.success ? sentryEnv.data.SENTRY_TRACES_SAMPLE_RATE : 0,
    }),
  );
}
