/**
 * GET /metrics: Prometheus text exposition of the process registry.
 * The registry's database-backed gauges bound their own wait, so this answers
 * even when the database is down (then `ai_admin_data_metrics_database_up 0`).
 */
import { Router } from 'express';
import type { Registry } from 'prom-client';

export function metricsRouter(registry: Registry): Router {
  const router = Router();
  router.get('/metrics', async (_req, res, next) => {
    try {
      const body = await registry.metrics();
      res.set('Content-Type', registry.contentType).set('Cache-Control', 'no-store').send(body);
    } catch (error) {
      next(error);
    }
  });
  return router;
}
