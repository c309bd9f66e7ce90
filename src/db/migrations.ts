/**
 * Applies the committed migrations with the real `prisma migrate deploy`, the
 * same command production runs, in a child process. `migrate status` first:
 * it is fast, and deploy spends about 10 s in a timer of the JS schema engine
 * even when there is nothing to apply.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { runAdminSql } from './admin-sql.js';

const run = promisify(execFile);
const require = createRequire(import.meta.url);

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function prismaCli(): string {
  return require.resolve('prisma/build/index.js', { paths: [projectRoot] });
}

async function prisma(args: string[], databaseUrl: string) {
  return run(process.execPath, [prismaCli(), ...args], {
    cwd: projectRoot,
    // The URL given wins over a DIRECT_DATABASE_URL in the environment (prisma.config.ts prefers that one).
    env: { ...process.env, DATABASE_URL: databaseUrl, DIRECT_DATABASE_URL: databaseUrl, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' },
    maxBuffer: 16 * 1024 * 1024,
  });
}

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

/** Never includes the URL: the CLI's output is searched for the one line that explains. */
function explain(error: unknown): string {
  const output = `${(error as { stdout?: string }).stdout ?? ''}\n${(error as { stderr?: string }).stderr ?? ''}`;
  const line = output
    .split('\n')
    .map((l) => l.trim())
    .find((l) => /^(Error|P\d{4}|Migration|.*failed)/i.test(l) && !l.includes('://'));
  return line ?? 'prisma migrate failed (run `npm run db:deploy` to see the details)';
}

export async function migrationsPending(databaseUrl: string): Promise<boolean> {
  try {
    await prisma(['migrate', 'status'], databaseUrl);
    return false;
  } catch (error) {
    const stdout = (error as { stdout?: string }).stdout ?? '';
    if (/have not yet been applied|not yet been applied|No migration found in prisma\/migrations/i.test(stdout) || /Following migration/i.test(stdout)) return true;
    throw new MigrationError(explain(error));
  }
}

/**
 * The usual start on a database that is up to date, in one query instead of a
 * Prisma CLI run (seconds, most of a restart): true only when every committed
 * migration is recorded in _prisma_migrations as finished, not rolled back,
 * with the checksum Prisma records (sha256 of migration.sql). Anything else (a
 * new, failed or edited migration, no table yet, a query error) answers false,
 * and the real `migrate status` / `migrate deploy` decide, as before.
 */
export async function allMigrationsRecorded(databaseUrl: string): Promise<boolean> {
  const folder = path.join(projectRoot, 'prisma', 'migrations');
  try {
    const names = (await readdir(folder, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
    const local = await Promise.all(
      names.map(async (name) => ({ name, checksum: createHash('sha256').update(await readFile(path.join(folder, name, 'migration.sql'))).digest('hex') })),
    );
    const { rows } = await runAdminSql<{ migration_name: string; checksum: string }>(
      databaseUrl,
      'SELECT migration_name, checksum FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    const recorded = new Map(rows.map((row) => [row.migration_name, row.checksum]));
    return local.length > 0 && local.every((migration) => recorded.get(migration.name) === migration.checksum);
  } catch {
    return false;
  }
}

export async function applyMigrations(databaseUrl: string): Promise<{ applied: boolean }> {
  if (await allMigrationsRecorded(databaseUrl)) return { applied: false };
  if (!(await migrationsPending(databaseUrl))) return { applied: false };
  try {
    await prisma(['migrate', 'deploy'], databaseUrl);
    return { applied: true };
  } catch (error) {
    throw new MigrationError(explain(error));
  }
}
