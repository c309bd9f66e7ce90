/**
 * OPTIONS answered in JSON, like every other answer of the API. Express would
 * answer it as text ("GET, HEAD") from the routes matching the path; this reads
 * the same routes (the routers' own route layers, not a second list), so the
 * answer stays true when a route is added. A path no route serves falls through
 * to the JSON 404.
 */
import type { RequestHandler, Router } from 'express';
import { ROUTE_TEMPLATE_LOCAL } from './route-template.js';
import { routeLayers } from './route-list.js';

export const OPTIONS_ROUTE = 'OPTIONS';

export function optionsResponder(routers: Router[]): RequestHandler {
  const layers = routeLayers(routers);
  return (req, res, next) => {
    if (req.method !== 'OPTIONS') return next();
    const allowed = new Set<string>();
    for (const layer of layers) {
      let matches = false;
      try {
        matches = Boolean(layer.match(req.path));
      } catch {
        // An undecodable path matches nothing: the 404 answers it.
      }
      if (!matches) continue;
      for (const [method, enabled] of Object.entries(layer.route!.methods)) {
        if (enabled && method !== '_all') allowed.add(method.toUpperCase());
      }
    }
    if (allowed.size === 0) return next();
    if (allowed.has('GET')) allowed.add('HEAD');
    allowed.add('OPTIONS');
    const allow = [...allowed].sort();
    res.locals[ROUTE_TEMPLATE_LOCAL] = OPTIONS_ROUTE;
    res.set('Allow', allow.join(', ')).status(200).json({ allow });
  };
}
