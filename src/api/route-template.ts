/**
 * The route template of a request (`/api/companies/:companyId`) for logs and
 * metric labels: bounded and free of ids, unlike the path. Requests no route
 * matched (404s, bad methods) share one value, so a scan of random paths cannot
 * grow the label set.
 */
import type { Request, Response } from 'express';

export const UNMATCHED_ROUTE = 'unmatched';

/** Set by handlers that answer without an Express route (OPTIONS), read by routeTemplate. */
export const ROUTE_TEMPLATE_LOCAL = 'routeTemplate';

export function routeTemplate(req: Request, res: Response): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof path === 'string') return req.baseUrl + path;
  const local = res.locals[ROUTE_TEMPLATE_LOCAL];
  return typeof local === 'string' ? local : UNMATCHED_ROUTE;
}
