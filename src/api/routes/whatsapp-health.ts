/**
 * GET /health/whatsapp: the WhatsApp store's status (healthy / warning /
 * critical) with auth records, keys, expired keys, the legacy file count when
 * a folder is configured, the last cleanup and the thresholds in force.
 * 200 when healthy or warning, 503 when critical or when the database cannot
 * be asked (within a short timeout, not the pool's acquire timeout).
 * When this process runs the WhatsApp socket, `service` says whether it holds
 * the session lock and whether the socket is open (false while the lock is
 * being taken back after a database restart); it does not change the status code.
 * JSON only: counts, times and thresholds; no ids of keys, no paths, no errors' text.
 */
import { Router } from 'express';
import { TimeoutError, withTimeout } from '../../async/with-timeout.js';
import type { SessionHealth } from '../../whatsapp/session-health.js';
import type { HealthThresholds } from '../../whatsapp/health-thresholds.js';
import type { BaileysServiceStatus } from '../../whatsapp/baileys-service.js';

export interface WhatsappHealthRouteOptions {
  /** Report on this session only; all sessions when absent. */
  sessionId?: string | undefined;
  thresholds: HealthThresholds;
  timeoutMs?: number;
  /** The running Baileys service's state; undefined (omitted from the answer) when none runs in this process. */
  service?: () => BaileysServiceStatus | undefined;
}

export function whatsappHealthRouter(health: SessionHealth, options: WhatsappHealthRouteOptions): Router {
  const router = Router();
  router.get('/health/whatsapp', async (_req, res) => {
    const status = options.service?.();
    const service = status ? { service: { lockHeld: status.lockHeld, socketOpen: status.socketOpen } } : {};
    try {
      const report = await withTimeout(health.checkSessionHealth(options.sessionId), options.timeoutMs ?? 2_000);
      res.status(report.status === 'critical' ? 503 : 200).json({ ...report, ...service });
    } catch (error) {
      res.status(503).json({
        status: 'critical',
        error: error instanceof TimeoutError ? 'database did not answer in time' : 'database unreachable',
        thresholds: options.thresholds,
        ...service,
      });
    }
  });
  return router;
}
