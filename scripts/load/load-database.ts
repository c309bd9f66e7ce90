/**
 * Where the load run writes: never into an existing database. With
 * DATABASE_URL a scratch database is created on that server (needs CREATEDB)
 * and dropped afterwards; without it an embedded PostgreSQL is started in a
 * temp folder and removed afterwards. Both get the real migrations.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { quoteIdent, runAdminSql, withDatabaseName } from '../../src/db/admin-sql.js';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.js';
import { applyMigrations } from '../../src/db/migrations.js';
import { freePort } from '../../src/net/free-port.js';
import type { Logger } from '../../src/observability/logger.js';

export interface LoadDatabase {
  url: string;
  where: string;
  dispose(): Promise<void>;
}

export async function openLoadDatabase(serverUrl: string | undefined, logger: Logger): Promise<LoadDatabase> {
  if (serverUrl) {
    const name = `ai_admin_load_${randomBytes(4).toString('hex')}`;
    await runAdminSql(serverUrl, `CREATE DATABASE ${quoteIdent(name)}`);
    const url = withDatabaseName(serverUrl, name);
    await applyMigrations(url);
    const server = new URL(serverUrl);
    return {
      url,
      where: `scratch database on the DATABASE_URL server (${server.hostname}:${server.port || 5432})`,
      dispose: async () => {
        await runAdminSql(serverUrl, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
      },
    };
  }
  const root = mkdtempSync(path.join(tmpdir(), 'ai-admin-data-load-'));
  chmodSync(root, 0o755); // as root the server runs as the postgres user
  const embedded = await startEmbeddedPostgres({
    dataDir: path.join(root, 'data'),
    port: await freePort(),
    password: randomBytes(8).toString('hex'),
    logger,
    ephemeral: true,
  });
  await applyMigrations(embedded.adminUrl);
  return {
    url: embedded.adminUrl,
    where: `embedded PostgreSQL (temporary, port ${embedded.port})`,
    dispose: async () => {
      await embedded.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
