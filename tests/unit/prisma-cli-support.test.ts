import { Writable } from 'node:stream';
import {
  createsMissingDatabase,
  dropUnusedUrlNotice,
  ensureSchemaUrlResolves,
  isUnusedUrlNotice,
  migrationUrlFromEnvironment,
  PLACEHOLDER_DATABASE_URL,
  prismaCommand,
} from '../../src/db/prisma-cli-support.js';

const NOTICE = `
WARNING: Your schema specifies the following datasource properties but you are using a Driver Adapter via prisma.config.ts:
- url

The values from your schema will NOT be used!
`;

describe('Prisma CLI support', () => {
  test('when DATABASE_URL is unset, then the schema gets a placeholder and migrate commands get no URL', () => {
    const env: NodeJS.ProcessEnv = {};
    expect(migrationUrlFromEnvironment(env)).toBeUndefined();
    ensureSchemaUrlResolves(env);
    expect(env.DATABASE_URL).toBe(PLACEHOLDER_DATABASE_URL);
    expect(migrationUrlFromEnvironment(env)).toBeUndefined();
  });

  test('when only DIRECT_DATABASE_URL is set, then migrate uses it and the schema variable gets it too (a seed inherits a real URL)', () => {
    const env: NodeJS.ProcessEnv = { DIRECT_DATABASE_URL: 'postgresql://u@db:5432/app' };
    expect(migrationUrlFromEnvironment(env)).toBe('postgresql://u@db:5432/app');
    ensureSchemaUrlResolves(env);
    expect(env.DATABASE_URL).toBe('postgresql://u@db:5432/app');
  });

  test('when both are set, then migrate uses DIRECT_DATABASE_URL and DATABASE_URL is left alone', () => {
    const env: NodeJS.ProcessEnv = { DATABASE_URL: 'postgresql://u@pooler:6432/app', DIRECT_DATABASE_URL: 'postgresql://u@db:5432/app' };
    ensureSchemaUrlResolves(env);
    expect(env.DATABASE_URL).toBe('postgresql://u@pooler:6432/app');
    expect(migrationUrlFromEnvironment(env)).toBe('postgresql://u@db:5432/app');
  });

  test('when the CLI runs `migrate dev --name x`, then the command is "prisma migrate dev" and it creates a missing database', () => {
    expect(prismaCommand(['node', 'prisma', 'migrate', 'dev', '--name', 'x'])).toBe('prisma migrate dev');
    expect(createsMissingDatabase('prisma migrate dev')).toBe(true);
    expect(createsMissingDatabase('prisma migrate status')).toBe(false);
  });

  test("when Prisma writes its unused-url notice, then only that write is dropped from stdout", () => {
    const written: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        written.push(chunk.toString());
        callback();
      },
    }) as unknown as NodeJS.WriteStream;
    dropUnusedUrlNotice(stream);
    expect(isUnusedUrlNotice(NOTICE)).toBe(true);
    stream.write(NOTICE);
    stream.write('Database schema is up to date!\n');
    expect(written).toEqual(['Database schema is up to date!\n']);
  });
});
