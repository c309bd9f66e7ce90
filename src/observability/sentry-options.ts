/**
 * Sentry options with privacy made explicit. Kept apart from instrument.ts so
 * tests can build a real client with the same options against a local endpoint.
 */
import type { ErrorEvent, EventHint, Breadcrumb, NodeOptions } from '@sentry/node';
import { scrubText, scrubValue } from './scrub.js';

export interface SentrySettings {
  dsn?: string | undefined;
  environment?: string | undefined;
  /** The full release name (release.ts). */
  release: string;
  tracesSampleRate: number;
}

/** Drops personal and secret data from an event before it leaves the process. */
export function scrubEvent(event: ErrorEvent, _hint?: EventHint): ErrorEvent {
  delete event.user;
  delete event.request;
  delete event.server_name;
  if (event.message) event.message = scrubText(event.message);
  for (const exception of event.exception?.values ?? []) {
    if (exception.value) exception.value = scrubText(exception.value);
    for (const frame of exception.stacktrace?.frames ?? []) delete frame.vars;
  }
  if (event.extra) event.extra = scrubValue(event.extra) as Record<string, unknown>;
  if (event.contexts) {
    for (const [name, context] of Object.entries(event.contexts)) {
      // runtime/os/app contexts are SDK-provided and harmless; everything else is ours.
      if (['runtime', 'os', 'app', 'device', 'culture', 'cloud_resource', 'trace', 'otel'].includes(name)) continue;
      event.contexts[name] = scrubValue(context) as Record<string, unknown>;
    }
  }
  if (event.tags) event.tags = scrubValue(event.tags) as Record<string, string>;
  if (event.breadcrumbs) event.breadcrumbs = event.breadcrumbs.map(scrubBreadcrumb).filter((b): b is Breadcrumb => b !== null);
  return event;
}

function scrubBreadcrumb(breadcrumb: Breadcrumb): Breadcrumb | null {
  // SQL text of queries can carry literal values; never send it.
  if (breadcrumb.category === 'query' || breadcrumb.category?.startsWith('db')) return null;
  return {
    ...breadcrumb,
    ...(breadcrumb.message ? { message: scrubText(breadcrumb.message) } : {}),
    ...(breadcrumb.data ? { data: scrubValue(breadcrumb.data) as Record<string, unknown> } : {}),
  };
}

export function sentryOptions(settings: SentrySettings): NodeOptions {
  return {
    dsn: settings.dsn,
    enabled: Boolean(settings.dsn),
    environment: settings.environment ?? process.env.NODE_ENV ?? 'development',
    release: settings.release,
    tracesSampleRate: settings.tracesSampleRate,
    dataCollection: {
      userInfo: false,
      cookies: false,
      httpHeaders: false,
      httpBodies: [],
      urlQueryParams: false,
      databaseQueryData: false,
      stackFrameVariables: false,
      genAI: { inputs: false, outputs: false },
    },
    beforeSend: scrubEvent,
    beforeBreadcrumb: scrubBreadcrumb,
  };
}
