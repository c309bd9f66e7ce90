/**
 * Table specs of the repositories (field -> column and type, keys), one per
 * Prisma model. They are generated from prisma/schema.prisma at `prisma
 * generate` (scripts/prisma/table-specs-generator.ts), so a new column needs a
 * schema edit and a migration, nothing here.
 */
export * from '../generated/table-specs.js';
