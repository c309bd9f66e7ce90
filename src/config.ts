/**
 * The one place that reads the environment. Every key is validated once, at
 * start, by one zod schema; `.env.example` documents the same keys.
 * Code below the entry points receives the parsed `Config` (or a part of it).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseEnvFile } from 'dotenv';
import { z } from 'zod';

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
    .optional()
    .transform((v) => (v === undefined || v === '' ? fallback : ['true', '1', 'yes'].includes(v)));

const int = (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const emptyAsUndefined = (v: unknown) => (v === '' ? undefined : v);

const postgresUrl = z
  .string()
  .refine((v) => /^postgres(ql)?:\/\//.test(v), 'must start with postgresql:// (the value is not shown)');

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: int(3000, 0, 65535),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // pretty: human-readable lines through pino-pretty (a devDependency; `npm run dev` sets it). json everywhere else.
  LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),
  // Read from the real environment only (see loadEnvFile); listed here so a bad value is named like any other.
  ENV_FILE: z.preprocess(emptyAsUndefined, z.string().optional()),

  DATABASE_URL: z.preprocess(emptyAsUndefined, postgresUrl.optional()),
  // Session-level advisory locks and migrations need a real server session: behind a transaction-mode PgBouncer, point this past it.
  DIRECT_DATABASE_URL: z.preprocess(emptyAsUndefined, postgresUrl.optional()),
  EMBEDDED_PG_DATA_DIR: z.preprocess(emptyAsUndefined, z.string().optional()),
  EMBEDDED_PG_PORT: int(54329, 1, 65535),
  EMBEDDED_PG_PASSWORD: z.string().min(1).default('postgres'),

  POSTGRES_MAX_CONNECTIONS: int(3, 1, 100),
  POSTGRES_MIN_CONNECTIONS: int(1, 0, 100),
  POSTGRES_ACQUIRE_TIMEOUT_MS: int(10_000, 100),
  POSTGRES_STATEMENT_TIMEOUT_MS: int(60_000, 0),
  POSTGRES_IDLE_TIMEOUT_MS: int(30_000, 0),
  POSTGRES_MAX_LIFETIME_S: int(3_600, 0),
  POSTGRES_IDLE_IN_TRANSACTION_TIMEOUT_MS: int(60_000, 0),
  POSTGRES_POOL_WARN_USAGE_PERCENT: int(80, 1, 100),
  SLOW_QUERY_MS: int(1_000, 0),
  TRANSACTION_TIMEOUT_MS: int(15_000, 100),
  TRANSACTION_MAX_RETRIES: int(3, 0, 10),

  SENTRY_DSN: z.preprocess(emptyAsUndefined, z.url().optional()),
  SENTRY_ENVIRONMENT: z.string().optional(),
  SENTRY_TRACES_SAMPLE_RATE: z.coerce.number().min(0).max(1).default(0),
  SENTRY_FLUSH_TIMEOUT_MS: int(2_000, 0),
  // Empty: the git commit of the checkout when there is one, else the package version.
  SENTRY_RELEASE: z.preprocess(emptyAsUndefined, z.string().max(200).optional()),

  SHUTDOWN_TIMEOUT_MS: int(10_000, 0),
  // Empty: PRODUCTION_READINESS_DELAY_MS in production, 0 elsewhere (see loadConfig).
  SHUTDOWN_READINESS_DELAY_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(120_000).optional()),
  METRICS_DB_TIMEOUT_MS: int(1_000, 50, 60_000),
  HTTP_BODY_LIMIT: z.string().default('256kb'),

  DIALOG_CONTEXT_MAX_BYTES: int(64 * 1024, 1),
  DIALOG_CONTEXT_TTL_HOURS: int(24, 1),

  WHATSAPP_ENABLED: bool(false),
  WHATSAPP_SESSION_ID: z.string().min(1).default('default'),
  WHATSAPP_KEYS_ENCRYPTION_KEY: z.preprocess(emptyAsUndefined, z.string().optional()),
  WHATSAPP_PRE_KEY_TTL_DAYS: int(30, 1),
  WHATSAPP_SENDER_KEY_MEMORY_TTL_DAYS: int(30, 1),
  WHATSAPP_TCTOKEN_TTL_DAYS: int(28, 1),
  BAILEYS_AUTH_DIR: z.preprocess(emptyAsUndefined, z.string().optional()),
  WHATSAPP_EXPIRED_KEYS_WARNING: int(100, 0),
  WHATSAPP_EXPIRED_KEYS_CRITICAL: int(500, 0),
  WHATSAPP_FILES_WARNING: int(200, 0),
  WHATSAPP_FILES_CRITICAL: int(300, 0),

  CLEANUP_INTERVAL_HOURS: z.coerce.number().positive().default(6),
  CLEANUP_BATCH_SIZE: int(1_000, 1, 100_000),
});

/**
 * How long readiness answers 503 before the listener closes, in production:
 * above the usual load-balancer probe intervals (5-10 s), so a probe sees it
 * and traffic moves away before connections are refused.
 */
export const PRODUCTION_READINESS_DELAY_MS = 15_000;

export type Config = Omit<z.infer<typeof configSchema>, 'SHUTDOWN_READINESS_DELAY_MS'> & {
  SHUTDOWN_READINESS_DELAY_MS: number;
};

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** The project folder: this file sits one level down, in src/ (tsx) or dist/ (built). */
const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface EnvFileOutcome {
  /** The file read, or undefined when none was. */
  file: string | undefined;
  /** Keys taken from the file (names only; values are never logged). */
  applied: string[];
  /** Keys in the file that the environment already had, so the environment's value stayed. */
  keptFromEnvironment: string[];
}

/**
 * Loads an env file into `env` BELOW the real environment: a key the
 * environment already has, even as an empty string, keeps its value. Which
 * file is decided by the real environment alone:
 *  - ENV_FILE=<path>: that file (relative to the project folder); ENV_FILE=none: no file;
 *  - else, with NODE_ENV=test: no file (tests use .env.test, so a developer's .env never changes a test);
 *  - else <project>/.env when it exists.
 * Called once per process by src/instrument.ts, the first import of every
 * entry point (API, worker, scripts), and by prisma.config.ts for the Prisma CLI.
 * Parsing is dotenv's (quotes, multi-line values, comments, `export` prefixes).
 */
export function loadEnvFile(env: NodeJS.ProcessEnv = process.env): EnvFileOutcome {
  const named = env.ENV_FILE?.trim();
  const none: EnvFileOutcome = { file: undefined, applied: [], keptFromEnvironment: [] };
  if (named === 'none' || (!named && env.NODE_ENV === 'test')) return none;
  const file = path.resolve(projectRoot, named || '.env');
  // A missing ENV_FILE is reported by loadConfig, where a bad setting becomes one line naming the key.
  if (!existsSync(file)) return none;
  const outcome: EnvFileOutcome = { file, applied: [], keptFromEnvironment: [] };
  for (const [key, value] of Object.entries(parseEnvFile(readFileSync(file)))) {
    if (Object.prototype.hasOwnProperty.call(env, key)) outcome.keptFromEnvironment.push(key);
    else {
      env[key] = value;
      outcome.applied.push(key);
    }
  }
  return outcome;
}

/** Parses the environment; a bad value is one line naming the key, never its value. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const envFile = env.ENV_FILE?.trim();
  if (envFile && envFile !== 'none' && !existsSync(path.resolve(projectRoot, envFile))) {
    throw new ConfigError(`invalid configuration: ENV_FILE: no such file (${path.resolve(projectRoot, envFile)}); unset it, or ENV_FILE=none for no file`);
  }
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  const config: Config = {
    ...parsed.data,
    SHUTDOWN_READINESS_DELAY_MS:
      parsed.data.SHUTDOWN_READINESS_DELAY_MS ?? (parsed.data.NODE_ENV === 'production' ? PRODUCTION_READINESS_DELAY_MS : 0),
  };
  if (config.POSTGRES_MIN_CONNECTIONS > config.POSTGRES_MAX_CONNECTIONS) {
    throw new ConfigError('invalid configuration: POSTGRES_MIN_CONNECTIONS is larger than POSTGRES_MAX_CONNECTIONS');
  }
  return config;
}
