import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { staleReason, writeBuildStamp } from '../../scripts/build/dist-build.js';

let root: string;
const write = (file: string, text: string) => {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), text);
};

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'dist-build-'));
  write('src/index.ts', 'export {};\n');
  write('src/generated/prisma/client.ts', 'export const generated = 1;\n');
  write('prisma/schema.prisma', 'model A { id Int @id }\n');
  write('prisma/migrations/1_init/migration.sql', 'CREATE TABLE a (id int);\n');
  write('package-lock.json', '{}\n');
  for (const file of ['dist/index.js', 'dist/worker.js', 'dist/instrument.js']) write(file, '');
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('build stamp', () => {
  test('when dist has no stamp, then it is stale; after a stamp with nothing changed, it is current', () => {
    expect(staleReason(root)).toBe('dist/ has no build stamp');
    writeBuildStamp(root);
    expect(staleReason(root)).toBeUndefined();
  });

  test('when a source, the schema, the lockfile or the generated client changes after the build, then it is stale', () => {
    for (const [file, text] of [
      ['src/index.ts', 'export const changed = 1;\n'],
      ['src/new-file.ts', 'export {};\n'],
      ['prisma/schema.prisma', 'model A { id Int @id\n note String? }\n'],
      ['package-lock.json', '{"changed":true}\n'],
      ['src/generated/prisma/client.ts', 'export const generated = 2;\n'],
    ] as const) {
      writeBuildStamp(root);
      write(file, text);
      expect([file, staleReason(root)]).toEqual([file, 'sources, schema or dependencies changed since the last build']);
    }
  });

  test('when only a migration is added, then dist is still current (processes read prisma/migrations at run time)', () => {
    writeBuildStamp(root);
    write('prisma/migrations/2_note/migration.sql', 'ALTER TABLE a ADD note text;\n');
    expect(staleReason(root)).toBeUndefined();
  });

  test('when an output is missing, then it is stale whatever the stamp says', () => {
    writeBuildStamp(root);
    rmSync(path.join(root, 'dist/worker.js'));
    expect(staleReason(root)).toBe('dist/worker.js is missing');
  });
});
