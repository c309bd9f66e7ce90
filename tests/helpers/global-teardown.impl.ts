import { rmSync } from 'node:fs';
import { quoteIdent, runAdminSql } from '../../src/db/admin-sql.js';
import { testRun } from './test-run-state.js';

/** Drops whatever this run created (a crashed file may have left its database) and stops the server. */
export default async function globalTeardown(): Promise<void> {
  if (!testRun.adminUrl || !testRun.runId) return;
  try {
    const { rows } = await runAdminSql<{ datname: string }>(
      testRun.adminUrl,
      "SELECT datname FROM pg_database WHERE datname LIKE 'aiadmin\\_%' AND datname LIKE '%' || $1 || '%'",
      [testRun.runId],
    );
    for (const { datname } of rows) {
      await runAdminSql(testRun.adminUrl, `DROP DATABASE IF EXISTS ${quoteIdent(datname)} WITH (FORCE)`);
    }
  } finally {
    await testRun.embedded?.stop();
    if (testRun.embeddedRoot) rmSync(testRun.embeddedRoot, { recursive: true, force: true });
  }
}
