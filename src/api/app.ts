/**
 * The Express application. Routers are passed in, so tests and entry points
 * decide what is mounted; nothing here reaches for a global.
 */
import express, { type ErrorRequestHandler, type Router } from 'express';
import { DataError } from '../db/errors.js';
import { HTTP_STATUS_BY_CODE } from './http-errors.js';
import type { Logger } from '../observability/logger.js';
import type { ErrorReporter } from '../observability/error-reporter.js';

export interface AppOptions {
  routers: Router[];
  logger: Logger;
  reporter: ErrorReporter;
  bodyLimit?: string;
}

export function createApp(options: AppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(express.json({ limit: options.bodyLimit ?? '256kb' }));
  for (const router of options.routers) app.use(router);

  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'NOT_FOUND', message: 'no such route', retryable: false } });
  });

  // Four parameters: Express only treats such functions as error handlers.
  const onError: ErrorRequestHandler = (error, req, res, _next) => {
    const status = (error as { status?: number; type?: string }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // body-parser: malformed JSON, invalid UTF-8, oversized payloads, wrong charset.
      const type = (error as { type?: string }).type;
      const message =
        type === 'entity.too.large'
          ? 'request body is larger than the limit'
          : type === 'entity.parse.failed'
            ? 'request body is not valid JSON'
            : 'request body cannot be read';
      res.status(status).json({ error: { code: 'VALIDATION_ERROR', message, retryable: false } });
      return;
    }
    if (error instanceof DataError) {
      res.status(HTTP_STATUS_BY_CODE[error.code]).json({ error: error.toJSON() });
      return;
    }
    options.reporter.report(error, { component: 'api', operation: `${req.method} ${req.route?.path ?? 'unknown'}` });
    options.logger.error({ err: { name: (error as Error)?.name } , path: req.path }, 'unhandled error in request');
    res.status(500).json({ error: { code: 'INTERNAL_ERROR', message: 'internal error', retryable: false } });
  };
  app.use(onError);
  return app;
}
