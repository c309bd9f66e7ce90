/** The one map from domain error codes to HTTP statuses, used at the edge only. */
import { ErrorCode } from '../db/errors.js';

export const HTTP_STATUS_BY_CODE: Record<ErrorCode, number> = {
  [ErrorCode.Validation]: 400,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.UniqueViolation]: 409,
  [ErrorCode.ForeignKeyViolation]: 422,
  [ErrorCode.BookingConflict]: 409,
  // The salon's rules refuse a well-formed request: 422, like other refusals of valid input.
  [ErrorCode.OutsideWorkingHours]: 422,
  [ErrorCode.StaffNotWorking]: 422,
  [ErrorCode.InThePast]: 422,
  [ErrorCode.ServiceInactive]: 422,
  [ErrorCode.StaffInactive]: 422,
  [ErrorCode.IdempotencyConflict]: 409,
  [ErrorCode.SerializationFailure]: 409,
  [ErrorCode.Timeout]: 504,
  [ErrorCode.LockTimeout]: 503,
  [ErrorCode.PoolExhausted]: 503,
  [ErrorCode.ConnectionLost]: 503,
  [ErrorCode.TooManyConnections]: 503,
  [ErrorCode.Database]: 500,
};
