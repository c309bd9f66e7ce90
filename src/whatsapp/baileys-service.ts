/**
 * The WhatsApp socket of this process, on the PostgreSQL auth state. Started
 * by an entry point only when WHATSAPP_ENABLED=true; never by tests or by
 * default. It:
 * - takes the session's advisory lock first (one process per session); if
 *   that lock's connection is lost (a database restart) it ends the socket,
 *   keeps retrying the lock with capped backoff and, once it holds it again,
 *   reloads the auth state and reconnects (session-lock-keeper.ts). Only
 *   stop() ends the service for good;
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
import { acquireSessionLock } from './session-lock.js';
import { startSessionLockKeeper, type SessionLockKeeper } from './session-lock-keeper.js';
import { startFileMonitor, type FileMonitor } from './file-monitor.js';
import { thresholdsFromConfig } from './health-thresholds.js';
import { createBaileysLogger } from './baileys-logger.js';

export interface BaileysServiceOptions {
  config: Config;
  db: Db;
  pool: pg.Pool;
  /** Where the session lock connects (DIRECT_DATABASE_URL); absent: the pool's settings. */
  lockConnection?: pg.ClientConfig | undefined;
  logger: Logger;
  reporter: ErrorReporter;
  /** Receives each pairing QR code (show it to the operator); not logged, it pairs the account. */
  onQr?: (qr: string) => void;
  /** Backoff of the session lock retries after a loss (session-lock-keeper.ts defaults). */
  lockRetry?: { initialDelayMs?: number; maxDelayMs?: number };
}

export interface BaileysServiceStatus {
  /** This process holds the session's lock (false while it is being taken back). */
  lockHeld: boolean;
  /** The WhatsApp connection is open. */
  socketOpen: boolean;
}

export interface BaileysService {
  socket(): WASocket | undefined;
  status(): BaileysServiceStatus;
  stop(): Promise<void>;
}

const FILE_MONITOR_INTERVAL_MS = 10 * 60 * 1000;
const MAX_RECONNECT_DELAY_MS = 60_000;

export async function startBaileysService(options: BaileysServiceOptions): Promise<BaileysService> {
  const { config, logger, reporter } = options;
  if (!config.WHATSAPP_ENABLED) throw new Error('the Baileys service starts only with WHATSAPP_ENABLED=true');
  const sessionId = config.WHATSAPP_SESSION_ID;
  const log = logger.child({ component: 'whatsapp', sessionId });

  const loadAuth = () =>
    usePostgresAuthState(options.db, sessionId, {
      pool: options.pool,
      encryptionKey: config.WHATSAPP_KEYS_ENCRYPTION_KEY,
      expiryPolicy: keyExpiryPolicy(config),
      reporter,
      logger: log,
    });

  let socket: WASocket | undefined;
  let socketOpen = false;
  let stopped = false;
  let attempts = 0;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let auth: PostgresAuthState | undefined;
  // Set once everything below is built; a lock taken back before then is picked up by the first connect().
  let started = false;

  const endSocket = () => {
    clearTimeout(reconnectTimer);
    const current = socket;
    socket = undefined;
    socketOpen = false;
    current?.end(undefined);
  };

  const keeper: SessionLockKeeper = await startSessionLockKeeper({
    sessionId,
    acquire: () => acquireSessionLock(options.lockConnection ?? options.pool.options, sessionId, log),
    logger: log,
    reporter,
    ...options.lockRetry,
    onLost: endSocket,
    onReacquired: () => (started ? resume() : undefined),
  });
  try {
    auth = await loadAuth();
  } catch (error) {
    await keeper.stop();
    throw error;
  }

  const monitor: FileMonitor | undefined = config.BAILEYS_AUTH_DIR
    ? startFileMonitor({ dir: config.BAILEYS_AUTH_DIR, thresholds: thresholdsFromConfig(config), logger: log, intervalMs: FILE_MONITOR_INTERVAL_MS })
    : undefined;
  // At warn, with jids, nodes and content censored (baileys-logger.ts).
  const baileysLogger = createBaileysLogger(log);

  const connect = () => {
    if (stopped || !keeper.held() || !auth) return;
    const current = auth;
    const sock = makeWASocket({
      auth: { creds: current.state.creds, keys: makeCacheableSignalKeyStore(current.state.keys, baileysLogger) },
      logger: baileysLogger,
      markOnlineOnConnect: false,
    });
    socket = sock;
    sock.ev.on('creds.update', () => {
      current.saveCreds().catch(() => log.error('saving WhatsApp creds failed (reported)'));
    });
    sock.ev.on('connection.update', (update) => {
      // A socket ended on a lock loss still reports its close: only the current one counts.
      if (sock !== socket) return;
      if (update.qr) {
        if (options.onQr) options.onQr(update.qr);
        else log.warn('WhatsApp pairing QR code received: start the service with an onQr handler to display it');
      }
      if (update.connection === 'open') {
        socketOpen = true;
        attempts = 0;
        log.info('WhatsApp connection open');
      } else if (update.connection === 'connecting') {
        log.info('WhatsApp connecting');
      } else if (update.connection === 'close') {
        socketOpen = false;
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

  /** After the lock is taken back: another process may have driven the session meanwhile, so read the creds again, as after a restart. */
  const resume = async (): Promise<void> => {
    if (stopped || !started || !keeper.held()) return;
    try {
      auth = await loadAuth();
    } catch {
      // Reported by the auth state; retried like a dropped connection (endSocket() cancels it if the lock goes again).
      const delay = Math.min(MAX_RECONNECT_DELAY_MS, 1_000 * 2 ** attempts);
      attempts += 1;
      log.warn({ delayMs: delay, attempt: attempts }, 'reloading WhatsApp auth state after taking the lock back failed, retrying');
      reconnectTimer = setTimeout(() => void resume(), delay);
      return;
    }
    attempts = 0;
    connect();
  };

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    monitor?.stop();
    endSocket();
    await keeper.stop();
    log.info('WhatsApp service stopped');
  };

  started = true;
  connect();
  return { socket: () => socket, status: () => ({ lockHeld: keeper.held(), socketOpen }), stop };
}
