/**
 * Statement timeouts through the facade: retryable in reads, and in writes
 * only when the write's transaction provably rolled back. Another connection
 * holds an ACCESS EXCLUSIVE lock on a table, so the facade's statement on it
 * waits until the server's statement timeout (1 s here) cancels it.
 */
import pg from 'pg';
import { createDataLayer, type DataLayer } from '../../src/data-layer/index.js';
import { recordingReporter } from '../helpers/recording-reporter.js';
import { createTestStack, type TestStack } from '../helpers/test-stack.js';

const COMPANY = 41;
let stack: TestStack;
let dataLayer: DataLayer;
let holder: pg.Client;
let staffId: number;

/** Runs `work` while another transaction holds `table` exclusively; the lock is released whatever happens. */
async function whileLocked<T>(table: string, work: () => Promise<T>): Promise<T> {
  await holder.query('BEGIN');
  try {
    await holder.query(`LOCK TABLE "${table}" IN ACCESS EXCLUSIVE MODE`);
    return await work();
  } finally {
    await holder.query('ROLLBACK');
  }
}

beforeAll(async () => {
  stack = await createTestStack({ env: { POSTGRES_STATEMENT_TIMEOUT_MS: '1000', POSTGRES_MAX_CONNECTIONS: '4' } });
  dataLayer = createDataLayer(stack.db, { reporter: recordingReporter(), now: () => new Date('2030-01-01T00:00:00Z'), transactionMaxRetries: 0 });
  await dataLayer.upsertCompany({ id: COMPANY, title: 'Salon', timezone: 'Europe/Moscow' });
  staffId = (await stack.db.staff.create({ data: { companyId: COMPANY, crmId: 1, name: 'Anna' } })).id;
  await dataLayer.upsertStaffSchedules({ companyId: COMPANY, schedules: [{ staffId, date: '2030-06-01', workingIntervals: [{ from: '10:00', to: '18:00' }] }] });
  holder = new pg.Client({ connectionString: stack.database.url });
  await holder.connect();
});

afterAll(async () => {
  await holder?.end();
  await stack?.close();
});

describe('statement timeouts in the data layer', () => {
  test('when a read operation hits the statement timeout, then the answer is TIMEOUT and retryable', async () => {
    const result = await whileLocked('services', () => dataLayer.getServices({ companyId: COMPANY }));
    expect(result).toEqual({ success: false, error: { code: 'TIMEOUT', message: expect.any(String), retryable: true } });
    await expect(dataLayer.getServices({ companyId: COMPANY })).resolves.toEqual({ success: true, data: [] });
  });

  test('when a booking hits the statement timeout inside its transaction, then it rolled back: retryable, and no client row remains', async () => {
    const booking = { companyId: COMPANY, client: { phone: '79994100001' }, staffId, startAt: '2030-06-01T08:00:00Z', endAt: '2030-06-01T09:00:00Z' };
    const result = await whileLocked('appointments', () => dataLayer.createBooking(booking));
    expect(result).toEqual({ success: false, error: { code: 'TIMEOUT', message: expect.any(String), retryable: true } });
    await expect(stack.db.client.count({ where: { companyId: COMPANY } })).resolves.toBe(0);
    // The retry the answer invites books once.
    await expect(dataLayer.createBooking(booking)).resolves.toMatchObject({ success: true, data: { clientCreated: true } });
  });

  test('when a write outside a transaction hits the statement timeout, then the answer is TIMEOUT and not retryable', async () => {
    const result = await whileLocked('dialog_contexts', () => dataLayer.upsertDialogContext({ companyId: COMPANY, phone: '79994100002', state: { step: 'x' } }));
    expect(result).toEqual({ success: false, error: { code: 'TIMEOUT', message: expect.any(String), retryable: false } });
  });
});
