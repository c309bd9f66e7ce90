/**
 * A database of its own for one test file, cloned from the migrated template:
 * real isolation, even for code that opens its own transactions. Dropped in
 * afterAll; global teardown drops any a crashed file left behind.
 */
import { randomBytes } from 'node:crypto';
import { quoteIdent, runAdminSql, withDatabaseName } from '../../src/db/admin-sql.js';

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: integration tests need the global setup (RUN_INTEGRATION_TESTS=1)`);
  return value;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = required('TEST_ADMIN_URL');
  const template = required('TEST_TEMPLATE_DB');
  const name = `aiadmin_test_${required('TEST_RUN_ID')}_${randomBytes(4).toString('hex')}`;
  for (let attempt = 1; ; attempt += 1) {
    try {
      await runAdminSql(adminUrl, `CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(template)}`);
      break;
    } catch (error) {
      // 55006: another worker is cloning the same template this instant.
      if ((error as { code?: string }).code !== '55006' || attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
  return {
    name,
    url: withDatabaseName(adminUrl, name),
    drop: async () => {
      await runAdminSql(adminUrl, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    },
  };
}
