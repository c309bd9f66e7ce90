/**
 * Type parsers that make raw `pg` rows look like Prisma's raw-query rows, so a
 * statement gives the same values whichever path ran it (direct-sql.ts):
 * numeric as Prisma.Decimal, int8 as bigint, DATE and TIMESTAMP as UTC Dates.
 * Everything else keeps pg's parser (int4 number, bool, json parsed, text, arrays).
 */
import pg from 'pg';
import { Prisma } from '../generated/prisma/client.js';

const OID = { int8: 20, numeric: 1700, date: 1082, timestamp: 1114 } as const;

function parseTimestampUtc(text: string): Date {
  return new Date(`${text.replace(' ', 'T')}Z`);
}

const parsers: Record<number, (text: string) => unknown> = {
  [OID.int8]: (text) => BigInt(text),
  [OID.numeric]: (text) => new Prisma.Decimal(text),
  [OID.date]: (text) => new Date(`${text}T00:00:00.000Z`),
  [OID.timestamp]: parseTimestampUtc,
};

export const prismaCompatibleTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) =>
    parsers[oid] ?? pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

/** Parameters as Prisma would send them: decimals and bigints as exact text. */
export function prepareParam(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (Prisma.Decimal.isDecimal(value)) return (value as Prisma.Decimal).toFixed();
  return value;
}
