import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { runAdminSql } from '../../src/db/admin-sql.js';
import { applyMigrations, migrationsPending, projectRoot } from '../../src/db/migrations.js';

const run = promisify(execFile);

describe('committed migrations', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  test('when applied to the template, then every table of the design exists', async () => {
    const { rows } = await runAdminSql<{ table_name: string }>(
      database.url,
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    );
    expect(rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining([
        'companies', 'clients', 'services', 'staff', 'staff_schedules', 'appointments',
        'dialog_contexts', 'whatsapp_auth', 'whatsapp_keys', 'job_runs', '_prisma_migrations',
      ]),
    );
  });

  test('when the schema is compared with the migrations, then there is no drift', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        'node_modules/prisma/build/index.js', 'migrate', 'diff',
        '--from-migrations', 'prisma/migrations', '--to-schema-datamodel', 'prisma/schema.prisma', '--script',
      ],
      { cwd: projectRoot, env: { ...process.env, DATABASE_URL: database.url, CHECKPOINT_DISABLE: '1' } },
    );
    expect(stdout.trim()).toBe('-- This is an empty migration.');
  });

  test('when the database is migrated, then migrate status reports nothing pending', async () => {
    await expect(migrationsPending(database.url)).resolves.toBe(false);
    await expect(applyMigrations(database.url)).resolves.toEqual({ applied: false });
  });

  test('when DIRECT_DATABASE_URL is set, then the prisma migrate commands (db:deploy, db:status) connect there, not to DATABASE_URL', async () => {
    const unreachable = new URL(database.url);
    unreachable.port = '1';
    const { stdout } = await run(process.execPath, ['node_modules/prisma/build/index.js', 'migrate', 'status'], {
      cwd: projectRoot,
      env: { ...process.env, DATABASE_URL: unreachable.href, DIRECT_DATABASE_URL: database.url, CHECKPOINT_DISABLE: '1' },
    });
    expect(stdout).toContain('Database schema is up to date');
  });

  test('when the environment has a DIRECT_DATABASE_URL, then applyMigrations still works on the database it is given', async () => {
    const saved = process.env.DIRECT_DATABASE_URL;
    process.env.DIRECT_DATABASE_URL = 'postgresql://nobody@127.0.0.1:1/nowhere';
    try {
      await expect(migrationsPending(database.url)).resolves.toBe(false);
    } finally {
      if (saved === undefined) delete process.env.DIRECT_DATABASE_URL;
      else process.env.DIRECT_DATABASE_URL = saved;
    }
  });

  test('when whatsapp_keys is inspected, then it has the contract columns and a unique (session, type, key)', async () => {
    const { rows } = await runAdminSql<{ column_name: string }>(
      database.url,
      "SELECT column_name FROM information_schema.columns WHERE table_name = 'whatsapp_keys'",
    );
    expect(rows.map((r) => r.column_name)).toEqual(
      expect.arrayContaining(['session_id', 'type', 'key_id', 'value', 'expires_at', 'updated_at', 'created_at']),
    );
    const unique = await runAdminSql<{ indexdef: string }>(
      database.url,
      "SELECT indexdef FROM pg_indexes WHERE tablename = 'whatsapp_keys' AND indexdef LIKE 'CREATE UNIQUE%'",
    );
    expect(unique.rows.map((r) => r.indexdef).join('\n')).toMatch(/\(session_id, type, key_id\)/);
  });
});

describe('prisma migrate deploy on an empty database', () => {
  test('when the migrations run on a database with no tables, then they apply and nothing is pending afterwards', async () => {
    const adminUrl = process.env.TEST_ADMIN_URL!;
    const name = `aiadmin_empty_${process.env.TEST_RUN_ID}`;
    await runAdminSql(adminUrl, `CREATE DATABASE "${name}"`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    try {
      await expect(migrationsPending(url.toString())).resolves.toBe(true);
      await expect(applyMigrations(url.toString())).resolves.toEqual({ applied: true });
      await expect(migrationsPending(url.toString())).resolves.toBe(false);
    } finally {
      await runAdminSql(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
  }, 180_000);
});
