/**
 * Sends unexpected failures to Sentry once. The layer that owns a failure
 * reports it and marks it; layers above see the mark and do not report again.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import * as Sentry from '@sentry/core';
import { scrubValue } from './scrub.js';

export interface ErrorReport {
  component: string;
  operation: string;
  model?: string | undefined;
  level?: 'error' | 'warning' | undefined;
  tags?: Record<string, string | number | boolean | undefined> | undefined;
  /** ids, counts, filter keys: scrubbed again before sending. */
  context?: Record<string, unknown> | undefined;
}

export interface ErrorReporter {
  report(error: unknown, report: ErrorReport): void;
}

const REPORTED = Symbol.for('ai-admin-data.reported-to-sentry');

export function markReported(error: unknown): void {
  if (error !== null && typeof error === 'object') {
    Object.defineProperty(error, REPORTED, { value: true, enumerable: false, configurable: true });
  }
}

/** True when this error, or the error it wraps, was already sent. */
export function wasReported(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== null && typeof current === 'object'; depth += 1) {
    if ((current as Record<symbol, unknown>)[REPORTED]) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

const owner = new AsyncLocalStorage<string>();

/**
 * Runs fn with `component` owning the reports of failures inside it. A layer
 * that knows what the caller was doing (a data-layer operation, a WhatsApp
 * auth operation) reports with that context; the database layer below it
 * sees the owner and leaves the report to it, so each failure is sent once,
 * tagged with the operation the assistant actually called.
 */
export function withReportingOwner<T>(component: string, fn: () => Promise<T>): Promise<T> {
  return owner.run(component, fn);
}

/** The component that will report failures of the current call, if any. */
export function reportingOwner(): string | undefined {
  return owner.getStore();
}

export const sentryReporter: ErrorReporter = {
  report(error, report) {
    if (wasReported(error)) return;
    markReported(error);
    Sentry.withScope((scope) => {
      scope.setLevel(report.level ?? 'error');
      scope.setTag('component', report.component);
      scope.setTag('operation', report.operation);
      scope.setTag('backend', 'postgres');
      if (report.model) scope.setTag('model', report.model);
      for (const [key, value] of Object.entries(report.tags ?? {})) {
        if (value !== undefined) scope.setTag(key, String(value));
      }
      if (report.context) scope.setContext('operation', scrubValue(report.context) as Record<string, unknown>);
      Sentry.captureException(error);
    });
  },
};

/** For unit tests and tools that must not send anything. */
export const noopReporter: ErrorReporter = { report: () => undefined };
