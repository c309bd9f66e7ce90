import { mockDeep, mockReset } from 'jest-mock-extended';
import { createDataLayer, reportOnce } from '../../src/data-layer/create-data-layer.js';
import { SerializationFailureError, TimeoutError } from '../../src/db/errors.js';
import type { Db, TxClient } from '../../src/db/prisma-client.js';
import { markReported, type ErrorReporter } from '../../src/observability/error-reporter.js';

const db = mockDeep<Db>();
const reporter = mockDeep<ErrorReporter>();

beforeEach(() => {
  mockReset(db);
  mockReset(reporter);
  // Interactive transactions call back with the (mocked) client.
  db.$transaction.mockImplementation(((fn: (tx: TxClient) => Promise<unknown>) => fn(db as unknown as TxClient)) as never);
});

describe('createDataLayer', () => {
  test('when the database answers a read, then the row comes back as data', async () => {
    const row = { id: 3, title: 'Salon' };
    db.$queryRawUnsafe.mockResolvedValue([row] as never);
    await expect(createDataLayer(db, { reporter }).getCompany({ companyId: 3 })).resolves.toEqual({ success: true, data: row });
  });

  test('when the database times out, then the result says TIMEOUT and retryable', async () => {
    db.$queryRawUnsafe.mockRejectedValue(new TimeoutError('the statement took longer than the query timeout') as never);
    await expect(createDataLayer(db, { reporter }).getServices({ companyId: 1 })).resolves.toMatchObject({
      success: false,
      error: { code: 'TIMEOUT', retryable: true },
    });
    expect(reporter.report).toHaveBeenCalledTimes(1);
  });

  test('when a bulk write keeps failing with serialization errors, then the transaction gives up and the caller gets a retryable failure', async () => {
    db.$transaction.mockRejectedValue(new SerializationFailureError('conflict') as never);
    const dataLayer = createDataLayer(db, { reporter, transactionMaxRetries: 1, transactionTimeoutMs: 1_000 });
    const result = await dataLayer.upsertServices({ companyId: 1, services: [{ crmId: 1, title: 'Cut' }] });
    expect(result).toMatchObject({ success: false, error: { code: 'SERIALIZATION_FAILURE', retryable: true } });
    expect(db.$transaction).toHaveBeenCalledTimes(2);
    // Reported by the transaction once; the facade sees the mark and does not report again.
    expect(reporter.report).toHaveBeenCalledTimes(1);
  });
});

describe('reportOnce', () => {
  test('when an error was already reported, then the wrapped reporter is not called', () => {
    const error = new Error('x');
    markReported(error);
    reportOnce(reporter).report(error, { component: 'data-layer', operation: 'op' });
    reportOnce(reporter).report(new Error('y'), { component: 'data-layer', operation: 'op' });
    expect(reporter.report).toHaveBeenCalledTimes(1);
  });
});
