/**
 * Renders src/generated/table-specs.ts from Prisma's data model (DMMF): one
 * TableSpec per model, so the repositories' field -> column map has a single
 * source, prisma/schema.prisma. Pure (no I/O), so it is unit-tested directly;
 * scripts/prisma/table-specs-generator.ts is the generator Prisma runs.
 */
import type { DMMF } from '@prisma/generator-helper';
import type { ColumnType } from '../../src/repositories/table-spec.js';

export interface RenderedColumn {
  field: string;
  column: string;
  type: ColumnType;
  enumType?: string;
}

export interface RenderedTable {
  model: string;
  exportName: string;
  table: string;
  columns: RenderedColumn[];
  primaryKey: string[];
  generated: string[];
  updatedAtField?: string;
}

/** A model the repositories cannot address, and why (it gets no spec; nothing else breaks). */
export interface SkippedModel {
  model: string;
  reason: string;
}

/** Defaults that mean "the database fills this in": such fields are never written from input. */
const DATABASE_FILLED_DEFAULTS = new Set(['autoincrement', 'now', 'dbgenerated', 'uuid', 'cuid', 'nanoid', 'ulid', 'sequence']);

function isDatabaseFilled(field: DMMF.Field): boolean {
  if (field.isUpdatedAt) return true;
  const value = field.default;
  return typeof value === 'object' && value !== null && !Array.isArray(value) && DATABASE_FILLED_DEFAULTS.has((value as DMMF.FieldDefault).name);
}

/** The repositories' column type of a scalar field, or why it has none. */
export function columnTypeOf(field: DMMF.Field): ColumnType | { unsupported: string } {
  const native = field.nativeType?.[0];
  if (field.isList) return { unsupported: `${field.name} is a list` };
  switch (field.type) {
    case 'Int':
      return native && native !== 'Integer' ? { unsupported: `${field.name} is @db.${native}` } : 'int';
    case 'BigInt':
      return 'bigint';
    case 'String':
      // char(n) / varchar(n) take a text parameter by assignment cast; uuid, inet, ... do not.
      return !native || ['Text', 'Char', 'VarChar'].includes(native) ? 'text' : { unsupported: `${field.name} is @db.${native}` };
    case 'Boolean':
      return 'bool';
    case 'Decimal':
      return 'numeric';
    case 'DateTime':
      if (native === 'Date') return 'date';
      if (native === 'Timestamptz') return 'timestamptz';
      return { unsupported: `${field.name} is DateTime without @db.Timestamptz or @db.Date` };
    case 'Json':
      return !native || native === 'JsonB' ? 'jsonb' : { unsupported: `${field.name} is @db.${native}` };
    default:
      return { unsupported: `${field.name} is ${field.type}` };
  }
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

export function describeModels(datamodel: DMMF.Datamodel): { tables: RenderedTable[]; skipped: SkippedModel[] } {
  const enumDbName = new Map(datamodel.enums.map((e) => [e.name, e.dbName ?? e.name]));
  const tables: RenderedTable[] = [];
  const skipped: SkippedModel[] = [];
  for (const model of datamodel.models) {
    const columns: RenderedColumn[] = [];
    const problems: string[] = [];
    for (const field of model.fields) {
      if (field.kind === 'object') continue; // relations are not columns
      const column = field.dbName ?? field.name;
      if (field.kind === 'enum') {
        if (field.isList) problems.push(`${field.name} is a list`);
        else columns.push({ field: field.name, column, type: 'enum', enumType: enumDbName.get(field.type) ?? field.type });
        continue;
      }
      if (field.kind === 'unsupported') {
        problems.push(`${field.name} is Unsupported(...)`);
        continue;
      }
      const type = columnTypeOf(field);
      if (typeof type === 'object') problems.push(type.unsupported);
      else columns.push({ field: field.name, column, type });
    }
    if (problems.length > 0) {
      skipped.push({ model: model.name, reason: problems.join('; ') });
      continue;
    }
    const primaryKey = model.primaryKey ? [...model.primaryKey.fields] : model.fields.filter((f) => f.isId).map((f) => f.name);
    const updatedAt = model.fields.find((f) => f.isUpdatedAt);
    tables.push({
      model: model.name,
      exportName: `${lowerFirst(model.name)}Table`,
      table: model.dbName ?? model.name,
      columns,
      primaryKey,
      generated: model.fields.filter((f) => f.kind !== 'object' && isDatabaseFilled(f)).map((f) => f.name),
      ...(updatedAt ? { updatedAtField: updatedAt.name } : {}),
    });
  }
  return { tables, skipped };
}

const quote = (value: string) => JSON.stringify(value);

function renderTable(table: RenderedTable): string {
  const columns = table.columns
    .map((c) => `    ${c.field}: { column: ${quote(c.column)}, type: ${quote(c.type)}${c.enumType ? `, enumType: ${quote(c.enumType)}` : ''} },`)
    .join('\n');
  const list = (fields: string[]) => `[${fields.map(quote).join(', ')}]`;
  return [
    `export const ${table.exportName}: TableSpec<${table.model}> = {`,
    `  table: ${quote(table.table)},`,
    `  model: ${quote(table.model)},`,
    `  columns: {`,
    columns,
    `  },`,
    `  primaryKey: ${list(table.primaryKey)},`,
    `  generated: ${list(table.generated)},`,
    ...(table.updatedAtField ? [`  updatedAtField: ${quote(table.updatedAtField)},`] : []),
    `};`,
  ].join('\n');
}

/**
 * The file's text. `clientImport` and `specImport` are module specifiers
 * relative to the output file (the generated Prisma client and table-spec.ts).
 */
export function renderTableSpecs(datamodel: DMMF.Datamodel, imports: { clientImport: string; specImport: string }): string {
  const { tables, skipped } = describeModels(datamodel);
  const header = [
    '// Generated by scripts/prisma/table-specs-generator.ts at `prisma generate`',
    '// from prisma/schema.prisma. Do not edit: change the schema and regenerate.',
    '//',
    "// A field whose default is filled by the database (autoincrement(), now(), dbgenerated(), uuid(), ...)",
    '// or that is @updatedAt is listed in `generated`: repositories never write it from input.',
    ...skipped.map((s) => `// No spec for ${s.model} (the repositories have no column type for: ${s.reason}).`),
    '',
    tables.length > 0 ? `import type { ${tables.map((t) => t.model).join(', ')} } from ${quote(imports.clientImport)};` : '',
    `import type { TableSpec } from ${quote(imports.specImport)};`,
    '',
  ];
  return `${header.join('\n')}\n${tables.map(renderTable).join('\n\n')}\n`;
}
