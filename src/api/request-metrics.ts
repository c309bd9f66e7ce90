/**
 * Feeds the HTTP request duration histogram: method, route template and status
 * class, observed when the response closes (a connection lost before the
 * response was complete counts as `aborted`). One listener per request and no
 * other allocation on the request path.
 */
import type { ServerResponse } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import type { HttpRequestEvent } from '../observability/metrics.js';
import { routeTemplate } from './route-template.js';

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'];
const startedAt = Symbol('requestStartedAt');

type TimedResponse = ServerResponse & { [startedAt]?: number };

export function statusClass(status: number): string {
  return STATUS_CLASSES[Math.floor(status / 100) - 1] ?? 'other';
}

export function requestMetrics(observe: (event: HttpRequestEvent) => void): RequestHandler {
  function onClose(this: TimedResponse) {
    const req = this.req as Request;
    observe({
      method: KNOWN_METHODS.has(req.method) ? req.method : 'other',
      route: routeTemplate(req, this as Response),
      statusClass: this.writableFinished ? statusClass(this.statusCode) : 'aborted',
      durationSeconds: (performance.now() - (this[startedAt] ?? performance.now())) / 1000,
    });
  }
  return (_req, res, next) => {
    (res as TimedResponse)[startedAt] = performance.now();
    res.once('close', onClose);
    next();
  };
}
