/**
 * The routes the routers serve, read from the routers' own route layers (not
 * a second, hand-kept list): the OPTIONS answers and the start banner stay
 * true when a route is added.
 */
import type { Router } from 'express';

export interface RouteLayer {
  route?: { path: string; methods: Record<string, boolean | undefined> };
  match(path: string): unknown;
}

export function routeLayers(routers: Router[]): RouteLayer[] {
  return routers.flatMap((router) => (router.stack as unknown as RouteLayer[]).filter((layer) => layer.route !== undefined));
}

/** "GET /health", one per method and path, in mounting order. */
export function listRoutes(routers: Router[]): string[] {
  return routeLayers(routers).flatMap((layer) =>
    Object.entries(layer.route!.methods)
      .filter(([method, enabled]) => enabled && method !== '_all')
      .map(([method]) => `${method.toUpperCase()} ${layer.route!.path}`),
  );
}
