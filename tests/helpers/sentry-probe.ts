/**
 * A stand-in entry point for tests/integration/sentry-startup.test.ts, run as
 * `node --import tsx --import ./src/instrument.ts tests/helpers/sentry-probe.ts`:
 * reports one failure the way the database layer does, flushes, and prints
 * one JSON line saying whether a Sentry client exists and what flush answered.
 */
import * as Sentry from '@sentry/core';
import { sentryReporter } from '../../src/observability/error-reporter.js';

sentryReporter.report(new Error('probe failure'), {
  component: 'database',
  operation: 'findOne',
  model: 'Client',
  tags: { error_code: 'TIMEOUT', sqlstate: '57014' },
});
const flushed = await Sentry.flush(30_000);
process.stdout.write(`${JSON.stringify({ client: Sentry.getClient() !== undefined, flushed })}\n`);
