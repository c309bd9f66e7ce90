/**
 * The driver adapter the Prisma CLI uses for `migrate deploy | dev | status | diff`
 * (loaded from prisma.config.ts). The application never uses this module: its
 * runtime client is plain @prisma/adapter-pg over the process pool.
 *
 * Prisma 6.19's JS schema engine has upstream bugs with adapter-pg (Prisma issue
 * 27403 and others); each workaround below is explained where it is applied and
 * verified by tests/integration/migrations.test.ts.
 */
import pg from 'pg';
import { parseIntoClientConfig } from 'pg-connection-string';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  ColumnTypeEnum,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
  type SqlResultSet,
} from '@prisma/driver-adapter-utils';
import { quoteIdent, runAdminSql } from './admin-sql.js';

const PG_CHAR_OID = 18; // the one-byte "char" type of pg_catalog
const PG_NAME_OID = 19;
const PG_TEXT_OID = 25;
// Marks a "char" column that was relabelled as text, so the adapter can be told
// afterwards to report it as Character (the engine panics on a text "char").
const CHAR_MARK = '\u0001char';

interface FieldLike {
  name: string;
  dataTypeID: number;
}

/** Relabels catalog columns adapter-pg cannot deserialize ("char" and name). */
export function relabelCatalogColumns<T>(result: T): T {
  const fields = (result as { fields?: FieldLike[] } | undefined)?.fields;
  for (const field of fields ?? []) {
    if (field.dataTypeID === PG_CHAR_OID) {
      field.dataTypeID = PG_TEXT_OID;
      field.name += CHAR_MARK;
    } else if (field.dataTypeID === PG_NAME_OID) {
      field.dataTypeID = PG_TEXT_OID;
    }
  }
  return result;
}

/** Restores relabelled "char" columns as the adapter's Character column type. */
export function restoreCharColumns(result: SqlResultSet): SqlResultSet {
  const columnTypes = [...result.columnTypes];
  const columnNames = result.columnNames.map((name, index) => {
    if (!name.endsWith(CHAR_MARK)) return name;
    columnTypes[index] = ColumnTypeEnum.Character;
    return name.slice(0, -CHAR_MARK.length);
  });
  return { ...result, columnNames, columnTypes };
}

type QueryCallback = (err: Error | null, result?: unknown) => void;

/**
 * pg.Client that relabels catalog columns on every result. Both forms are
 * covered: pg.Pool.query uses the callback form, adapter-pg the promise form.
 */
class CatalogTextClient extends pg.Client {
  // pg's overloads cannot be restated one by one; the wrapper only touches results.
  override query(...args: unknown[]): never {
    const last = args[args.length - 1];
    const callQuery = super.query as unknown as (...a: unknown[]) => unknown;
    if (typeof last === 'function') {
      const callback = last as QueryCallback;
      args[args.length - 1] = (err: Error | null, result?: unknown) =>
        callback(err, err ? result : relabelCatalogColumns(result));
      return callQuery.apply(this, args) as never;
    }
    const pending = callQuery.apply(this, args);
    if (pending && typeof (pending as Promise<unknown>).then === 'function') {
      return (pending as Promise<unknown>).then(relabelCatalogColumns) as never;
    }
    return pending as never;
  }
}

function patchAdapter(adapter: SqlDriverAdapter & { underlyingDriver(): pg.Pool }): SqlDriverAdapter {
  const queryRaw = adapter.queryRaw.bind(adapter);
  adapter.queryRaw = async (query: SqlQuery) => restoreCharColumns(await queryRaw(query));
  // adapter-pg splits scripts on every ";", which breaks dollar-quoted function
  // bodies and literals. One simple-protocol query runs the whole migration as
  // one implicit transaction, as `psql -1` would.
  adapter.executeScript = async (script: string) => {
    await adapter.underlyingDriver().query(script);
  };
  return adapter;
}

/** Parses DATABASE_URL into discrete fields (so the database name can be swapped) plus the schema. */
export function connectionFromUrl(url: string): { client: pg.ClientConfig; schema?: string } {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema') ?? undefined;
  parsed.searchParams.delete('schema'); // Prisma's parameter, unknown to PostgreSQL
  const client = parseIntoClientConfig(parsed.toString());
  return { client, ...(schema ? { schema } : {}) };
}

function migrationPool(client: pg.ClientConfig): pg.Pool {
  const pool = new pg.Pool({ ...client, Client: CatalogTextClient, max: 2, idleTimeoutMillis: 200, allowExitOnIdle: true });
  // A backend terminated by DROP DATABASE ... WITH (FORCE) must not crash the CLI.
  pool.on('error', () => undefined);
  return pool;
}

export function createMigrationAdapter(url: string): SqlMigrationAwareDriverAdapterFactory {
  const { client, schema } = connectionFromUrl(url);
  const options = schema ? { schema } : undefined;
  const factory = new PrismaPg(migrationPool(client), options);
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => patchAdapter(await factory.connect()),
    // adapter-pg's own shadow database reuses the URL (so the "shadow" is the
    // real database, P3006) and drops it while its pool still holds connections.
    async connectToShadowDb() {
      const name = `prisma_shadow_${Date.now()}_${process.pid}`;
      await runAdminSql(client, `CREATE DATABASE ${quoteIdent(name)}`);
      const pool = migrationPool({ ...client, database: name });
      const shadow = patchAdapter(await new PrismaPg(pool, options).connect());
      const dispose = shadow.dispose.bind(shadow);
      shadow.dispose = async () => {
        await dispose();
        await pool.end();
        await runAdminSql(client, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
      };
      return shadow;
    },
  };
}
