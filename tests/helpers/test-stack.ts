/**
 * The application's own database wiring (pool + Prisma client with the error
 * extension) over a fresh test database.
 */
import type pg from 'pg';
import { loadConfig, type Config } from '../../src/config.js';
import { createPool, poolSettingsFromConfig } from '../../src/db/pool.js';
import { createDbClient, type Db, type OperationEvent } from '../../src/db/prisma-client.js';
import { silentLogger, type Logger } from '../../src/observability/logger.js';
import { noopReporter, type ErrorReporter } from '../../src/observability/error-reporter.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export interface TestStack {
  database: TestDatabase;
  config: Config;
  pool: pg.Pool;
  db: Db;
  close(): Promise<void>;
}

export interface TestStackOptions {
  env?: Record<string, string>;
  logger?: Logger;
  reporter?: ErrorReporter;
  onOperation?: (event: OperationEvent) => void;
}

export async function createTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const database = await createTestDatabase();
  const config = loadConfig({ NODE_ENV: 'test', ...options.env });
  const logger = options.logger ?? silentLogger;
  const reporter = options.reporter ?? noopReporter;
  const pool = createPool(poolSettingsFromConfig(config, database.url, 'ai-admin-data-test'), { logger, reporter });
  const db = createDbClient(pool, { logger, reporter, slowQueryMs: config.SLOW_QUERY_MS, ...(options.onOperation ? { onOperation: options.onOperation } : {}) });
  return {
    database,
    config,
    pool,
    db,
    close: async () => {
      await db.$disconnect();
      await pool.end();
      await database.drop();
    },
  };
}
