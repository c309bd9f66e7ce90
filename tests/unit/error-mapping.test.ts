import { DriverAdapterError } from '@prisma/driver-adapter-utils';
import { Prisma } from '../../src/generated/prisma/client.js';
import { mapDatabaseError } from '../../src/db/error-mapping.js';
import {
  BookingConflictError,
  ConnectionLostError,
  DataError,
  DatabaseError,
  ErrorCode,
  ForeignKeyViolationError,
  LockTimeoutError,
  NotFoundError,
  PoolExhaustedError,
  SerializationFailureError,
  TimeoutError,
  TooManyConnectionsError,
  UniqueViolationError,
  ValidationError,
  restateDataError,
} from '../../src/db/errors.js';

const clientVersion = '6.19.3';
const known = (code: string, meta?: Record<string, unknown>, message = `prisma error ${code}`) =>
  new Prisma.PrismaClientKnownRequestError(message, { code, clientVersion, ...(meta ? { meta } : {}) });
/** What adapter-pg throws for SQLSTATEs Prisma 6.19 leaves unmapped. */
const adapter = (code: string, extra: Record<string, unknown> = {}) =>
  new DriverAdapterError({ kind: 'postgres', code, severity: 'ERROR', message: `postgres error ${code}`, detail: 'Key (phone)=(79991234567)', column: undefined, hint: undefined, ...extra } as never);
/** What pg itself throws (raw pool queries). */
const pgError = (code: string, message = `pg error ${code}`) => Object.assign(new Error(message), { name: 'error', code, severity: 'ERROR' });
/** A Prisma known error wrapping the adapter's error, as raw queries produce. */
const wrapped = (prismaCode: string, sqlState: string) =>
  known(prismaCode, { driverAdapterError: { name: 'DriverAdapterError', cause: { kind: 'postgres', originalCode: sqlState, originalMessage: 'x' } } });

type Case = [description: string, error: unknown, type: new (...args: never[]) => DataError, code: ErrorCode, retryable: boolean];

const cases: Case[] = [
  ['P2002 unique constraint', known('P2002', { target: ['company_id', 'phone'] }), UniqueViolationError, ErrorCode.UniqueViolation, false],
  ['23505 from pg', pgError('23505'), UniqueViolationError, ErrorCode.UniqueViolation, false],
  ['P2003 foreign key', known('P2003', { field_name: 'company_id' }), ForeignKeyViolationError, ErrorCode.ForeignKeyViolation, false],
  ['23503 wrapped in P2010', wrapped('P2010', '23503'), ForeignKeyViolationError, ErrorCode.ForeignKeyViolation, false],
  ['P2025 record not found', known('P2025'), NotFoundError, ErrorCode.NotFound, false],
  ['P2000 value too long', known('P2000'), ValidationError, ErrorCode.Validation, false],
  ['22P02 invalid text representation', pgError('22P02'), ValidationError, ErrorCode.Validation, false],
  ['23514 check violation (adapter)', adapter('23514'), ValidationError, ErrorCode.Validation, false],
  ['23502 not null (pg)', pgError('23502'), ValidationError, ErrorCode.Validation, false],
  ['21000 cardinality (pg)', pgError('21000'), ValidationError, ErrorCode.Validation, false],
  ['23P01 exclusion (adapter)', adapter('23P01'), BookingConflictError, ErrorCode.BookingConflict, false],
  ['57014 statement timeout (adapter)', adapter('57014'), TimeoutError, ErrorCode.Timeout, false],
  ['57014 statement timeout (pg)', pgError('57014', 'canceling statement due to statement timeout'), TimeoutError, ErrorCode.Timeout, false],
  ['55P03 lock not available (adapter)', adapter('55P03'), LockTimeoutError, ErrorCode.LockTimeout, true],
  ['P2024 pool acquire timeout', known('P2024'), PoolExhaustedError, ErrorCode.PoolExhausted, true],
  ['a pool acquire timeout typed at the pool and re-wrapped by Prisma', known('POOL_EXHAUSTED'), PoolExhaustedError, ErrorCode.PoolExhausted, true],
  ['P1001 cannot reach server', known('P1001'), ConnectionLostError, ErrorCode.ConnectionLost, true],
  ['P1017 server closed connection', known('P1017'), ConnectionLostError, ErrorCode.ConnectionLost, true],
  ['57P01 admin shutdown (adapter)', adapter('57P01'), ConnectionLostError, ErrorCode.ConnectionLost, true],
  ['57P01 admin shutdown (pg)', pgError('57P01', 'terminating connection due to administrator command'), ConnectionLostError, ErrorCode.ConnectionLost, true],
  ['08006 connection failure (adapter)', adapter('08006'), ConnectionLostError, ErrorCode.ConnectionLost, true],
  ['08003 connection does not exist (pg)', pgError('08003'), ConnectionLostError, ErrorCode.ConnectionLost, true],
  ['a socket errno (ECONNRESET)', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), ConnectionLostError, ErrorCode.ConnectionLost, true],
  ['adapter ConnectionClosed kind', new DriverAdapterError({ kind: 'ConnectionClosed' } as never), ConnectionLostError, ErrorCode.ConnectionLost, true],
  ['P2034 write conflict', known('P2034'), SerializationFailureError, ErrorCode.SerializationFailure, true],
  ['40001 serialization failure (pg)', pgError('40001'), SerializationFailureError, ErrorCode.SerializationFailure, true],
  ['40001 wrapped in P2010', wrapped('P2010', '40001'), SerializationFailureError, ErrorCode.SerializationFailure, true],
  ['40P01 deadlock (adapter)', adapter('40P01'), SerializationFailureError, ErrorCode.SerializationFailure, true],
  ['adapter TransactionWriteConflict kind', new DriverAdapterError({ kind: 'TransactionWriteConflict' } as never), SerializationFailureError, ErrorCode.SerializationFailure, true],
  ['53300 too many connections (pg)', pgError('53300'), TooManyConnectionsError, ErrorCode.TooManyConnections, true],
  ['P2028 transaction API (expired transaction)', known('P2028'), TimeoutError, ErrorCode.Timeout, true],
  ['42P10 ON CONFLICT without unique index (pg)', pgError('42P10'), DatabaseError, ErrorCode.Database, false],
  ['an unknown failure of another class', new TypeError('something odd'), DatabaseError, ErrorCode.Database, false],
];

describe('mapDatabaseError', () => {
  test.each(cases)('when given %s, then it becomes the matching domain error', (_description, error, type, code, retryable) => {
    const mapped = mapDatabaseError(error);
    expect(mapped).toBeInstanceOf(type);
    expect(mapped.code).toBe(code);
    expect(mapped.retryable).toBe(retryable);
    expect(mapped.cause).toBe(error);
  });

  test('when a database call fails with a plain Error and no code, then it is CONNECTION_LOST whatever its words; raised by other code, it is DATABASE_ERROR', () => {
    const wordings = ['Connection terminated unexpectedly', 'timeout exceeded when trying to connect', 'Query read timeout', 'deadlock', 'unique constraint'];
    for (const words of wordings) {
      const fromCall = mapDatabaseError(new Error(words), { fromDatabaseCall: true });
      expect(fromCall).toBeInstanceOf(ConnectionLostError);
      expect(fromCall.retryable).toBe(true);
      expect(mapDatabaseError(new Error(words)).code).toBe(ErrorCode.Database);
    }
    expect(mapDatabaseError(pgError('57014', 'connection terminated')).code).toBe(ErrorCode.Timeout);
  });

  test('when the error carries a SQLSTATE, then the domain error keeps it, and the Prisma code too', () => {
    const mapped = mapDatabaseError(wrapped('P2010', '40001'));
    expect(mapped.sqlState).toBe('40001');
    expect(mapped.prismaCode).toBe('P2010');
    expect(mapDatabaseError(adapter('57P01')).sqlState).toBe('57P01');
  });

  test('when a unique violation names its fields, then they are on the error and in the message', () => {
    const mapped = mapDatabaseError(known('P2002', { target: ['company_id', 'phone'] }));
    expect(mapped.fields).toEqual(['company_id', 'phone']);
    expect(mapped.message).toContain('company_id, phone');
  });

  test('when meta.target is not a list of names, then it is not trusted', () => {
    expect(mapDatabaseError(known('P2002', { target: { evil: true } })).fields).toBeUndefined();
  });

  test('when PostgreSQL put row values in the detail, then the message does not repeat them', () => {
    expect(mapDatabaseError(adapter('23514')).message).not.toContain('79991234567');
  });

  test('when the error is already a domain error, then it passes through unchanged', () => {
    const original = new ValidationError('bad input');
    expect(mapDatabaseError(original)).toBe(original);
  });

  test('when a Prisma validation error is given, then it is a ValidationError', () => {
    const error = new Prisma.PrismaClientValidationError('Argument `phone` is missing.', { clientVersion });
    expect(mapDatabaseError(error)).toBeInstanceOf(ValidationError);
  });
});

describe('restateDataError', () => {
  test('when a domain error is restated with a row, then it keeps its class, code and codes and links the original', () => {
    const original = mapDatabaseError(adapter('23514'));
    const restated = restateDataError(original, 'row 7 failed', { rowIndex: 7 });
    expect(restated).toBeInstanceOf(ValidationError);
    expect(restated).toMatchObject({ code: ErrorCode.Validation, sqlState: '23514', rowIndex: 7, message: 'row 7 failed' });
    expect(restated.cause).toBe(original);
  });

  test('when a base DataError is restated, then it stays a DataError with the same code', () => {
    const original = new DataError(ErrorCode.Database, 'x', { retryable: true });
    const restated = restateDataError(original, 'y');
    expect(restated).toMatchObject({ code: ErrorCode.Database, retryable: true, message: 'y' });
  });
});
