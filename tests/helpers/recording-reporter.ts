/** An ErrorReporter that remembers what it was given, and, like Sentry's, ignores errors already sent. */
import { markReported, wasReported, type ErrorReport, type ErrorReporter } from '../../src/observability/error-reporter.js';

export interface RecordingReporter extends ErrorReporter {
  reports: { error: unknown; report: ErrorReport }[];
  /** Every report, including errors passed a second time (should be none). */
  attempts: number;
}

export function recordingReporter(): RecordingReporter {
  const recorder: RecordingReporter = {
    reports: [],
    attempts: 0,
    report(error, report) {
      recorder.attempts += 1;
      if (wasReported(error)) return;
      markReported(error);
      recorder.reports.push({ error, report });
    },
  };
  return recorder;
}
