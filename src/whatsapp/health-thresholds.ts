/**
 * When the WhatsApp store is healthy, worth a look, or in trouble. Expired
 * keys pile up when cleanup stops running; files pile up when something still
 * writes a legacy useMultiFileAuthState folder (hundreds of files per session
 * is where that store starts to slow the bot down).
 *
 * healthy: expired < warning and files < warning
 * warning: expired in [warning, critical] or files in [warning, critical]
 * critical: expired > critical or files > critical
 */
export type HealthStatus = 'healthy' | 'warning' | 'critical';

export interface HealthThresholds {
  expiredKeysWarning: number;
  expiredKeysCritical: number;
  filesWarning: number;
  filesCritical: number;
}

export function thresholdsFromConfig(config: {
  WHATSAPP_EXPIRED_KEYS_WARNING: number;
  WHATSAPP_EXPIRED_KEYS_CRITICAL: number;
  WHATSAPP_FILES_WARNING: number;
  WHATSAPP_FILES_CRITICAL: number;
}): HealthThresholds {
  return {
    expiredKeysWarning: config.WHATSAPP_EXPIRED_KEYS_WARNING,
    expiredKeysCritical: config.WHATSAPP_EXPIRED_KEYS_CRITICAL,
    filesWarning: config.WHATSAPP_FILES_WARNING,
    filesCritical: config.WHATSAPP_FILES_CRITICAL,
  };
}

const RANK: Record<HealthStatus, number> = { healthy: 0, warning: 1, critical: 2 };

function level(value: number, warning: number, critical: number): HealthStatus {
  if (value > critical) return 'critical';
  if (value >= warning) return 'warning';
  return 'healthy';
}

export function expiredKeysStatus(expiredKeys: number, t: HealthThresholds): HealthStatus {
  return level(expiredKeys, t.expiredKeysWarning, t.expiredKeysCritical);
}

export function fileCountStatus(fileCount: number, t: HealthThresholds): HealthStatus {
  return level(fileCount, t.filesWarning, t.filesCritical);
}

/** The worse of the two; the file count only counts when a folder is configured. */
export function classifyHealth(facts: { expiredKeys: number; fileCount?: number | undefined }, t: HealthThresholds): HealthStatus {
  const keys = expiredKeysStatus(facts.expiredKeys, t);
  const files = facts.fileCount === undefined ? 'healthy' : fileCountStatus(facts.fileCount, t);
  return RANK[files] > RANK[keys] ? files : keys;
}
