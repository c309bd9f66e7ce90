// The Prisma CLI's configuration. The JS schema engine (engine: 'js') is what
// lets migrate run here without downloading a binary; see TOOLCHAIN.md and
// src/db/migration-adapter.ts for the adapter workarounds.
import { defineConfig } from 'prisma/config';
import { createMigrationAdapter } from './src/db/migration-adapter.ts';
import { assertOwnSessions } from './src/db/session-probe.ts';
import { loadEnvFile } from './src/config.ts';

// With a config file the Prisma CLI no longer reads .env itself: load it the way every entry point does (the environment wins).
loadEnvFile();

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations', seed: 'tsx scripts/seed.ts' },
  adapter: async () => {
    // Migrate takes a session-level advisory lock: past a transaction-mode PgBouncer when DIRECT_DATABASE_URL says how.
    const url = process.env.DIRECT_DATABASE_URL || process.env.DATABASE_URL;
    if (!url) throw new Error('DATABASE_URL (or DIRECT_DATABASE_URL) must be set for prisma migrate commands');
    // Through a transaction-mode pooler the migrate lock would exclude no one: refuse, naming the fix.
    // (A server that cannot be reached is left to Prisma, whose own message says so.)
    await assertOwnSessions({ connectionString: url }, "prisma migrate's lock (a session-level advisory lock)", process.env.DIRECT_DATABASE_URL ? 'DIRECT_DATABASE_URL' : 'DATABASE_URL').catch(
      (error: Error) => {
        if (error.name === 'SharedSessionsError') throw error;
      },
    );
    return createMigrationAdapter(url);
  },
});
