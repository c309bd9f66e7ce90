import { mockDeep, mockReset, type DeepMockProxy } from 'jest-mock-extended';
import { BookingConflictError, NotFoundError, TimeoutError } from '../../src/db/errors.js';
import { DataLayer } from '../../src/data-layer/data-layer.js';
import { READ_OPERATIONS, WRITE_OPERATIONS } from '../../src/data-layer/operation-access.js';
import type { DataLayerContext } from '../../src/data-layer/context.js';
import type { Repositories } from '../../src/repositories/repositories.js';
import { markReported, type ErrorReporter } from '../../src/observability/error-reporter.js';
import { silentLogger } from '../../src/observability/logger.js';

const repositories: DeepMockProxy<Repositories> = mockDeep<Repositories>();
const reporter = mockDeep<ErrorReporter>();
const NOW = new Date('2030-01-01T12:00:00Z');
let transactions: string[];

function dataLayer(): DataLayer {
  const ctx: DataLayerContext = {
    repositories,
    reporter,
    logger: silentLogger,
    now: () => NOW,
    settings: { dialogContextTtlHours: 24, dialogContextMaxBytes: 1_000 },
    transaction: async (name, work) => {
      transactions.push(name);
      return work(repositories);
    },
  };
  return new DataLayer(ctx);
}

const staffRow = { id: 5, companyId: 1, isActive: true, isFired: false } as never;
const companyRow = { id: 1, timezone: 'Europe/Moscow' } as never;
/** 2030-01-05 is a working day 09:00-21:00 Moscow time (06:00-18:00Z). */
const scheduleRows = [{ staffId: 5, date: new Date('2030-01-05T00:00:00Z'), isWorking: true, workingIntervals: [{ from: '09:00', to: '21:00' }] }] as never;
const clientRow = { id: 9, companyId: 1, phone: '79991234567' } as never;

beforeEach(() => {
  mockReset(repositories);
  mockReset(reporter);
  transactions = [];
});

describe('DataLayer surface', () => {
  test('when listing its methods, then it exposes exactly the 20 data operations and the 3 booking operations', () => {
    const methods = Object.getOwnPropertyNames(DataLayer.prototype).filter((name) => name !== 'constructor').sort();
    expect(methods).toEqual(
      [
        'getDialogContext', 'upsertDialogContext', 'getClientByPhone', 'getClientById', 'getClientAppointments', 'getUpcomingAppointments',
        'searchClientsByName', 'upsertClient', 'upsertClients', 'getStaffById', 'getStaffSchedules', 'getStaffSchedule', 'upsertStaffSchedules',
        'getServices', 'getServiceById', 'getServicesByCategory', 'upsertServices', 'getStaff', 'getCompany', 'upsertCompany',
        'createBooking', 'rescheduleBooking', 'cancelBooking',
      ].sort(),
    );
  });
});

describe('DataLayer validation', () => {
  test.each([
    ['getClientByPhone', { companyId: 1, phone: 'abc' }],
    ['getClientById', { companyId: 1, clientId: -1 }],
    ['getClientById', { clientId: 1 }],
    ['getClientAppointments', { companyId: 1, clientId: 1, limit: 10_000 }],
    ['searchClientsByName', { companyId: 1, query: '  ' }],
    ['upsertClients', { companyId: 1, clients: [] }],
    ['getStaff', { companyId: 1, serviceId: 3 }],
    ['getStaffSchedules', { companyId: 1, from: '2030-02-01', to: '2030-01-01' }],
    ['getStaffSchedules', { companyId: 1, from: '2030-01-01', to: '2030-12-31' }],
    ['upsertStaffSchedules', { schedules: [{ staffId: 1, date: '2030-01-01', workingIntervals: [{ from: '18:00', to: '10:00' }] }] }],
    ['upsertServices', { companyId: 1, services: [{ crmId: 1, title: 'x', priceMin: 10, priceMax: 5 }] }],
    ['upsertCompany', { id: 1, title: '' }],
    ['upsertDialogContext', { companyId: 1, phone: '79991234567', state: { f: () => 1 } }],
    ['createBooking', { companyId: 1, client: { phone: '79991234567' }, staffId: 1, startAt: '2030-01-01T10:00:00Z' }],
    ['rescheduleBooking', { companyId: 1, appointmentId: 1, startAt: 'tomorrow' }],
    ['rescheduleBooking', { appointmentId: 1, startAt: '2030-01-01T10:00:00Z' }],
    ['rescheduleBooking', { companyId: 1, appointmentId: 1, startAt: '2030-01-01T10:00:00Z', endAt: '2030-01-04T10:00:00Z' }],
    ['cancelBooking', {}],
    ['cancelBooking', { appointmentId: 1 }],
    ['getStaffById', { staffId: 1 }],
    ['getServiceById', { serviceId: 1 }],
    ['getStaffSchedule', { staffId: 1, date: '2030-01-01' }],
    ['upsertStaffSchedules', { schedules: [{ staffId: 1, date: '2030-01-01' }] }],
    ['createBooking', { companyId: 1, client: { phone: '79991234567' }, staffId: 1, serviceId: 2, startAt: '2030-01-01T10:00:00Z', idempotencyKey: '' }],
    ['getServices', null],
    // Found by the data-layer fuzz test: each used to throw out of the facade or reach PostgreSQL.
    ['createBooking', { companyId: 1, client: { phone: '79991234567' }, staffId: 1, serviceId: 2, startAt: '2030-01-01T10:00:00Z', endAt: 'soon' }],
    ['getClientById', new Proxy({}, { get: () => { throw new Error('getter'); } })],
    ['upsertClient', { companyId: 1, phone: '79991234567', name: 'Anna\u0000' }],
    ['upsertClient', { companyId: 1, phone: '79991234567', totalSpent: 1e11 }],
    ['upsertDialogContext', { companyId: 1, phone: '79991234567', state: { text: '\ud800' } }],
    ['rescheduleBooking', { companyId: 1, appointmentId: 1, startAt: '0000-01-01T00:00:00Z' }],
    ['getStaffSchedule', { companyId: 1, staffId: 1, date: '0000-01-01' }],
  ])('when %s gets invalid input, then it answers VALIDATION_ERROR without touching a repository or reporting', async (method, input) => {
    const result = await (dataLayer() as unknown as Record<string, (i: unknown) => Promise<unknown>>)[method]!(input);
    expect(result).toMatchObject({ success: false, error: { code: 'VALIDATION_ERROR', retryable: false } });
    expect(transactions).toEqual([]);
    expect(reporter.report).not.toHaveBeenCalled();
  });

  test('when a phone is invalid, then the message names the field and not the value', async () => {
    const result = await dataLayer().getClientByPhone({ companyId: 1, phone: '555-CALL-NOW' });
    expect(result).toEqual({ success: false, error: { code: 'VALIDATION_ERROR', message: 'invalid input: phone: not a valid phone number', retryable: false } });
  });
});

describe('DataLayer results', () => {
  test('when a repository returns data, then the operation answers success with it', async () => {
    repositories.clients.findByPhone.mockResolvedValue(clientRow);
    await expect(dataLayer().getClientByPhone({ companyId: 1, phone: '+7 999 123-45-67' })).resolves.toEqual({ success: true, data: clientRow });
  });

  test('when a lookup by phone finds nobody, then the answer is success with null, not an error', async () => {
    repositories.clients.findByPhone.mockResolvedValue(null);
    await expect(dataLayer().getClientByPhone({ companyId: 1, phone: '+7 999 123-45-67' })).resolves.toEqual({ success: true, data: null });
  });

  test('when a read by id finds no record in the salon, then the answer is NOT_FOUND and nothing is reported', async () => {
    repositories.services.findById.mockResolvedValue(null);
    await expect(dataLayer().getServiceById({ companyId: 1, serviceId: 3 })).resolves.toMatchObject({ success: false, error: { code: 'NOT_FOUND', retryable: false } });
    expect(reporter.report).not.toHaveBeenCalled();
  });

  test('when the repository refuses with an expected error, then it is a failure and nothing is reported', async () => {
    repositories.companies.findById.mockResolvedValue(companyRow);
    repositories.appointments.cancel.mockRejectedValue(new NotFoundError('the appointment does not exist'));
    await expect(dataLayer().cancelBooking({ companyId: 1, appointmentId: 4 })).resolves.toEqual({
      success: false,
      error: { code: 'NOT_FOUND', message: 'the appointment does not exist', retryable: false },
    });
    expect(reporter.report).not.toHaveBeenCalled();
  });

  test('when an unexpected error was not reported yet, then it is reported once with data-layer tags and safe context', async () => {
    repositories.clients.findByPhone.mockRejectedValue(new TimeoutError('the statement took longer than the query timeout'));
    const result = await dataLayer().getClientByPhone({ companyId: 1, phone: '79991234567' });
    expect(result).toEqual({ success: false, error: { code: 'TIMEOUT', message: 'the statement took longer than the query timeout', retryable: true } });
    expect(reporter.report).toHaveBeenCalledTimes(1);
    const [, report] = reporter.report.mock.calls[0]!;
    expect(report).toMatchObject({ component: 'data-layer', operation: 'getClientByPhone', tags: { backend: 'postgres', error_code: 'TIMEOUT' }, context: { companyId: 1 } });
    expect(JSON.stringify(report)).not.toContain('79991234567');
  });

  test('when the database layer already reported the error, then the facade does not report it again', async () => {
    const error = new TimeoutError('slow');
    markReported(error);
    repositories.services.findByCompany.mockRejectedValue(error);
    await expect(dataLayer().getServices({ companyId: 1 })).resolves.toMatchObject({ success: false, error: { code: 'TIMEOUT' } });
    expect(reporter.report).not.toHaveBeenCalled();
  });

  test('when code throws something that is not a domain error, then the caller gets INTERNAL_ERROR and Sentry the original', async () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'id')");
    repositories.staff.findById.mockRejectedValue(bug);
    await expect(dataLayer().getStaffById({ companyId: 1, staffId: 2 })).resolves.toEqual({
      success: false,
      error: { code: 'INTERNAL_ERROR', message: 'an unexpected error occurred', retryable: false },
    });
    expect(reporter.report).toHaveBeenCalledWith(bug, expect.objectContaining({ component: 'data-layer', operation: 'getStaffById', context: { companyId: 1, staffId: 2 } }));
  });
});

describe('DataLayer clock', () => {
  test('when asking for upcoming appointments, then "now" is the injected clock', async () => {
    repositories.companies.findById.mockResolvedValue(companyRow);
    repositories.clients.findUpcomingAppointments.mockResolvedValue([]);
    await dataLayer().getUpcomingAppointments({ companyId: 1, clientId: 3 });
    expect(repositories.clients.findUpcomingAppointments.mock.calls[0]?.[2]).toEqual(NOW);
  });

  test('when saving a dialog context, then it expires TTL hours after the injected now', async () => {
    repositories.dialogContexts.save.mockImplementation(async (companyId, phone, state, options) => ({ companyId, phone, state, expiresAt: options.expiresAt }) as never);
    const result = await dataLayer().upsertDialogContext({ companyId: 1, phone: ' 89991234567 ', state: { step: 'x' } });
    // The repository resolves the phone in the salon's region; the facade passes it on as typed (trimmed).
    expect(result).toMatchObject({ success: true, data: { phone: '89991234567', expiresAt: new Date('2030-01-02T12:00:00Z') } });
  });

  test('when listing staff for a day, then availability is asked for that day', async () => {
    repositories.staff.findAvailable.mockResolvedValue([]);
    await expect(dataLayer().getStaff({ companyId: 1, date: '2030-01-02', serviceId: 4 })).resolves.toEqual({ success: true, data: [] });
    expect(repositories.staff.findByCompany).not.toHaveBeenCalled();
  });
});

describe('DataLayer.createBooking', () => {
  const input = { companyId: 1, client: { phone: '79991234567' }, staffId: 5, serviceId: 7, startAt: '2030-01-05T10:00:00Z' };

  beforeEach(() => {
    repositories.companies.findById.mockResolvedValue(companyRow);
    repositories.schedules.findForDays.mockResolvedValue(scheduleRows);
  });

  test('when the service would end the booking after the year 9999, then it is a VALIDATION_ERROR and nothing is created', async () => {
    repositories.staff.findById.mockResolvedValue(staffRow);
    repositories.services.findById.mockResolvedValue({ id: 7, companyId: 1, duration: 45, isActive: true } as never);
    const result = await dataLayer().createBooking({ ...input, startAt: '9999-12-31T23:30:00Z' });
    expect(result).toMatchObject({ success: false, error: { code: 'VALIDATION_ERROR', message: expect.stringContaining('9999') } });
    expect(repositories.clients.findOrCreateByPhone).not.toHaveBeenCalled();
    expect(repositories.appointments.create).not.toHaveBeenCalled();
  });

  test('when everything exists, then the booking runs in one transaction and the end comes from the service duration', async () => {
    repositories.staff.findById.mockResolvedValue(staffRow);
    repositories.services.findById.mockResolvedValue({ id: 7, companyId: 1, duration: 45, isActive: true } as never);
    repositories.clients.findOrCreateByPhone.mockResolvedValue({ client: clientRow, created: true });
    repositories.appointments.create.mockImplementation(async (data) => ({ id: 1, ...data }) as never);
    const result = await dataLayer().createBooking(input);
    expect(transactions).toEqual(['createBooking']);
    expect(result).toMatchObject({
      success: true,
      data: { clientCreated: true, replayed: false, appointment: { clientId: 9, endAt: new Date('2030-01-05T10:45:00Z'), startAtLocal: '2030-01-05T13:00:00+03:00' } },
    });
  });

  test('when the staff member is not of this salon, then it is NOT_FOUND and no client is created', async () => {
    repositories.staff.findById.mockResolvedValue(null);
    await expect(dataLayer().createBooking(input)).resolves.toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });
    expect(repositories.staff.findById).toHaveBeenCalledWith(1, 5);
    expect(repositories.clients.findOrCreateByPhone).not.toHaveBeenCalled();
  });

  test('when the service does not exist, then it is NOT_FOUND and no client is created', async () => {
    repositories.staff.findById.mockResolvedValue(staffRow);
    repositories.services.findById.mockResolvedValue(null);
    await expect(dataLayer().createBooking(input)).resolves.toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });
    expect(repositories.clients.findOrCreateByPhone).not.toHaveBeenCalled();
  });

  test('when the slot is taken, then the answer is BOOKING_CONFLICT and nothing is reported by the facade', async () => {
    repositories.staff.findById.mockResolvedValue(staffRow);
    repositories.clients.findOrCreateByPhone.mockResolvedValue({ client: clientRow, created: false });
    repositories.appointments.create.mockRejectedValue(new BookingConflictError('overlap'));
    const result = await dataLayer().createBooking({ ...input, serviceId: undefined, endAt: '2030-01-05T11:00:00Z' });
    expect(result).toEqual({ success: false, error: { code: 'BOOKING_CONFLICT', message: 'overlap', retryable: false } });
    expect(reporter.report).not.toHaveBeenCalled();
  });
});

describe('DataLayer bulk writes', () => {
  test('when clients are upserted in bulk, then the work runs in one transaction and the counts come back', async () => {
    const counts = { inserted: 1, updated: 0, unchanged: 1, duplicates: [], conflicts: [] };
    repositories.clients.syncClients.mockResolvedValue(counts);
    const result = await dataLayer().upsertClients({ companyId: 1, clients: [{ phone: '79991234567' }, { phone: '89991234568', totalSpent: '10.50' }] });
    expect(result).toEqual({ success: true, data: counts });
    expect(transactions).toEqual(['upsertClients']);
  });

  test('when one record of many is invalid, then the message names its index', async () => {
    const clients = Array.from({ length: 5 }, (_, i) => ({ phone: `7999123456${i}` }));
    clients[3] = { phone: 'x' };
    const result = await dataLayer().upsertClients({ companyId: 1, clients });
    expect(result.success ? '' : result.error.message).toContain('clients.3.phone');
  });
});

describe('DataLayer statement timeouts', () => {
  const statementTimeout = () => new TimeoutError('the statement was cancelled by the statement timeout', { sqlState: '57014', retryable: false });

  test('when a read operation times out, then the answer is retryable: nothing was changed', async () => {
    repositories.clients.findByPhone.mockRejectedValue(statementTimeout());
    await expect(dataLayer().getClientByPhone({ companyId: 1, phone: '79991234567' })).resolves.toMatchObject({ success: false, error: { code: 'TIMEOUT', retryable: true } });
  });

  test('when a write times out in a transaction that rolled back, then the answer is retryable', async () => {
    const error = statementTimeout();
    error.rolledBack = true;
    repositories.clients.syncClients.mockRejectedValue(error);
    await expect(dataLayer().upsertClients({ companyId: 1, clients: [{ phone: '79991234567' }] })).resolves.toMatchObject({ success: false, error: { code: 'TIMEOUT', retryable: true } });
  });

  test('when a write times out outside a transaction, or its transaction may have committed, then the answer is not retryable', async () => {
    repositories.dialogContexts.save.mockRejectedValue(statementTimeout());
    await expect(dataLayer().upsertDialogContext({ companyId: 1, phone: '79991234567', state: {} })).resolves.toMatchObject({ success: false, error: { code: 'TIMEOUT', retryable: false } });
    // A timeout that says "retry" by itself (the transaction closed by its own timer) is not trusted in a write unless it rolled back.
    repositories.clients.syncClients.mockRejectedValue(new TimeoutError('the transaction was closed before it finished'));
    await expect(dataLayer().upsertClients({ companyId: 1, clients: [{ phone: '79991234567' }] })).resolves.toMatchObject({ success: false, error: { code: 'TIMEOUT', retryable: false } });
  });

  test('when the facade\'s methods are listed, then each is exactly one of a read or a write', () => {
    const methods = Object.getOwnPropertyNames(DataLayer.prototype).filter((name) => name !== 'constructor').sort();
    expect([...READ_OPERATIONS, ...WRITE_OPERATIONS].sort()).toEqual(methods);
    expect([...READ_OPERATIONS].filter((name) => WRITE_OPERATIONS.has(name))).toEqual([]);
  });
});
