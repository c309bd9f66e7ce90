/**
 * prisma/schema.prisma is the one description of the tables: the
 * repositories' table specs are generated from it at `prisma generate`. So a
 * new nullable column is a schema edit plus `npm run db:migrate`, and nothing
 * else: proven in a scratch copy of the project, with its own fresh database.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { quoteIdent, runAdminSql, withDatabaseName } from '../../src/db/admin-sql.js';
import { createScratchProject, type ScratchProject } from '../helpers/scratch-project.js';

// The read goes through the copy's own ClientRepository, as the service would.
const READ_SCRIPT = `
import { loadConfig } from './src/config.js';
import { createPool, poolSettingsFromConfig } from './src/db/pool.js';
import { createDbClient } from './src/db/prisma-client.js';
import { silentLogger } from './src/observability/logger.js';
import { noopReporter } from './src/observability/error-reporter.js';
import { ClientRepository } from './src/repositories/client-repository.js';

const url = process.env.DATABASE_URL!;
const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: url });
const deps = { logger: silentLogger, reporter: noopReporter };
const pool = createPool(poolSettingsFromConfig(config, url, 'scratch-read'), deps);
const db = createDbClient(pool, { ...deps, slowQueryMs: config.SLOW_QUERY_MS });
await pool.query("INSERT INTO companies (id, title) VALUES (1, 'Scratch salon')");
await pool.query("INSERT INTO clients (company_id, phone, note) VALUES (1, '79990000001', 'prefers mornings')");
const client = await new ClientRepository(db, deps).findByPhone(1, '79990000001');
console.log(JSON.stringify({ note: client?.note ?? null }));
await db.$disconnect();
await pool.end();
`;

describe('one source of truth for the schema', () => {
  let project: ScratchProject;
  const databaseName = `aiadmin_scratch_${process.env.TEST_RUN_ID}`;
  const adminUrl = process.env.TEST_ADMIN_URL!;
  const databaseUrl = withDatabaseName(adminUrl, databaseName);

  beforeAll(() => {
    project = createScratchProject();
  });
  afterAll(async () => {
    project?.remove();
    await runAdminSql(adminUrl, `DROP DATABASE IF EXISTS ${quoteIdent(databaseName)} WITH (FORCE)`);
  });

  test('when a nullable column is added to Client and migrated, then the project typechecks and a repository read returns it', async () => {
    project.edit('prisma/schema.prisma', '  email       String?\n', '  email       String?\n  note        String?\n');

    // The database does not exist yet: the first `migrate dev` creates it, applies the committed migrations and adds this one.
    const migrate = await project.npm('db:migrate', ['--name', 'client_note'], { DATABASE_URL: databaseUrl });
    expect(migrate.stdout).toContain(`PostgreSQL database ${databaseName} created`);
    const created = readdirSync(path.join(project.root, 'prisma', 'migrations')).filter((name) => name.endsWith('_client_note'));
    expect(created).toHaveLength(1);
    expect(readFileSync(path.join(project.root, 'prisma', 'migrations', created[0]!, 'migration.sql'), 'utf8')).toMatch(
      /ALTER TABLE "clients" ADD COLUMN\s+"note" TEXT/,
    );
    expect(readFileSync(path.join(project.root, 'src', 'generated', 'table-specs.ts'), 'utf8')).toContain('note: { column: "note", type: "text" }');

    await expect(project.npm('typecheck', [], {})).resolves.toBeDefined();

    project.write('read-note.ts', READ_SCRIPT);
    const { stdout } = await project.node(['--import', 'tsx', 'read-note.ts'], { DATABASE_URL: databaseUrl });
    expect(JSON.parse(stdout.trim().split('\n').pop()!)).toEqual({ note: 'prefers mornings' });
  }, 900_000);
});
