// The Prisma CLI's configuration. The JS schema engine (engine: 'js') over
// @prisma/adapter-pg is what lets every command run without downloading an
// engine binary; docs/toolchain.md lists each workaround and what removes it.
import { defineConfig } from 'prisma/config';
import { createMigrationAdapter } from './src/db/migration-adapter.ts';
import {
  createDatabaseIfMissing,
  createsMissingDatabase,
  dropUnusedUrlNotice,
  ensureSchemaUrlResolves,
  MissingDatabaseUrlError,
  migrationUrlFromEnvironment,
  pendingMigrations,
  prismaCommand,
} from './src/db/prisma-cli-support.ts';
import { applyMigrations } from './src/db/migrations.ts';
import { assertOwnSessions } from './src/db/session-probe.ts';
import { loadEnvFile } from './src/config.ts';

// With a config file the Prisma CLI no longer reads .env itself: load it the way every entry point does (the environment wins).
loadEnvFile();

// Read before the placeholder below is set: the adapter must never connect to that. Migrate takes a
// session-level advisory lock, so it goes past a transaction-mode PgBouncer when DIRECT_DATABASE_URL says how.
const migrationUrl = migrationUrlFromEnvironment(process.env);
const urlVariable = process.env.DIRECT_DATABASE_URL ? 'DIRECT_DATABASE_URL' : 'DATABASE_URL';
ensureSchemaUrlResolves(process.env);
dropUnusedUrlNotice(process.stdout);

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations', seed: 'tsx scripts/seed.ts' },
  adapter: async () => {
    const command = prismaCommand(process.argv);
    if (!migrationUrl) throw new MissingDatabaseUrlError(command);
    if (createsMissingDatabase(command)) {
      const created = await createDatabaseIfMissing(migrationUrl).catch(() => undefined);
      if (created) process.stdout.write(`PostgreSQL database ${created} created.\n`);
    }
    // Through a transaction-mode pooler the migrate lock would exclude no one: refuse, naming the fix.
    // (A server that cannot be reached is left to Prisma, whose own message says so.)
    await assertOwnSessions({ connectionString: migrationUrl }, "prisma migrate's lock (a session-level advisory lock)", urlVariable).catch(
      (error: Error) => {
        if (error.name === 'SharedSessionsError') throw error;
      },
    );
    // Prisma 6.19's JS schema engine serves at most two shadow databases per run, and a
    // `migrate dev` that must first apply committed migrations asks for three (the third
    // fails with "shadow DB must be provided through an external factory"). Applying them
    // first with `migrate deploy` leaves dev the two it needs: diagnosis and data-loss check.
    if (command === 'prisma migrate dev') {
      const pending = await pendingMigrations(migrationUrl, 'prisma/migrations').catch(() => []);
      if (pending.length > 0) {
        process.stdout.write(`Applying ${pending.length} committed migration(s) with prisma migrate deploy first.\n`);
        await applyMigrations(migrationUrl);
      }
    }
    return createMigrationAdapter(migrationUrl);
  },
});
