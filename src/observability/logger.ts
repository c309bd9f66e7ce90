/**
 * Structured logging with pino (already Baileys' logger, fast, JSON by default).
 * Redaction is a second line of defence: callers log ids and counts, never
 * message text, phones or secrets, but if one slips in under a known key it is
 * censored here.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

const REDACTED_KEYS = [
  'phone', 'email', 'text', 'message.text', 'body', 'state', 'creds', 'value',
  'password', 'connectionString', 'databaseUrl', 'DATABASE_URL', 'dsn', 'SENTRY_DSN', 'key', 'encryptionKey',
];

export function createLogger(options: { level?: string; name?: string } = {}): Logger {
  const settings = {
    name: options.name ?? 'ai-admin-data',
    level: options.level ?? 'info',
    redact: {
      paths: [...REDACTED_KEYS, ...[...REDACTED_KEYS, 'name'].map((key) => `*.${key}`)],
      censor: '[redacted]',
    },
    base: { pid: process.pid },
  };
  // Synchronous stdout: pino's default buffered stream loses the last lines
  // ("shutdown complete", a fatal start-up reason) when the process exits
  // right after them. At this service's log volume the cost is negligible.
  return pino(settings, pino.destination({ dest: 1, sync: true }));
}

/** A logger that drops everything, for unit tests and library defaults. */
export const silentLogger: Logger = pino({ level: 'silent' });
