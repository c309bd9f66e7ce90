import { ColumnTypeEnum } from '@prisma/driver-adapter-utils';
import { connectionFromUrl, relabelCatalogColumns, restoreCharColumns } from '../../src/db/migration-adapter.js';

describe('migration adapter workarounds', () => {
  test('when a catalog result has "char" and name columns, then both are relabelled as text and "char" is marked', () => {
    const result = relabelCatalogColumns({
      fields: [
        { name: 'contype', dataTypeID: 18 },
        { name: 'conname', dataTypeID: 19 },
        { name: 'oid', dataTypeID: 26 },
      ],
    });
    expect(result.fields.map((f) => f.dataTypeID)).toEqual([25, 25, 26]);
    expect(result.fields[0]!.name).not.toBe('contype');
    expect(result.fields[1]!.name).toBe('conname');
  });

  test('when a marked "char" column comes back through the adapter, then it is reported as Character with its own name', () => {
    const [marked] = relabelCatalogColumns({ fields: [{ name: 'contype', dataTypeID: 18 }] }).fields;
    const restored = restoreCharColumns({
      columnNames: [marked!.name, 'conname'],
      columnTypes: [ColumnTypeEnum.Text, ColumnTypeEnum.Text],
      rows: [['c', 'x']],
    });
    expect(restored.columnNames).toEqual(['contype', 'conname']);
    expect(restored.columnTypes).toEqual([ColumnTypeEnum.Character, ColumnTypeEnum.Text]);
  });

  test('when DATABASE_URL has schema and sslmode parameters, then schema goes to Prisma and sslmode to pg', () => {
    const { client, schema } = connectionFromUrl('postgresql://u:p%40ss@db.example.com:6543/app?schema=tenant&sslmode=no-verify');
    expect(schema).toBe('tenant');
    expect(client).toMatchObject({ host: 'db.example.com', port: 6543, user: 'u', password: 'p@ss', database: 'app' });
    expect(client.ssl).toBeTruthy();
  });

  test('when DATABASE_URL has no parameters, then no schema is set', () => {
    const { client, schema } = connectionFromUrl('postgresql://u@127.0.0.1/app');
    expect(schema).toBeUndefined();
    expect(client.database).toBe('app');
  });
});
