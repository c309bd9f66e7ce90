/**
 * One log line per request with pino-http: request id, method, route template,
 * status and duration. The request id comes from an incoming `x-request-id`
 * (a load balancer's or a caller's, when it is a plain token) or is generated,
 * and is sent back as `x-request-id` so an operator can match a client's
 * report to the log line.
 *
 * Never logged: the query string (searches carry names and phones), headers
 * (authorization, cookies), bodies, the client address. Health probes and
 * metric scrapes log at debug so they do not drown the real traffic.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../observability/logger.js';
import { routeTemplate } from './route-template.js';

export const REQUEST_ID_HEADER = 'x-request-id';

/** A caller's id is kept only when it is a short token: anything else could forge log lines or carry data. */
const ACCEPTED_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdOf(incoming: string | string[] | undefined): string {
  return typeof incoming === 'string' && ACCEPTED_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

const QUIET_PREFIXES = ['/health', '/metrics'];

function isProbe(req: IncomingMessage): boolean {
  const url = req.url ?? '';
  return QUIET_PREFIXES.some((prefix) => url === prefix || url.startsWith(`${prefix}/`) || url.startsWith(`${prefix}?`));
}

function describe(req: IncomingMessage, res: ServerResponse, durationMs: number) {
  return {
    requestId: (req as Request).id,
    method: req.method,
    route: routeTemplate(req as Request, res as Response),
    status: res.statusCode,
    durationMs,
    // The connection closed before the response was complete: the status above was never (fully) sent.
    ...(res.writableFinished ? {} : { aborted: true }),
  };
}

export function requestLogger(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    genReqId(req, res) {
      const id = requestIdOf(req.headers[REQUEST_ID_HEADER]);
      res.setHeader(REQUEST_ID_HEADER, id);
      return id;
    },
    // Only the request id is bound to req.log; the line itself is built at the end from the fields above.
    quietReqLogger: true,
    quietResLogger: true,
    wrapSerializers: false,
    serializers: { req: () => undefined, res: () => undefined, err: () => undefined },
    customAttributeKeys: { reqId: 'requestId' },
    customLogLevel(req, res, error) {
      if (error || res.statusCode >= 500) return 'error';
      return isProbe(req) ? 'debug' : 'info';
    },
    customSuccessObject: (req, res, value: { responseTime: number }) => describe(req, res, value.responseTime),
    customErrorObject: (req, res, _error, value: { responseTime: number }) => describe(req, res, value.responseTime),
    customSuccessMessage: (req, res) => (res.writableFinished ? 'request completed' : 'request aborted by the client'),
    customErrorMessage: () => 'request failed',
  }) as unknown as RequestHandler;
}
