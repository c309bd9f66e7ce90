/**
 * Which facade operations only read. A statement timeout in a read is
 * retryable (nothing was changed; the caller may try again later); in a
 * write it is retryable only when the write's transaction provably rolled
 * back (run-operation.ts). Every operation is listed here as one or the
 * other; a unit test holds the lists to the facade's methods.
 */
export const READ_OPERATIONS: ReadonlySet<string> = new Set([
  'getDialogContext',
  'getClientByPhone',
  'getClientById',
  'getClientAppointments',
  'getUpcomingAppointments',
  'searchClientsByName',
  'getStaffById',
  'getStaffSchedules',
  'getStaffSchedule',
  'getServices',
  'getServiceById',
  'getServicesByCategory',
  'getStaff',
  'getCompany',
]);

export const WRITE_OPERATIONS: ReadonlySet<string> = new Set([
  'upsertDialogContext',
  'upsertClient',
  'upsertClients',
  'upsertStaffSchedules',
  'upsertServices',
  'upsertCompany',
  'createBooking',
  'rescheduleBooking',
  'cancelBooking',
]);

export const isReadOperation = (operation: string): boolean => READ_OPERATIONS.has(operation);
