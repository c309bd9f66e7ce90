/**
 * Counts the files of a legacy useMultiFileAuthState folder (BAILEYS_AUTH_DIR)
 * and logs when the count crosses the warning / critical thresholds. The
 * folder should shrink to nothing after `npm run import:multifile-auth`; a
 * growing count means some process still writes the file store.
 */
import { readdir } from 'node:fs/promises';
import type { Logger } from '../observability/logger.js';
import { fileCountStatus, type HealthStatus, type HealthThresholds } from './health-thresholds.js';

/** Regular files directly in `dir` (the file store is flat); a folder that does not exist holds 0. */
export async function countAuthFiles(dir: string): Promise<number> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((entry) => entry.isFile()).length;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

export interface FileMonitorOptions {
  dir: string;
  thresholds: HealthThresholds;
  logger: Logger;
  intervalMs: number;
}

export interface FileMonitor {
  /** Counts now, logs by status, returns the count and status. */
  check(): Promise<{ fileCount: number; status: HealthStatus }>;
  stop(): void;
}

export function startFileMonitor(options: FileMonitorOptions): FileMonitor {
  const { logger, thresholds } = options;
  const check = async () => {
    const fileCount = await countAuthFiles(options.dir);
    const status = fileCountStatus(fileCount, thresholds);
    const facts = { fileCount, filesWarning: thresholds.filesWarning, filesCritical: thresholds.filesCritical };
    if (status === 'critical') logger.error(facts, 'legacy Baileys auth folder: file count critical');
    else if (status === 'warning') logger.warn(facts, 'legacy Baileys auth folder: file count above warning level');
    else logger.debug(facts, 'legacy Baileys auth folder: file count');
    return { fileCount, status };
  };
  const run = () =>
    void check().catch((error: unknown) => logger.warn({ code: (error as NodeJS.ErrnoException).code }, 'legacy Baileys auth folder cannot be read'));
  run();
  const timer = setInterval(run, options.intervalMs);
  timer.unref();
  return { check, stop: () => clearInterval(timer) };
}
