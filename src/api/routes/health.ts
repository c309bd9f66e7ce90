/**
 * GET /health: liveness, no database call.
 * GET /health/ready: database round trip, pool figures, migrations applied; 503 otherwise.
 */
import { Router } from 'express';
import type { ReadinessProbe } from '../readiness.js';

export interface Lifecycle {
  /** Set first on shutdown, so load balancers stop sending traffic before the server closes. */
  shuttingDown: boolean;
}

export function healthRouter(probe: ReadinessProbe, lifecycle: Lifecycle, startedAt = Date.now()): Router {
  const router = Router();

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok', uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) });
  });

  router.get('/health/ready', async (_req, res) => {
    const [database, migrations] = await Promise.all([probe.database(), probe.migrations()]);
    const ready = !lifecycle.shuttingDown && database.ok && migrations.ok;
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : lifecycle.shuttingDown ? 'shutting_down' : 'not_ready',
      database,
      pool: probe.poolStats(),
      migrations,
    });
  });

  return router;
}
