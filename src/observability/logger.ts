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
  'password', 'connectionString', 'databaseUrl', 'DATABASE_URL', 'DIRECT_DATABASE_URL', 'lockConnection', 'dsn', 'SENTRY_DSN', 'key', 'encryptionKey',
];

export interface LoggerOptions {
  level?: string;
  name?: string;
  /** Where lines go; stdout (synchronously) when absent. Tests pass a capturing stream. */
  destination?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const settings = {
    name: options.name ?? 'ai-admin-data',
    level: options.level ?? 'info',
    redact: {
      // Person names only where they live (client.name, ...): a bare `*.name` would also hide err.name.
      paths: [...REDACTED_KEYS, ...REDACTED_KEYS.map((key) => `*.${key}`), 'client.name', 'clients[*].name', 'staff.name', 'contact.name'],
      censor: '[redacted]',
    },
    base: { pid: process.pid },
  };
  // Synchronous stdout: pino's default buffered stream loses the last lines
  // ("shutdown complete", a fatal start-up reason) when the process exits
  // right after them. At this service's log volume the cost is negligible.
  return pino(settings, options.destination ?? pino.destination({ dest: 1, sync: true }));
}

/** A logger that drops everything, for unit tests and library defaults. */
export const silentLogger: Logger = pino({ level: 'silent' });
