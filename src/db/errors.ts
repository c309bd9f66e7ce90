/**
 * Typed domain errors: what leaves the data layer when the database says no.
 * Each carries a stable `code`, whether a retry can help, and the PostgreSQL
 * SQLSTATE / Prisma code of the original (kept as `cause`).
 */

export const ErrorCode = {
  Validation: 'VALIDATION_ERROR',
  NotFound: 'NOT_FOUND',
  UniqueViolation: 'UNIQUE_VIOLATION',
  ForeignKeyViolation: 'FOREIGN_KEY_VIOLATION',
  BookingConflict: 'BOOKING_CONFLICT',
  OutsideWorkingHours: 'OUTSIDE_WORKING_HOURS',
  StaffNotWorking: 'STAFF_NOT_WORKING',
  InThePast: 'IN_THE_PAST',
  ServiceInactive: 'SERVICE_INACTIVE',
  StaffInactive: 'STAFF_INACTIVE',
  IdempotencyConflict: 'IDEMPOTENCY_CONFLICT',
  Timeout: 'TIMEOUT',
  LockTimeout: 'LOCK_TIMEOUT',
  PoolExhausted: 'POOL_EXHAUSTED',
  ConnectionLost: 'CONNECTION_LOST',
  SerializationFailure: 'SERIALIZATION_FAILURE',
  TooManyConnections: 'TOO_MANY_CONNECTIONS',
  Database: 'DATABASE_ERROR',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface DataErrorOptions {
  retryable?: boolean;
  sqlState?: string | undefined;
  prismaCode?: string | undefined;
  cause?: unknown;
  /** Columns involved (unique / foreign key violations), or the invalid input fields. */
  fields?: string[] | undefined;
  /** Index of the input row that failed (bulk writes). */
  rowIndex?: number | undefined;
}

export class DataError extends Error {
  override name = 'DataError';
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly sqlState: string | undefined;
  readonly prismaCode: string | undefined;
  readonly fields: string[] | undefined;
  readonly rowIndex: number | undefined;
  /** The database call that failed (set by the database layer when a caller owns the report). */
  origin: { model: string | undefined; operation: string } | undefined;
  /**
   * Set by withTransaction when this failure ended a transaction before its
   * COMMIT was sent: PostgreSQL then discards all of it, so nothing of the
   * work was written, which is what makes a retry of a write safe.
   */
  rolledBack = false;

  constructor(code: ErrorCode, message: string, options: DataErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.sqlState = options.sqlState;
    this.prismaCode = options.prismaCode;
    this.fields = options.fields;
    this.rowIndex = options.rowIndex;
  }

  /** The shape the facade returns and the HTTP layer sends: no cause, no SQL, no values. */
  toJSON(): { code: ErrorCode; message: string; retryable: boolean } {
    return { code: this.code, message: this.message, retryable: this.retryable };
  }
}

export class ValidationError extends DataError {
  override name = 'ValidationError';
  constructor(message: string, options: DataErrorOptions = {}) {
    super(ErrorCode.Validation, message, { ...options, retryable: false });
  }
}

export class NotFoundError extends DataError {
  override name = 'NotFoundError';
  constructor(message: string, options: DataErrorOptions = {}) {
    super(ErrorCode.NotFound, message, { ...options, retryable: false });
  }
}

export class UniqueViolationError extends DataError {
  override name = 'UniqueViolationError';
  constructor(message: string, options: DataErrorOptions = {}) {
    super(ErrorCode.UniqueViolation, message, { ...options, retryable: false });
  }
}

export class ForeignKeyViolationError extends DataError {
  override name = 'ForeignKeyViolationError';
  constructor(message: string, options: DataErrorOptions = {}) {
    super(ErrorCode.ForeignKeyViolation, message, { ...options, retryable: false });
  }
}

/** A booking that overlaps another active appointment of the same staff member. */
export class BookingConflictError extends DataError {
  override name = 'BookingConflictError';
  constructor(message: string, options: DataErrorOptions = {}) {
    super(ErrorCode.BookingConflict, message, { ...options, retryable: false });
  }
}

/** The salon's booking rules refuse the booking (src/domain/booking-rules.ts). */
export type BookingRuleCode =
  | typeof ErrorCode.OutsideWorkingHours
  | typeof ErrorCode.StaffNotWorking
  | typeof ErrorCode.InThePast
  | typeof ErrorCode.ServiceInactive
  | typeof ErrorCode.StaffInactive;

/** A booking the salon cannot honour (outside working hours, a day off, in the past, ...): an answer, never a fault. */
export class BookingRuleError extends DataError {
  override name = 'BookingRuleError';
  constructor(code: BookingRuleCode, message: string, options: DataErrorOptions = {}) {
    super(code, message, { ...options, retryable: false });
  }
}

/** The same idempotency key was used before with a different booking request. */
export class IdempotencyConflictError extends DataError {
  override name = 'IdempotencyConflictError';
  constructor(message: string, options: DataErrorOptions = {}) {
    super(ErrorCode.IdempotencyConflict, message, { ...options, retryable: false });
  }
}

export class TimeoutError extends DataError {
  override name = 'TimeoutError';
  constructor(message: string, options: DataErrorOptions = {}) {
    super(ErrorCode.Timeout, message, { retryable: true, ...options });
  }
}

export class LockTimeoutError extends DataError {
  override name = 'LockTimeoutError';
  constructor(message: string, options: DataErrorOptions = {}) {
    super(ErrorCode.LockTimeout, message, { ...options, retryable: true });
  }
}

export class PoolExhaustedError extends DataError {
  override name = 'PoolExhaustedError';
  constructor(message: string, options: DataErrorOptions = {}) {
    super(ErrorCode.PoolExhausted, message, { ...options, retryable: true });
  }
}

export class ConnectionLostError extends DataError {
  override name = 'ConnectionLostError';
  constructor(message: string, options: DataErrorOptions = {}) {
    super(ErrorCode.ConnectionLost, message, { ...options, retryable: true });
  }
}

export class SerializationFailureError extends DataError {
  override name = 'SerializationFailureError';
  constructor(message: string, options: DataErrorOptions = {}) {
    super(ErrorCode.SerializationFailure, message, { ...options, retryable: true });
  }
}

export class TooManyConnectionsError extends DataError {
  override name = 'TooManyConnectionsError';
  constructor(message: string, options: DataErrorOptions = {}) {
    super(ErrorCode.TooManyConnections, message, { ...options, retryable: true });
  }
}

export class DatabaseError extends DataError {
  override name = 'DatabaseError';
  constructor(message: string, options: DataErrorOptions = {}) {
    super(ErrorCode.Database, message, { retryable: false, ...options });
  }
}

/** Sentry tags that say which database call failed and how; nothing from the row. */
export function dataErrorTags(error: unknown): Record<string, string | boolean | undefined> {
  if (!(error instanceof DataError)) return {};
  return {
    error_code: error.code,
    retryable: error.retryable,
    sqlstate: error.sqlState,
    prisma_code: error.prismaCode,
    model: error.origin?.model,
    db_operation: error.origin?.operation,
  };
}

const EXPECTED_OUTCOMES: ReadonlySet<ErrorCode> = new Set([
  ErrorCode.Validation,
  ErrorCode.NotFound,
  ErrorCode.UniqueViolation,
  ErrorCode.ForeignKeyViolation,
  ErrorCode.BookingConflict,
  ErrorCode.OutsideWorkingHours,
  ErrorCode.StaffNotWorking,
  ErrorCode.InThePast,
  ErrorCode.ServiceInactive,
  ErrorCode.StaffInactive,
  ErrorCode.IdempotencyConflict,
]);

/** Expected outcomes of bad input, missing rows or the salon's rules: not a fault, never reported to Sentry. */
export function isExpectedOutcome(error: unknown): boolean {
  return error instanceof DataError && EXPECTED_OUTCOMES.has(error.code);
}

/**
 * The same kind of error with a more precise message (e.g. which input row of
 * a bulk write failed). The original stays as `cause`, so an error already
 * reported to Sentry is recognised as reported (wasReported follows causes).
 */
export function restateDataError(error: DataError, message: string, extra: { rowIndex?: number | undefined; retryable?: boolean } = {}): DataError {
  const options: DataErrorOptions = {
    retryable: extra.retryable ?? error.retryable,
    sqlState: error.sqlState,
    prismaCode: error.prismaCode,
    fields: error.fields,
    rowIndex: extra.rowIndex ?? error.rowIndex,
    cause: error,
  };
  const restated = restateAs(error, message, options);
  restated.rolledBack = error.rolledBack;
  return restated;
}

function restateAs(error: DataError, message: string, options: DataErrorOptions): DataError {
  if (error.constructor === DataError) return new DataError(error.code, message, options);
  if (error instanceof BookingRuleError) return new BookingRuleError(error.code as BookingRuleCode, message, options);
  const Subclass = error.constructor as new (message: string, options: DataErrorOptions) => DataError;
  return new Subclass(message, options);
}
