/**
 * Where the load run writes: never into an existing database. With
 * DATABASE_URL a scratch database is created on that server (needs CREATEDB)
 * and dropped afterwards; without it an embedded PostgreSQL is started in a
 * temp folder and removed afterwards. Both get the real migrations.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.js';
import { applyMigrations } from '../../src/db/migrations.js';
import type { Logger } from '../../src/observability/logger.js';

export interface LoadDatabase {
  url: string;
  where: string;
  dispose(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function admin(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function openLoadDatabase(serverUrl: string | undefined, logger: Logger): Promise<LoadDatabase> {
  if (serverUrl) {
    const name = `ai_admin_load_${randomBytes(4).toString('hex')}`;
    await admin(serverUrl, `CREATE DATABASE "${name}"`);
    const parsed = new URL(serverUrl);
    parsed.pathname = `/${name}`;
    const url = parsed.toString();
    await applyMigrations(url);
    return {
      url,
      where: `scratch database on the DATABASE_URL server (${parsed.hostname}:${parsed.port || 5432})`,
      dispose: () => admin(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
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
