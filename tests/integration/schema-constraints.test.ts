import pg from 'pg';
import { createTestStack, type TestStack } from '../helpers/test-stack.js';
import { BookingConflictError, ForeignKeyViolationError, UniqueViolationError, ValidationError } from '../../src/db/errors.js';

describe('database rules', () => {
  let stack: TestStack;
  let staffId: number;
  let clientId: number;

  beforeAll(async () => {
    stack = await createTestStack();
    await stack.db.company.create({ data: { id: 1, title: 'Salon' } });
    await stack.db.company.create({ data: { id: 2, title: 'Other salon' } });
    staffId = (await stack.db.staff.create({ data: { companyId: 1, crmId: 10, name: 'Anna' } })).id;
    clientId = (await stack.db.client.create({ data: { companyId: 1, phone: '79990000001' } })).id;
  });
  afterAll(async () => {
    await stack.close();
  });

  const appointment = (start: string, end: string, status: 'pending' | 'cancelled' = 'pending') => ({
    companyId: 1, clientId, staffId, startAt: new Date(start), endAt: new Date(end), status,
  });

  test('when a second client of the same salon has the same phone, then it is a unique violation on (company_id, phone)', async () => {
    const duplicate = stack.db.client.create({ data: { companyId: 1, phone: '79990000001' } });
    await expect(duplicate).rejects.toBeInstanceOf(UniqueViolationError);
    await expect(duplicate).rejects.toMatchObject({ fields: ['company_id', 'phone'], retryable: false });
  });

  test('when another salon has a client with the same phone, then both rows exist', async () => {
    await expect(stack.db.client.create({ data: { companyId: 2, phone: '79990000001' } })).resolves.toMatchObject({ companyId: 2 });
  });

  test('when a client points at a salon that does not exist, then it is a foreign-key violation', async () => {
    await expect(stack.db.client.create({ data: { companyId: 999, phone: '79990000002' } })).rejects.toBeInstanceOf(ForeignKeyViolationError);
  });

  test('when a salon with clients is deleted, then the database refuses (no client is lost)', async () => {
    await expect(stack.db.company.delete({ where: { id: 1 } })).rejects.toBeInstanceOf(ForeignKeyViolationError);
    await expect(stack.db.client.count({ where: { companyId: 1 } })).resolves.toBe(1);
  });

  test('when a phone is not E.164 digits, then the database refuses it', async () => {
    await expect(stack.db.client.create({ data: { companyId: 1, phone: '+7 (999)' } })).rejects.toBeInstanceOf(ValidationError);
  });

  test('when an appointment overlaps an active one of the same staff member, then it is a booking conflict', async () => {
    await stack.db.appointment.create({ data: appointment('2030-01-01T10:00:00Z', '2030-01-01T11:00:00Z') });
    await expect(
      stack.db.appointment.create({ data: appointment('2030-01-01T10:30:00Z', '2030-01-01T11:30:00Z') }),
    ).rejects.toBeInstanceOf(BookingConflictError);
  });

  test('when appointments only touch end to start, then both are allowed', async () => {
    await expect(stack.db.appointment.create({ data: appointment('2030-01-01T11:00:00Z', '2030-01-01T12:00:00Z') })).resolves.toBeDefined();
  });

  test('when the overlapping appointment is cancelled, then the slot can be booked again', async () => {
    const first = await stack.db.appointment.create({ data: appointment('2030-01-02T10:00:00Z', '2030-01-02T11:00:00Z') });
    await stack.db.appointment.update({ where: { id: first.id }, data: { status: 'cancelled' } });
    await expect(stack.db.appointment.create({ data: appointment('2030-01-02T10:00:00Z', '2030-01-02T11:00:00Z') })).resolves.toBeDefined();
  });

  test('when an appointment ends before it starts, then the database refuses it', async () => {
    await expect(stack.db.appointment.create({ data: appointment('2030-01-03T11:00:00Z', '2030-01-03T10:00:00Z') })).rejects.toBeInstanceOf(ValidationError);
  });

  test('when two connections insert conflicting appointments at the same moment, then exactly one succeeds', async () => {
    const clients = [new pg.Client({ connectionString: stack.database.url }), new pg.Client({ connectionString: stack.database.url })];
    await Promise.all(clients.map((c) => c.connect()));
    try {
      // Both transactions insert before either commits: the constraint must still hold.
      await Promise.all(clients.map((c) => c.query('BEGIN')));
      const insert = (c: pg.Client, start: string) =>
        c.query(
          `INSERT INTO appointments (company_id, client_id, staff_id, start_at, end_at, updated_at)
           VALUES (1, $1, $2, $3::timestamptz, $3::timestamptz + interval '1 hour', now())`,
          [clientId, staffId, start],
        );
      const results = await Promise.allSettled([
        insert(clients[0]!, '2030-02-01T10:00:00Z').then(() => clients[0]!.query('COMMIT')),
        insert(clients[1]!, '2030-02-01T10:15:00Z').then(() => clients[1]!.query('COMMIT')),
      ]);
      const failures = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
      expect(failures).toHaveLength(1);
      // PostgreSQL answers an exclusion conflict between two in-flight inserts either way: usually the
      // second waits for the first and gets 23P01; when both reach the conflict check before either
      // commits, each waits for the other and the deadlock detector aborts one with 40P01 (CI saw it).
      // withTransaction retries 40P01, so callers of the data layer still see a booking conflict.
      expect(['23P01', '40P01']).toContain((failures[0]!.reason as { code?: string }).code);
      // The loser's transaction is aborted: end it, and count from a third connection.
      await Promise.all(clients.map((c) => c.query('ROLLBACK').catch(() => undefined)));
      const { rows } = await stack.pool.query("SELECT count(*)::int AS n FROM appointments WHERE start_at >= '2030-02-01' AND start_at < '2030-02-02'");
      expect(rows[0].n).toBe(1);
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
  });

  test('when two transactions each insert into the slot the other holds, then PostgreSQL aborts one as a deadlock and the rule still holds', async () => {
    const clients = [new pg.Client({ connectionString: stack.database.url }), new pg.Client({ connectionString: stack.database.url })];
    await Promise.all(clients.map((c) => c.connect()));
    try {
      const insert = (c: pg.Client, start: string) =>
        c.query(
          `INSERT INTO appointments (company_id, client_id, staff_id, start_at, end_at, updated_at)
           VALUES (1, $1, $2, $3::timestamptz, $3::timestamptz + interval '1 hour', now())`,
          [clientId, staffId, start],
        );
      const [a, b] = clients as [pg.Client, pg.Client];
      await Promise.all([a.query('BEGIN'), b.query('BEGIN')]);
      // Each holds a slot the other is about to overlap: a lock cycle, whatever the timing.
      await insert(a, '2030-03-01T10:00:00Z');
      await insert(b, '2030-03-01T12:00:00Z');
      const crossing = await Promise.allSettled([
        insert(a, '2030-03-01T12:30:00Z').then(() => a.query('COMMIT')),
        insert(b, '2030-03-01T10:30:00Z').then(() => b.query('COMMIT')),
      ]);
      const failures = crossing.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
      expect(failures).toHaveLength(1);
      expect((failures[0]!.reason as { code?: string }).code).toBe('40P01');
      await Promise.all(clients.map((c) => c.query('ROLLBACK').catch(() => undefined)));
      const { rows } = await stack.pool.query("SELECT count(*)::int AS n FROM appointments WHERE start_at >= '2030-03-01' AND start_at < '2030-03-02'");
      expect(rows[0].n).toBe(2);
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
  });
});
