/**
 * The Express application. Routers are passed in, so tests and entry points
 * decide what is mounted; nothing here reaches for a global.
 *
 * Every answer the application makes is JSON: routes, OPTIONS, the 404, body
 * and path errors, and the 500 of an unexpected failure (Node's own answers to
 * malformed HTTP are made JSON by client-errors.ts on the server).
 */
import express, { type ErrorRequestHandler, type Router } from 'express';
import helmet from 'helmet';
import { DataError } from '../db/errors.js';
import { HTTP_STATUS_BY_CODE } from './http-errors.js';
import type { Logger } from '../observability/logger.js';
import type { ErrorReporter } from '../observability/error-reporter.js';
import type { HttpRequestEvent } from '../observability/metrics.js';
import { requestLogger } from './request-log.js';
import { requestMetrics } from './request-metrics.js';
import { optionsResponder } from './options-responder.js';

export interface AppOptions {
  routers: Router[];
  logger: Logger;
  reporter: ErrorReporter;
  bodyLimit?: string;
  /** Feed of the HTTP request duration histogram (metrics.observeHttpRequest). */
  observeHttpRequest?: (event: HttpRequestEvent) => void;
}

/** Messages for the 4xx errors Express and body-parser raise before a handler runs. */
function requestErrorMessage(error: unknown): string {
  if (error instanceof URIError) return 'the request path cannot be decoded';
  switch ((error as { type?: string }).type) {
    case 'entity.too.large':
      return 'request body is larger than the limit';
    case 'entity.parse.failed':
      return 'request body is not valid JSON';
    default:
      return 'request body cannot be read';
  }
}

export function createApp(options: AppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestLogger(options.logger));
  if (options.observeHttpRequest) app.use(requestMetrics(options.observeHttpRequest));
  app.use(helmet());
  app.use(express.json({ limit: options.bodyLimit ?? '256kb' }));
  app.use(optionsResponder(options.routers));
  for (const router of options.routers) app.use(router);

  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'NOT_FOUND', message: 'no such route', retryable: false } });
  });

  // Four parameters: Express only treats such functions as error handlers.
  const onError: ErrorRequestHandler = (error, req, res, _next) => {
    const status = (error as { status?: number }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // body-parser (malformed JSON, invalid UTF-8, oversized payloads, wrong charset) and undecodable paths.
      res.status(status).json({ error: { code: 'VALIDATION_ERROR', message: requestErrorMessage(error), retryable: false } });
      return;
    }
    if (error instanceof DataError) {
      res.status(HTTP_STATUS_BY_CODE[error.code]).json({ error: error.toJSON() });
      return;
    }
    options.reporter.report(error, { component: 'api', operation: `${req.method} ${req.route?.path ?? 'unknown'}` });
    options.logger.error({ err: { name: (error as Error)?.name }, requestId: req.id, path: req.path }, 'unhandled error in request');
    res.status(500).json({ error: { code: 'INTERNAL_ERROR', message: 'internal error', retryable: false } });
  };
  app.use(onError);
  return app;
}
