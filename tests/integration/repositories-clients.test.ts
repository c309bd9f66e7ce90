import { Prisma } from '../../src/generated/prisma/client.js';
import { ValidationError } from '../../src/db/errors.js';
import { ClientRepository } from '../../src/repositories/client-repository.js';
import { AppointmentRepository } from '../../src/repositories/appointment-repository.js';
import { CompanyRepository } from '../../src/repositories/company-repository.js';
import { StaffRepository } from '../../src/repositories/staff-repository.js';
import { createTestStack, type TestStack } from '../helpers/test-stack.js';

let stack: TestStack;
let clients: ClientRepository;
let appointments: AppointmentRepository;
let nextCompanyId = 1;

/** Each test works in a salon of its own. */
async function freshCompany(): Promise<number> {
  const id = nextCompanyId++;
  await new CompanyRepository(stack.db).upsertCompany({ id, title: `Salon ${id}` });
  return id;
}

beforeAll(async () => {
  stack = await createTestStack();
  clients = new ClientRepository(stack.db);
  appointments = new AppointmentRepository(stack.db);
});

afterAll(async () => {
  await stack?.close();
});

describe('ClientRepository.findByPhone', () => {
  test.each(['+7 (999) 123-45-67', '89991234567', '79991234567', '79991234567@s.whatsapp.net'])(
    'when the phone is typed as %p, then the stored client is found',
    async (typed) => {
      const companyId = await freshCompany();
      const stored = await clients.upsertByPhone(companyId, { phone: '79991234567', name: 'Анна' });
      expect(stored.phone).toBe('79991234567');
      await expect(clients.findByPhone(companyId, typed)).resolves.toMatchObject({ id: stored.id, name: 'Анна' });
    },
  );

  test('when the phone is impossible, then it is a validation error', async () => {
    const companyId = await freshCompany();
    await expect(clients.findByPhone(companyId, '12-34')).rejects.toBeInstanceOf(ValidationError);
  });

  test('when another salon has the client, then this salon does not see it', async () => {
    const a = await freshCompany();
    const b = await freshCompany();
    await clients.upsertByPhone(a, { phone: '79990000001' });
    await expect(clients.findByPhone(b, '79990000001')).resolves.toBeNull();
  });
});

describe('ClientRepository.searchByName', () => {
  test('when the text differs in case, then the client is still found, ordered by name', async () => {
    const companyId = await freshCompany();
    await clients.syncClients(companyId, [
      { phone: '79990000011', name: 'Мария Иванова' },
      { phone: '79990000012', name: 'мариЯ Петрова' },
      { phone: '79990000013', name: 'Ольга' },
    ]);
    const found = await clients.searchByName(companyId, 'МАРИЯ', 10);
    expect(found.map((c) => c.name)).toEqual(['Мария Иванова', 'мариЯ Петрова']);
  });

  test('when the text contains % or _, then they match literally', async () => {
    const companyId = await freshCompany();
    await clients.syncClients(companyId, [
      { phone: '79990000021', name: '100% Anna' },
      { phone: '79990000022', name: '100 Anna' },
      { phone: '79990000023', name: 'a_b' },
      { phone: '79990000024', name: 'axb' },
    ]);
    expect((await clients.searchByName(companyId, '100%', 10)).map((c) => c.name)).toEqual(['100% Anna']);
    expect((await clients.searchByName(companyId, 'a_b', 10)).map((c) => c.name)).toEqual(['a_b']);
  });

  test('when the limit is smaller than the matches, then only that many come back', async () => {
    const companyId = await freshCompany();
    await clients.syncClients(companyId, Array.from({ length: 5 }, (_, i) => ({ phone: `7999000003${i}`, name: `Anna ${i}` })));
    await expect(clients.searchByName(companyId, 'anna', 2)).resolves.toHaveLength(2);
  });

  test('when the text is only spaces, then it is a validation error', async () => {
    await expect(clients.searchByName(1, '   ', 5)).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('ClientRepository appointments', () => {
  async function clientWithAppointments() {
    const companyId = await freshCompany();
    const client = await clients.upsertByPhone(companyId, { phone: '79990000041' });
    const staffRepo = new StaffRepository(stack.db);
    await staffRepo.bulkUpsertForCompany(companyId, [{ crmId: 1, name: 'Master' }]);
    const staff = (await staffRepo.findByCompany(companyId))[0]!;
    const at = (iso: string, minutes = 60) => ({ startAt: new Date(iso), endAt: new Date(Date.parse(iso) + minutes * 60_000) });
    const base = { companyId, clientId: client.id, staffId: staff.id };
    const past = await appointments.create({ ...base, ...at('2030-01-01T10:00:00Z'), status: 'completed' });
    const cancelled = await appointments.create({ ...base, ...at('2030-01-05T10:00:00Z'), status: 'cancelled' });
    const soon = await appointments.create({ ...base, ...at('2030-01-06T10:00:00Z'), status: 'confirmed' });
    const later = await appointments.create({ ...base, ...at('2030-01-07T10:00:00Z') });
    return { companyId, client, past, cancelled, soon, later };
  }

  test('when a range is given, then from is inclusive and to exclusive, oldest first', async () => {
    const { companyId, client, cancelled, soon } = await clientWithAppointments();
    const found = await clients.findAppointments(companyId, client.id, { from: new Date('2030-01-05T10:00:00Z'), to: new Date('2030-01-07T10:00:00Z') });
    expect(found.map((a) => a.id)).toEqual([cancelled.id, soon.id]);
  });

  test('when statuses are given, then only those come back', async () => {
    const { companyId, client, past } = await clientWithAppointments();
    const found = await clients.findAppointments(companyId, client.id, { status: ['completed', 'no_show'] });
    expect(found.map((a) => a.id)).toEqual([past.id]);
  });

  test('when a single status is given instead of an array, then only appointments with that status come back', async () => {
    const { companyId, client, soon, cancelled } = await clientWithAppointments();
    await expect(clients.findAppointments(companyId, client.id, { status: 'confirmed' })).resolves.toMatchObject([{ id: soon.id }]);
    await expect(clients.findAppointments(companyId, client.id, { status: ['cancelled'] })).resolves.toMatchObject([{ id: cancelled.id }]);
    await expect(clients.findAppointments(companyId, client.id, { status: 'no_show' })).resolves.toEqual([]);
  });

  test('when asking for upcoming ones, then past and cancelled appointments are left out', async () => {
    const { companyId, client, soon, later } = await clientWithAppointments();
    const upcoming = await clients.findUpcomingAppointments(companyId, client.id, new Date('2030-01-03T00:00:00Z'));
    expect(upcoming.map((a) => a.id)).toEqual([soon.id, later.id]);
    await expect(clients.findUpcomingAppointments(companyId, client.id, new Date('2030-01-03T00:00:00Z'), 1)).resolves.toHaveLength(1);
  });

  test('when another salon asks for the client or their appointments, then it gets nothing', async () => {
    const { client } = await clientWithAppointments();
    const other = await freshCompany();
    await expect(clients.findById(other, client.id)).resolves.toBeNull();
    await expect(clients.findAppointments(other, client.id)).resolves.toEqual([]);
    await expect(clients.findUpcomingAppointments(other, client.id, new Date('2030-01-03T00:00:00Z'))).resolves.toEqual([]);
  });
});

describe('ClientRepository.upsertByPhone', () => {
  test('when the same data is written again, then updated_at is untouched; a change moves it', async () => {
    const companyId = await freshCompany();
    const first = await clients.upsertByPhone(companyId, { phone: '79990000051', name: 'Vera', totalSpent: '100.50', raw: { a: [1, null] } });
    const again = await clients.upsertByPhone(companyId, { phone: '8 999 000 00 51', name: 'Vera', totalSpent: 100.5, raw: { a: [1, null] } });
    expect(again.id).toBe(first.id);
    expect(again.updatedAt.getTime()).toBe(first.updatedAt.getTime());
    const changed = await clients.upsertByPhone(companyId, { phone: '79990000051', visitCount: 3 });
    expect(changed.updatedAt.getTime()).toBeGreaterThanOrEqual(first.updatedAt.getTime());
    expect(changed).toMatchObject({ name: 'Vera', visitCount: 3 });
    expect(changed.totalSpent).toEqual(new Prisma.Decimal('100.5'));
  });

  test('when 20 callers upsert the same phone at once, then there is exactly one row and nobody gets an error', async () => {
    const companyId = await freshCompany();
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => clients.upsertByPhone(companyId, { phone: '+7 999 000-00-61', name: `Caller ${i % 2}` })),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const ids = new Set(results.map((r) => (r as PromiseFulfilledResult<{ id: number }>).value.id));
    expect(ids.size).toBe(1);
    await expect(clients.count({ companyId })).resolves.toBe(1);
  });
});

describe('ClientRepository.findOrCreateByPhone', () => {
  test('when the client exists, then it is returned as stored and not overwritten', async () => {
    const companyId = await freshCompany();
    const stored = await clients.upsertByPhone(companyId, { phone: '79990000071', name: 'From CRM' });
    const found = await clients.findOrCreateByPhone(companyId, { phone: '89990000071', name: 'Typed in chat' });
    expect(found).toMatchObject({ created: false, client: { id: stored.id, name: 'From CRM' } });
  });

  test('when 20 callers find-or-create the same phone at once, then one row exists and exactly one caller created it', async () => {
    const companyId = await freshCompany();
    const results = await Promise.all(Array.from({ length: 20 }, () => clients.findOrCreateByPhone(companyId, { phone: '79990000072', name: 'New' })));
    expect(new Set(results.map((r) => r.client.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
  });
});

describe('ClientRepository.bulkUpsertByPhone', () => {
  test('when rows give different fields, then an omitted field keeps its stored value', async () => {
    const companyId = await freshCompany();
    await clients.syncClients(companyId, [{ phone: '79990000081', name: 'Kept', email: 'kept@example.com' }]);
    const result = await clients.syncClients(companyId, [
      { phone: '79990000081', visitCount: 2 },
      { phone: '79990000082', name: 'New', email: null },
    ]);
    expect(result).toMatchObject({ inserted: 1, updated: 1, unchanged: 0 });
    await expect(clients.findByPhone(companyId, '79990000081')).resolves.toMatchObject({ name: 'Kept', email: 'kept@example.com', visitCount: 2 });
  });

  test('when a row of another field group is refused by the database, then the error names its input index and nothing is written', async () => {
    const companyId = await freshCompany();
    // No schema in front of the repository: the CHECK on visit_count is what refuses row 2.
    const failure = clients.syncClients(companyId, [
      { phone: '79990000092', name: 'A' },
      { phone: '79990000093', crmId: 6 },
      { phone: '79990000094', crmId: 7, visitCount: -1 },
    ]);
    await expect(failure).rejects.toMatchObject({ code: 'VALIDATION_ERROR', rowIndex: 2 });
    await expect(clients.count({ companyId })).resolves.toBe(0);
  });

  test('when a phone in the list is impossible, then the error names the row and nothing is written', async () => {
    const companyId = await freshCompany();
    await expect(clients.syncClients(companyId, [{ phone: '79990000095' }, { phone: 'nope' }])).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
      fields: ['clients.1.phone'],
      rowIndex: 1,
    });
    await expect(clients.count({ companyId })).resolves.toBe(0);
  });
});
