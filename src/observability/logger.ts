/**
 * Structured logging with pino (already Baileys' logger, fast, JSON by default).
 * Redaction is a second line of defence: callers log ids and counts, never
 * message text, phones or secrets, but if one slips in under a known key it is
 * censored here.
 */
import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger } from 'pino';

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
  /** `pretty`: human-readable lines for a terminal (LOG_FORMAT=pretty, `npm run dev`); JSON otherwise. */
  format?: 'json' | 'pretty';
}

const require = createRequire(import.meta.url);

/**
 * pino-pretty as a synchronous stream in this thread (not a worker-thread
 * transport), so the last lines before an exit are not lost either. It is a
 * devDependency: where it is not installed (a production install), JSON it is.
 */
function prettyStream(): DestinationStream | undefined {
  try {
    const pretty = require('pino-pretty') as (options: Record<string, unknown>) => DestinationStream;
    return pretty({ sync: true, destination: 1, colorize: Boolean(process.stdout.isTTY), translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
  } catch {
    return undefined;
  }
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
  const pretty = options.format === 'pretty' && !options.destination ? prettyStream() : undefined;
  return pino(settings, options.destination ?? pretty ?? pino.destination({ dest: 1, sync: true }));
}

/** A logger that drops everything, for unit tests and library defaults. */
export const silentLogger: Logger = pino({ level: 'silent' });
