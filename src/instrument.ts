/**
 * Process start-up, before anything else: the env file (below the real
 * environment, see loadEnvFile), then Sentry. Every entry point loads this file
 * first: `node --import ./dist/instrument.js ...` (Sentry 11 with ESM needs
 * --import so its hooks see later imports), and scripts import it on line one.
 *
 * Without SENTRY_DSN the SDK is not loaded at all: @sentry/node and its
 * OpenTelemetry instrumentation cost about 70 MB of resident memory per
 * process even when disabled, for nothing. The code that reports or flushes
 * uses @sentry/core (error-reporter.ts, lifecycle.ts), whose calls are
 * no-ops until a client exists, and reach the client @sentry/node sets up
 * when a DSN is set (both share one global Sentry carrier of the same version).
 * A bad configuration is not reported here; the entry point reports it.
 */
import { configSchema, loadEnvFile } from './config.js';
import { sentryRelease } from './observability/release.js';
import { sentryOptions } from './observability/sentry-options.js';

/** What the env file contributed (key names only), for the entry point's start-up log. */
export const envFile = loadEnvFile();

const sentryEnv = configSchema
  .pick({ SENTRY_DSN: true, SENTRY_ENVIRONMENT: true, SENTRY_TRACES_SAMPLE_RATE: true, SENTRY_RELEASE: true })
  .safeParse(process.env);

const dsn = sentryEnv.success ? sentryEnv.data.SENTRY_DSN : undefined;

if (dsn) {
  // Top-level await: the SDK is initialised before the entry point's own imports run.
  const Sentry = await import('@sentry/node');
  if (!Sentry.isInitialized()) {
    Sentry.init(
      sentryOptions({
        dsn,
        environment: sentryEnv.success ? sentryEnv.data.SENTRY_ENVIRONMENT : undefined,
        // Resolved only when events can be sent (it may ask git).
        release: sentryRelease(sentryEnv.success ? sentryEnv.data.SENTRY_RELEASE : undefined),
        tracesSampleRate: sentryEnv.success ? sentryEnv.data.SENTRY_TRACES_SAMPLE_RATE : 0,
      }),
    );
  }
}
