/**
 * Once per `npm test`: find a PostgreSQL server (TEST_DATABASE_URL, else an
 * embedded one on a free port), create a template database and apply the real
 * migrations to it with `prisma migrate deploy`. Each test file then clones
 * the template (tests/helpers/test-database.ts).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.js';
import { applyMigrations } from '../../src/db/migrations.js';
import { silentLogger } from '../../src/observability/logger.js';
import { freePort } from '../../src/net/free-port.js';
import { quoteIdent, runAdminSql, withDatabaseName } from '../../src/db/admin-sql.js';
import { testRun } from './test-run-state.js';

export default async function globalSetup(): Promise<void> {
  if (process.env.RUN_INTEGRATION_TESTS === '0') return;
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  let adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'ai-admin-data-test-pg-'));
    const embedded = await startEmbeddedPostgres({
      dataDir: path.join(dataDir, 'data'),
      port: await freePort(),
      password: randomBytes(12).toString('hex'),
      logger: silentLogger,
      ephemeral: true,
    });
    testRun.embedded = embedded;
    testRun.embeddedRoot = dataDir;
    adminUrl = embedded.adminUrl;
    process.env.TEST_EMBEDDED_DATA_DIR = embedded.dataDir;
  }
  const templateName = `aiadmin_tpl_${runId}`;
  await runAdminSql(adminUrl, `CREATE DATABASE ${quoteIdent(templateName)}`);
  await applyMigrations(withDatabaseName(adminUrl, templateName));
  // Workers are started after this and inherit these.
  process.env.TEST_ADMIN_URL = adminUrl;
  process.env.TEST_TEMPLATE_DB = templateName;
  process.env.TEST_RUN_ID = runId;
  testRun.adminUrl = adminUrl;
  testRun.templateName = templateName;
  testRun.runId = runId;
}
