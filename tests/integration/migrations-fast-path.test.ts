/**
 * The start-up shortcut of applyMigrations: one query says "up to date" only
 * when every committed migration is recorded, finished and unchanged; in every
 * other case the real Prisma CLI decides.
 */
import { runAdminSql } from '../../src/db/admin-sql.js';
import { allMigrationsRecorded, applyMigrations } from '../../src/db/migrations.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

const databases: TestDatabase[] = [];
async function migrated(): Promise<TestDatabase> {
  const database = await createTestDatabase();
  databases.push(database);
  return database;
}

afterAll(async () => {
  for (const database of databases) await database.drop();
});

/** One Prisma CLI run (migrate status) on a loaded machine: tens of seconds. A bound, not a speed check. */
const CLI_TEST_TIMEOUT_MS = 300_000;

describe('applyMigrations on a database that is up to date', () => {
  test('when every committed migration is recorded as finished with its checksum, then the shortcut says so and nothing is applied', async () => {
    const database = await migrated();
    await expect(allMigrationsRecorded(database.url)).resolves.toBe(true);
    await expect(applyMigrations(database.url)).resolves.toEqual({ applied: false });
  });

  test('when a recorded migration was edited, rolled back, unfinished or is missing, then the shortcut answers no and leaves it to Prisma', async () => {
    const database = await migrated();
    const latest = "(SELECT migration_name FROM _prisma_migrations ORDER BY migration_name DESC LIMIT 1)";
    const changes = [
      `UPDATE _prisma_migrations SET checksum = repeat('0', 64) WHERE migration_name = ${latest}`,
      `UPDATE _prisma_migrations SET rolled_back_at = now() WHERE migration_name = ${latest}`,
      `UPDATE _prisma_migrations SET finished_at = NULL WHERE migration_name = ${latest}`,
      `DELETE FROM _prisma_migrations WHERE migration_name = ${latest}`,
    ];
    for (const change of changes) {
      const saved = (await runAdminSql<{ rows: string }>(database.url, 'SELECT json_agg(m)::text AS rows FROM _prisma_migrations m')).rows[0]!.rows;
      await runAdminSql(database.url, change);
      expect([change, await allMigrationsRecorded(database.url)]).toEqual([change, false]);
      await runAdminSql(database.url, 'DELETE FROM _prisma_migrations');
      await runAdminSql(database.url, 'INSERT INTO _prisma_migrations SELECT * FROM json_populate_recordset(NULL::_prisma_migrations, $1::json)', [saved]);
      await expect(allMigrationsRecorded(database.url)).resolves.toBe(true);
    }
  });

  test('when the database has no migrations table yet, then the shortcut answers no and the real deploy applies everything', async () => {
    const database = await migrated();
    await runAdminSql(database.url, 'DROP SCHEMA public CASCADE; CREATE SCHEMA public');
    await expect(allMigrationsRecorded(database.url)).resolves.toBe(false);
    await expect(applyMigrations(database.url)).resolves.toEqual({ applied: true });
    await expect(allMigrationsRecorded(database.url)).resolves.toBe(true);
  }, CLI_TEST_TIMEOUT_MS);
});
