/**
 * GET /health/whatsapp: the WhatsApp store's status (healthy / warning /
 * critical) with auth records, keys, expired keys, the legacy file count when
 * a folder is configured, the last cleanup and the thresholds in force.
 * 200 when healthy or warning, 503 when critical or when the database cannot
 * be asked (within a short timeout, not the pool's acquire timeout).
 * JSON only: counts, times and thresholds; no ids of keys, no paths, no errors' text.
 */
import { Router } from 'express';
import { TimeoutError, withTimeout } from '../../async/with-timeout.js';
import type { SessionHealth } from '../../whatsapp/session-health.js';
import type { HealthThresholds } from '../../whatsapp/health-thresholds.js';

export interface WhatsappHealthRouteOptions {
  /** Report on this session only; all sessions when absent. */
  sessionId?: string | undefined;
  thresholds: HealthThresholds;
  timeoutMs?: number;
}

export function whatsappHealthRouter(health: SessionHealth, options: WhatsappHealthRouteOptions): Router {
  const router = Router();
  router.get('/health/whatsapp', async (_req, res) => {
    try {
      const report = await withTimeout(health.checkSessionHealth(options.sessionId), options.timeoutMs ?? 2_000);
      res.status(report.status === 'critical' ? 503 : 200).json(report);
    } catch (error) {
      res.status(503).json({
        status: 'critical',
        error: error instanceof TimeoutError ? 'database did not answer in time' : 'database unreachable',
        thresholds: options.thresholds,
      });
    }
  });
  return router;
}
