/**
 * The WhatsApp socket of this process, on the PostgreSQL auth state. Started
 * by an entry point only when WHATSAPP_ENABLED=true; never by tests or by
 * default. It:
 * - takes the session's advisory lock first (one process per session) and
 *   stops the socket if that lock's connection is lost;
 * - wires `creds.update` to `saveCreds` and wraps the key store in Baileys'
 *   cache, as Baileys recommends;
 * - logs connection updates (state and close code, never QR contents or jids)
 *   and reconnects with backoff, except after a logout;
 * - counts the files of BAILEYS_AUTH_DIR when configured (file-monitor.ts).
 */
import type pg from 'pg';
import { makeCacheableSignalKeyStore, makeWASocket, DisconnectReason, type WASocket } from '@whiskeysockets/baileys';
import type { Config } from '../config.js';
import type { Db } from '../db/prisma-client.js';
import type { ErrorReporter } from '../observability/error-reporter.js';
import type { Logger } from '../observability/logger.js';
import { usePostgresAuthState, type PostgresAuthState } from './auth-state.js';
import { keyExpiryPolicy } from './key-expiry.js';
import { acquireSessionLock, type SessionLock } from './session-lock.js';
import { startFileMonitor, type FileMonitor } from './file-monitor.js';
import { thresholdsFromConfig } from './health-thresholds.js';
import { createBaileysLogger } from './baileys-logger.js';

export interface BaileysServiceOptions {
  config: Config;
  db: Db;
  pool: pg.Pool;
  logger: Logger;
  reporter: ErrorReporter;
  /** Receives each pairing QR code (show it to the operator); not logged, it pairs the account. */
  onQr?: (qr: string) => void;
}

export interface BaileysService {
  socket(): WASocket | undefined;
  stop(): Promise<void>;
}

const FILE_MONITOR_INTERVAL_MS = 10 * 60 * 1000;
const MAX_RECONNECT_DELAY_MS = 60_000;

export async function startBaileysService(options: BaileysServiceOptions): Promise<BaileysService> {
  const { config, logger, reporter } = options;
  if (!config.WHATSAPP_ENABLED) throw new Error('the Baileys service starts only with WHATSAPP_ENABLED=true');
  const sessionId = config.WHATSAPP_SESSION_ID;
  const log = logger.child({ component: 'whatsapp', sessionId });

  const lock: SessionLock = await acquireSessionLock(options.pool.options, sessionId, log);
  let auth: PostgresAuthState;
  try {
    auth = await usePostgresAuthState(options.db, sessionId, {
      pool: options.pool,
      encryptionKey: config.WHATSAPP_KEYS_ENCRYPTION_KEY,
      expiryPolicy: keyExpiryPolicy(config),
      reporter,
      logger: log,
    });
  } catch (error) {
    await lock.release();
    throw error;
  }

  const monitor: FileMonitor | undefined = config.BAILEYS_AUTH_DIR
    ? startFileMonitor({ dir: config.BAILEYS_AUTH_DIR, thresholds: thresholdsFromConfig(config), logger: log, intervalMs: FILE_MONITOR_INTERVAL_MS })
    : undefined;
  // At warn, with jids, nodes and content censored (baileys-logger.ts).
  const baileysLogger = createBaileysLogger(log);

  let socket: WASocket | undefined;
  let stopped = false;
  let attempts = 0;
  let reconnectTimer: NodeJS.Timeout | undefined;

  const connect = () => {
    socket = makeWASocket({
      auth: { creds: auth.state.creds, keys: makeCacheableSignalKeyStore(auth.state.keys, baileysLogger) },
      logger: baileysLogger,
      markOnlineOnConnect: false,
    });
    socket.ev.on('creds.update', () => {
      auth.saveCreds().catch(() => log.error('saving WhatsApp creds failed (reported)'));
    });
    socket.ev.on('connection.update', (update) => {
      if (update.qr) {
        if (options.onQr) options.onQr(update.qr);
        else log.warn('WhatsApp pairing QR code received: start the service with an onQr handler to display it');
      }
      if (update.connection === 'open') {
        attempts = 0;
        log.info('WhatsApp connection open');
      } else if (update.connection === 'connecting') {
        log.info('WhatsApp connecting');
      } else if (update.connection === 'close') {
        const statusCode = (update.lastDisconnect?.error as { output?: { statusCode?: number } } | undefined)?.output?.statusCode;
        if (stopped) return;
        if (statusCode === DisconnectReason.loggedOut) {
          log.error({ statusCode }, 'WhatsApp logged out: not reconnecting; pair again (the stored creds are no longer valid)');
          return;
        }
        const delay = Math.min(MAX_RECONNECT_DELAY_MS, 1_000 * 2 ** attempts);
        attempts += 1;
        log.warn({ statusCode, delayMs: delay, attempt: attempts }, 'WhatsApp connection closed, reconnecting');
        reconnectTimer = setTimeout(connect, delay);
      }
    });
  };

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    clearTimeout(reconnectTimer);
    monitor?.stop();
    socket?.end(undefined);
    await lock.release();
    log.info('WhatsApp service stopped');
  };

  void lock.lost.then(() => {
    if (stopped) return;
    const error = new Error('WhatsApp session lock lost: stopping the socket so that no second process can drive the same session');
    log.error(error.message);
    reporter.report(error, { component: 'whatsapp', operation: 'session-lock', tags: { session_id: sessionId } });
    void stop();
  });

  connect();
  return { socket: () => socket, stop };
}
