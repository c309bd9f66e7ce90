import type { DMMF } from '@prisma/generator-helper';
import { describeModels, renderTableSpecs } from '../../scripts/prisma/render-table-specs.js';

type FieldShape = Partial<DMMF.Field> & Pick<DMMF.Field, 'name' | 'type'>;

const field = (shape: FieldShape): DMMF.Field =>
  ({ kind: 'scalar', isList: false, isRequired: true, isUnique: false, isId: false, isReadOnly: false, hasDefaultValue: false, ...shape }) as DMMF.Field;

const model = (name: string, dbName: string | null, fields: DMMF.Field[]): DMMF.Model =>
  ({ name, dbName, schema: null, fields, uniqueFields: [], uniqueIndexes: [], primaryKey: null }) as unknown as DMMF.Model;

const datamodel = (models: DMMF.Model[]): DMMF.Datamodel =>
  ({ models, enums: [{ name: 'AppointmentStatus', dbName: 'appointment_status', values: [] }], types: [], indexes: [] }) as unknown as DMMF.Datamodel;

describe('table specs rendered from the Prisma data model', () => {
  const booking = model('Booking', 'bookings', [
    field({ name: 'id', type: 'Int', isId: true, hasDefaultValue: true, default: { name: 'autoincrement', args: [] } }),
    field({ name: 'clientNote', type: 'String', dbName: 'client_note', isRequired: false }),
    field({ name: 'country', type: 'String', nativeType: ['Char', ['2']], hasDefaultValue: true, default: 'RU' }),
    field({ name: 'day', type: 'DateTime', nativeType: ['Date', []] }),
    field({ name: 'status', type: 'AppointmentStatus', kind: 'enum' }),
    field({ name: 'createdAt', type: 'DateTime', dbName: 'created_at', nativeType: ['Timestamptz', ['3']], hasDefaultValue: true, default: { name: 'now', args: [] } }),
    field({ name: 'updatedAt', type: 'DateTime', dbName: 'updated_at', nativeType: ['Timestamptz', ['3']], isUpdatedAt: true }),
    field({ name: 'client', type: 'Client', kind: 'object' }),
  ]);

  test('when a model has mapped, native-typed, enum and relation fields, then its spec has the columns, types, key and database-filled fields', () => {
    const { tables, skipped } = describeModels(datamodel([booking]));
    expect(skipped).toEqual([]);
    expect(tables).toEqual([
      {
        model: 'Booking',
        exportName: 'bookingTable',
        table: 'bookings',
        columns: [
          { field: 'id', column: 'id', type: 'int' },
          { field: 'clientNote', column: 'client_note', type: 'text' },
          { field: 'country', column: 'country', type: 'text' },
          { field: 'day', column: 'day', type: 'date' },
          { field: 'status', column: 'status', type: 'enum', enumType: 'appointment_status' },
          { field: 'createdAt', column: 'created_at', type: 'timestamptz' },
          { field: 'updatedAt', column: 'updated_at', type: 'timestamptz' },
        ],
        primaryKey: ['id'],
        generated: ['id', 'createdAt', 'updatedAt'],
        updatedAtField: 'updatedAt',
      },
    ]);
  });

  test('when a model has a field the repositories cannot type (Float), then it gets no spec and the file says why, and the others still do', () => {
    const measured = model('Measurement', null, [field({ name: 'id', type: 'Int', isId: true }), field({ name: 'value', type: 'Float' })]);
    const text = renderTableSpecs(datamodel([booking, measured]), { clientImport: './prisma/client.js', specImport: '../repositories/table-spec.js' });
    expect(text).toContain('export const bookingTable: TableSpec<Booking> = {');
    expect(text).not.toContain('measurementTable');
    expect(text).toContain('// No spec for Measurement (the repositories have no column type for: value is Float).');
    expect(text).toContain('import type { Booking } from "./prisma/client.js";');
  });
});
