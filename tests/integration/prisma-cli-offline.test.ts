/**
 * The Prisma CLI as a developer runs it, with any engine download made
 * impossible (PRISMA_ENGINES_MIRROR points at a closed local port, so a
 * download attempt fails even on a machine with network): every command works
 * with or without DATABASE_URL, and says clearly when it needs a database.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { projectRoot } from '../../src/db/migrations.js';
import { freePort } from '../../src/net/free-port.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

const run = promisify(execFile);

interface Outcome {
  code: number;
  output: string;
}

async function prisma(args: string[], env: Record<string, string>): Promise<Outcome> {
  const { DATABASE_URL: _url, DIRECT_DATABASE_URL: _direct, ...inherited } = process.env;
  const mirror = `http://127.0.0.1:${await freePort()}`;
  try {
    const { stdout, stderr } = await run(process.execPath, ['node_modules/prisma/build/index.js', ...args], {
      cwd: projectRoot,
      env: { ...inherited, CHECKPOINT_DISABLE: '1', PRISMA_ENGINES_MIRROR: mirror, ...env },
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const { code, stdout = '', stderr = '' } = error as { code?: number; stdout?: string; stderr?: string };
    return { code: code ?? 1, output: stdout + stderr };
  }
}

describe('Prisma CLI without network', () => {
  test.each([['validate'], ['format', '--check'], ['generate', '--no-hints']])(
    'when `prisma %s` runs without DATABASE_URL, then it succeeds and downloads nothing',
    async (...args) => {
      const outcome = await prisma(args, {});
      expect(outcome.output).not.toMatch(/binaries\.prisma\.sh|query_engine|ENOTFOUND|ECONNREFUSED/);
      expect(outcome.code).toBe(0);
    },
  );

  test.each([['migrate', 'status'], ['migrate', 'deploy'], ['migrate', 'dev', '--name', 'x']])(
    'when `prisma %s` runs without DATABASE_URL, then it exits non-zero naming DATABASE_URL, not a download',
    async (...args) => {
      const outcome = await prisma(args, {});
      expect(outcome.code).not.toBe(0);
      expect(outcome.output).toMatch(new RegExp(`prisma ${args.slice(0, 2).join(' ')} needs a database: set DATABASE_URL`));
      expect(outcome.output).not.toMatch(/binaries\.prisma\.sh|query_engine/);
    },
  );

  describe('with a database', () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await createTestDatabase();
    });
    afterAll(async () => {
      await database.drop();
    });

    test('when `prisma migrate status` runs, then it reports the database up to date with no "will NOT be used" notice', async () => {
      const outcome = await prisma(['migrate', 'status'], { DATABASE_URL: database.url });
      expect(outcome.output).toContain('Database schema is up to date');
      expect(outcome.output).not.toContain('will NOT be used');
      expect(outcome.code).toBe(0);
    });
  });
});
