/**
 * The one place that turns Prisma and PostgreSQL errors into domain errors.
 *
 * With @prisma/adapter-pg in Prisma 6.19 errors arrive in several shapes:
 * - PrismaClientKnownRequestError with a Prisma code (P2002, P2003, P2025, P2010 ...),
 *   often with `meta.driverAdapterError.cause.originalCode` holding the SQLSTATE;
 * - a bare DriverAdapterError whose `cause` holds `{ kind: 'postgres', code }`
 *   (40P01, 57014, 57P01, 08xxx, 55P03, 23514, 23P01 ...);
 * - pg's own errors (`code` is the SQLSTATE) from raw pool queries;
 * - plain Errors from pg for dropped connections (pool acquire failures are
 *   typed before they get here, in pool-acquire-errors.ts).
 * Classification reads codes (SQLSTATE, Prisma code, errno, adapter kind), never
 * the words of a message. Messages never echo row values: PostgreSQL's
 * `detail` is not copied.
 */
import {
  BookingConflictError,
  ConnectionLostError,
  DataError,
  DatabaseError,
  ForeignKeyViolationError,
  LockTimeoutError,
  NotFoundError,
  PoolExhaustedError,
  SerializationFailureError,
  TimeoutError,
  TooManyConnectionsError,
  UniqueViolationError,
  ValidationError,
} from './errors.js';

/** Prisma error codes we act on, by name. */
export const PrismaCode = {
  ValueTooLong: 'P2000',
  UniqueConstraint: 'P2002',
  ForeignKeyConstraint: 'P2003',
  ConstraintFailed: 'P2004',
  InvalidValue: 'P2005',
  InvalidValueForType: 'P2006',
  DataValidation: 'P2007',
  QueryValidation: 'P2009',
  RawQueryFailed: 'P2010',
  NullConstraint: 'P2011',
  MissingRequiredValue: 'P2012',
  RecordNotFound: 'P2025',
  PoolTimeout: 'P2024',
  TransactionApi: 'P2028',
  WriteConflict: 'P2034',
  ValueOutOfRange: 'P2020',
  CannotReachDatabase: 'P1001',
  ConnectionTimedOut: 'P1002',
  ServerClosedConnection: 'P1017',
  TooManyConnections: 'P1008',
} as const;

/** PostgreSQL SQLSTATEs we act on, by name. */
export const SqlState = {
  UniqueViolation: '23505',
  ForeignKeyViolation: '23503',
  NotNullViolation: '23502',
  CheckViolation: '23514',
  ExclusionViolation: '23P01',
  SerializationFailure: '40001',
  DeadlockDetected: '40P01',
  QueryCanceled: '57014',
  AdminShutdown: '57P01',
  CrashShutdown: '57P02',
  CannotConnectNow: '57P03',
  LockNotAvailable: '55P03',
  IdleInTransactionTimeout: '25P03',
  TooManyConnections: '53300',
  StringTooLong: '22001',
  NumericOutOfRange: '22003',
  InvalidTextRepresentation: '22P02',
  InvalidDatetimeFormat: '22007',
  UntranslatableCharacter: '22P05',
  CharacterNotInRepertoire: '22021',
  CardinalityViolation: '21000',
  InvalidColumnReference: '42P10',
} as const;

interface ErrorFacts {
  prismaCode?: string | undefined;
  sqlState?: string | undefined;
  kind?: string | undefined;
  fields?: string[] | undefined;
  constraint?: string | undefined;
}

type Loose = Record<string, unknown> | undefined;

const asRecord = (value: unknown): Loose =>
  value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
const asString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Reads `meta.target` / adapter constraint fields, trusting only arrays of strings. */
function fieldsFrom(value: unknown): string[] | undefined {
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  if (typeof value === 'string' && value.length > 0 && value.length < 200) return [value];
  return undefined;
}

/**
 * The column list of PostgreSQL's `detail` ("Key (company_id, phone)=(1, 7999...) already exists."),
 * as raw pg errors carry no other field list. Only the names before ")=(" are read; the values are not.
 */
function fieldsFromDetail(detail: string | undefined): string[] | undefined {
  const columns = detail?.match(/^Key \((.+?)\)=\(/)?.[1];
  if (!columns || columns.length > 200) return undefined;
  return columns.split(', ').map((column) => column.replace(/^"(.*)"$/, '$1'));
}

function adapterCause(error: Record<string, unknown>): Loose {
  const meta = asRecord(error.meta);
  const fromMeta = asRecord(asRecord(meta?.driverAdapterError)?.cause);
  if (fromMeta) return fromMeta;
  if (error.name === 'DriverAdapterError') return asRecord(error.cause);
  return undefined;
}

function factsOf(error: unknown): ErrorFacts {
  const record = asRecord(error) ?? {};
  const cause = adapterCause(record);
  const meta = asRecord(record.meta);
  const prismaCode = asString(record.code)?.match(/^P\d{4}$/) ? asString(record.code) : undefined;
  // pg errors carry the SQLSTATE in `code`; adapter causes in originalCode / code.
  const pgCode = !prismaCode && asString(record.code)?.match(/^[0-9A-Z]{5}$/) ? asString(record.code) : undefined;
  const sqlState = asString(cause?.originalCode) ?? asString(cause?.code) ?? pgCode;
  const constraintRecord = asRecord(cause?.constraint);
  return {
    prismaCode,
    sqlState: sqlState?.match(/^[0-9A-Z]{5}$/) ? sqlState : undefined,
    kind: asString(cause?.kind),
    fields: fieldsFrom(constraintRecord?.fields) ?? fieldsFrom(meta?.target) ?? fieldsFrom(asString(record.column)) ?? fieldsFromDetail(asString(record.detail)),
    constraint: asString(constraintRecord?.index) ?? asString(record.constraint) ?? asString(meta?.constraint),
  };
}

/** Socket failures by errno (Node's `code`): the server cannot be reached or the connection broke. */
const SOCKET_ERRNOS = new Set(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * A plain Error with no SQLSTATE, errno or Prisma code, raised on the database
 * path, comes from the driver itself: pg reports a connection it lost or gave
 * up on (terminated, closed, the client-side read timeout) this way. Failures
 * of taking a connection are typed where they happen (pool-acquire-errors.ts).
 * Messages are never read: their wording is not a contract.
 */
function isCodelessDriverError(error: unknown, facts: ErrorFacts): boolean {
  const record = asRecord(error);
  return record !== undefined && record.name === 'Error' && record.severity === undefined && !facts.sqlState && !facts.prismaCode && asString(record.code) === undefined;
}

/**
 * Failures typed at the pool (pool-acquire-errors.ts) that Prisma re-wrapped:
 * its client turns an adapter error carrying a `code` into a
 * PrismaClientKnownRequestError with that same code.
 */
const TYPED_AT_THE_POOL: Partial<Record<string, (codes: { cause: unknown }) => DataError>> = {
  POOL_EXHAUSTED: (codes) => new PoolExhaustedError('no database connection became free within the acquire timeout (pool exhausted)', codes),
  CONNECTION_LOST: (codes) => new ConnectionLostError('the database connection failed', codes),
};

export interface MapOptions {
  /**
   * The error was raised by a database call itself (a Prisma operation, a pool
   * or client query), not by code around it: a plain code-less Error is then
   * the driver's report of a lost connection. Without it such an Error is an
   * unknown DATABASE_ERROR (callers such as withTransaction tell their own
   * errors apart that way).
   */
  fromDatabaseCall?: boolean;
}

/**
 * Maps any error from the database path to a DataError. Already-mapped
 * errors pass through unchanged, so mapping twice is harmless.
 */
export function mapDatabaseError(error: unknown, options: MapOptions = {}): DataError {
  if (error instanceof DataError) return error;
  const facts = factsOf(error);
  const codes = { sqlState: facts.sqlState, prismaCode: facts.prismaCode, cause: error };
  const typedAtThePool = TYPED_AT_THE_POOL[asString(asRecord(error)?.code) ?? ''];
  if (typedAtThePool) return typedAtThePool({ cause: error });
  const fieldList = facts.fields?.join(', ');

  switch (facts.sqlState) {
    case SqlState.UniqueViolation:
      return new UniqueViolationError(`a record with the same ${fieldList ?? 'unique key'} already exists`, { ...codes, fields: facts.fields });
    case SqlState.ForeignKeyViolation:
      return new ForeignKeyViolationError(
        `a referenced record does not exist${facts.constraint ? ` (${facts.constraint})` : ''}`,
        { ...codes, fields: facts.fields },
      );
    case SqlState.ExclusionViolation:
      return new BookingConflictError('the time slot overlaps another active appointment of this staff member', codes);
    case SqlState.CheckViolation:
      return new ValidationError(`a value breaks a database rule${facts.constraint ? ` (${facts.constraint})` : ''}`, codes);
    case SqlState.NotNullViolation:
      return new ValidationError(`a required value is missing${fieldList ? ` (${fieldList})` : ''}`, { ...codes, fields: facts.fields });
    case SqlState.SerializationFailure:
      return new SerializationFailureError('the transaction conflicted with a concurrent one (serialization failure); retry it', codes);
    case SqlState.DeadlockDetected:
      return new SerializationFailureError('the transaction was chosen as a deadlock victim; retry it', codes);
    case SqlState.QueryCanceled:
      return new TimeoutError('the statement was cancelled by the statement timeout', { ...codes, retryable: false });
    case SqlState.LockNotAvailable:
      return new LockTimeoutError('a row or table lock could not be acquired in time (lock timeout)', codes);
    case SqlState.IdleInTransactionTimeout:
      return new ConnectionLostError('the server closed a transaction left idle too long (idle_in_transaction_session_timeout)', codes);
    case SqlState.AdminShutdown:
    case SqlState.CrashShutdown:
    case SqlState.CannotConnectNow:
      return new ConnectionLostError('the database connection was terminated by the server', codes);
    case SqlState.TooManyConnections:
      return new TooManyConnectionsError('the database refuses new connections (too many connections)', codes);
    case SqlState.StringTooLong:
    case SqlState.NumericOutOfRange:
    case SqlState.InvalidTextRepresentation:
    case SqlState.InvalidDatetimeFormat:
    case SqlState.UntranslatableCharacter:
    case SqlState.CharacterNotInRepertoire:
      return new ValidationError('a value has the wrong type, format or size for its column', codes);
    case SqlState.CardinalityViolation:
      // e.g. ON CONFLICT DO UPDATE reaching one row twice: the input repeats a key.
      return new ValidationError('the input repeats the same key within one statement', codes);
    case SqlState.InvalidColumnReference:
      // ON CONFLICT columns without a matching unique index: a programming error, reported.
      return new DatabaseError('the conflict fields do not match a unique index of the table', codes);
    default:
      break;
  }
  const errno = asString(asRecord(error)?.code);
  if (errno !== undefined && SOCKET_ERRNOS.has(errno)) {
    return new ConnectionLostError('the database connection failed', codes);
  }
  if (facts.sqlState?.startsWith('08')) {
    return new ConnectionLostError('the database connection failed', codes);
  }
  if (facts.sqlState?.startsWith('22')) {
    return new ValidationError('a value is not valid for its column', codes);
  }

  switch (facts.prismaCode) {
    case PrismaCode.UniqueConstraint:
      return new UniqueViolationError(`a record with the same ${fieldList ?? 'unique key'} already exists`, { ...codes, fields: facts.fields });
    case PrismaCode.ForeignKeyConstraint:
      return new ForeignKeyViolationError('a referenced record does not exist', { ...codes, fields: facts.fields });
    case PrismaCode.RecordNotFound:
      return new NotFoundError('the record to change does not exist', codes);
    case PrismaCode.WriteConflict:
      return new SerializationFailureError('the transaction conflicted with a concurrent one; retry it', codes);
    case PrismaCode.PoolTimeout:
      return new PoolExhaustedError('no database connection became free within the acquire timeout (pool exhausted)', codes);
    case PrismaCode.CannotReachDatabase:
    case PrismaCode.ConnectionTimedOut:
    case PrismaCode.ServerClosedConnection:
      return new ConnectionLostError('the database server cannot be reached', codes);
    case PrismaCode.TooManyConnections:
      return new TooManyConnectionsError('the database refuses new connections', codes);
    case PrismaCode.TransactionApi:
      return new TimeoutError('the transaction was closed before it finished (transaction timeout or maxWait)', codes);
    case PrismaCode.ValueTooLong:
    case PrismaCode.ConstraintFailed:
    case PrismaCode.InvalidValue:
    case PrismaCode.InvalidValueForType:
    case PrismaCode.DataValidation:
    case PrismaCode.QueryValidation:
    case PrismaCode.NullConstraint:
    case PrismaCode.MissingRequiredValue:
    case PrismaCode.ValueOutOfRange:
      return new ValidationError('the input does not fit the data model', codes);
    default:
      break;
  }

  switch (facts.kind) {
    case 'UniqueConstraintViolation':
      return new UniqueViolationError(`a record with the same ${fieldList ?? 'unique key'} already exists`, { ...codes, fields: facts.fields });
    case 'ForeignKeyConstraintViolation':
      return new ForeignKeyViolationError('a referenced record does not exist', codes);
    case 'TransactionWriteConflict':
      return new SerializationFailureError('the transaction conflicted with a concurrent one; retry it', codes);
    case 'TooManyConnections':
      return new TooManyConnectionsError('the database refuses new connections', codes);
    case 'DatabaseNotReachable':
    case 'ConnectionClosed':
    case 'SocketTimeout':
      return new ConnectionLostError('the database server cannot be reached', codes);
    case 'LengthMismatch':
    case 'ValueOutOfRange':
    case 'NullConstraintViolation':
      return new ValidationError('the input does not fit the data model', codes);
    default:
      break;
  }

  // TransactionClosedError (transaction-connection.ts) is the direct path's twin of Prisma's P2028: matched by its name, not its words.
  if (asRecord(error)?.name === 'TransactionClosedError') {
    return new TimeoutError('the transaction was closed before it finished (transaction timeout)', codes);
  }
  if (options.fromDatabaseCall && isCodelessDriverError(error, facts)) {
    return new ConnectionLostError('the database connection failed (the driver reported no error code)', codes);
  }
  if (asRecord(error)?.name === 'PrismaClientValidationError') {
    return new ValidationError('the query does not fit the data model (Prisma validation)', codes);
  }
  return new DatabaseError('unexpected database error', codes);
}
