import { Prisma } from '../../src/generated/prisma/client.js';
import { ValidationError, ForeignKeyViolationError } from '../../src/db/errors.js';
import { escapeLike } from '../../src/repositories/base-repository.js';
import { createTestStack, type TestStack } from '../helpers/test-stack.js';
import { TestClientRepository, TestCompanyRepository, phoneFor } from '../helpers/test-repositories.js';

let stack: TestStack;
let clients: TestClientRepository;
let companies: TestCompanyRepository;
let nextCompanyId = 1;

/** Each test works in a company of its own, so tests never see each other's rows. */
async function freshCompany(): Promise<number> {
  const id = nextCompanyId++;
  await companies.upsert({ id, title: `Salon ${id}` }, ['id']);
  return id;
}

beforeAll(async () => {
  stack = await createTestStack();
  clients = new TestClientRepository(stack.db, { maxLimit: 2_000 });
  companies = new TestCompanyRepository(stack.db);
});

afterAll(async () => {
  await stack?.close();
});

async function seedClients(companyId: number, count: number) {
  const rows = Array.from({ length: count }, (_, index) => ({
    companyId,
    phone: phoneFor(companyId * 100_000 + index),
    name: index % 2 === 0 ? `Anna ${index}` : `Boris ${index}`,
    visitCount: index,
    totalSpent: new Prisma.Decimal(index * 10),
  }));
  await clients.bulkUpsert(rows, ['companyId', 'phone']);
  return rows;
}

describe('BaseRepository.findOne', () => {
  test('when a record matches simple equality filters, then it is returned in the model shape', async () => {
    const companyId = await freshCompany();
    await seedClients(companyId, 5);
    const found = await clients.findOne({ companyId, phone: phoneFor(companyId * 100_000 + 2) });
    expect(found).toMatchObject({ companyId, name: 'Anna 2', visitCount: 2 });
    expect(found?.createdAt).toBeInstanceOf(Date);
    expect(Prisma.Decimal.isDecimal(found?.totalSpent)).toBe(true);
    expect(found?.totalSpent.toFixed(2)).toBe('20.00');
    expect(found?.raw).toEqual({});
  });

  test('when gte, lte, ilike and in are combined, then only the record meeting all of them is returned', async () => {
    const companyId = await freshCompany();
    await seedClients(companyId, 10);
    const found = await clients.findOne({ companyId, visitCount: { gte: 3, lte: 6 }, name: { ilike: 'boris%' }, id: { notIn: [] } });
    expect(found?.name).toMatch(/^Boris [35]$/);
    const byIn = await clients.findMany({ companyId, visitCount: { in: [1, 4, 9] } }, { orderBy: [{ field: 'visitCount' }] });
    expect(byIn.map((c) => c.visitCount)).toEqual([1, 4, 9]);
  });

  test('when nothing matches, then null is returned', async () => {
    const companyId = await freshCompany();
    expect(await clients.findOne({ companyId, phone: phoneFor(1) })).toBeNull();
  });

  test('when orderBy is given, then the first record in that order is returned', async () => {
    const companyId = await freshCompany();
    await seedClients(companyId, 4);
    const top = await clients.findOne({ companyId }, { orderBy: [{ field: 'visitCount', direction: 'desc' }] });
    expect(top?.visitCount).toBe(3);
  });

  test('when user text with % and _ is escaped, then it matches literally', async () => {
    const companyId = await freshCompany();
    await clients.upsert({ companyId, phone: phoneFor(1), name: '100%_sure' }, ['companyId', 'phone']);
    await clients.upsert({ companyId, phone: phoneFor(2), name: '100 percent sure' }, ['companyId', 'phone']);
    const literal = await clients.findMany({ companyId, name: { like: `${escapeLike('100%_')}%` } });
    expect(literal.map((c) => c.name)).toEqual(['100%_sure']);
    const pattern = await clients.findMany({ companyId, name: { like: '100%' } });
    expect(pattern).toHaveLength(2);
  });

  test('when a field is null or isNull is used, then IS NULL semantics apply', async () => {
    const companyId = await freshCompany();
    await clients.upsert({ companyId, phone: phoneFor(1), email: 'a@example.com' }, ['companyId', 'phone']);
    await clients.upsert({ companyId, phone: phoneFor(2) }, ['companyId', 'phone']);
    expect((await clients.findMany({ companyId, email: null })).map((c) => c.phone)).toEqual([phoneFor(2)]);
    expect((await clients.findMany({ companyId, email: { isNull: false } })).map((c) => c.phone)).toEqual([phoneFor(1)]);
    expect((await clients.findMany({ companyId, email: { neq: 'a@example.com' } })).map((c) => c.phone)).toEqual([phoneFor(2)]);
  });
});

describe('BaseRepository.findMany', () => {
  test('when filters, orderBy, limit and offset are given, then the matching page is returned in order', async () => {
    const companyId = await freshCompany();
    await seedClients(companyId, 20);
    const page = await clients.findMany(
      { companyId, visitCount: { gt: 4 } },
      { orderBy: [{ field: 'visitCount', direction: 'desc' }], limit: 5, offset: 2 },
    );
    expect(page.map((c) => c.visitCount)).toEqual([17, 16, 15, 14, 13]);
  });

  test('when several orderBy fields are given, then they sort in sequence', async () => {
    const companyId = await freshCompany();
    await seedClients(companyId, 6);
    const sorted = await clients.findMany({ companyId }, { orderBy: [{ field: 'name', direction: 'desc' }, { field: 'visitCount' }] });
    expect(sorted.map((c) => c.name)).toEqual(['Boris 5', 'Boris 3', 'Boris 1', 'Anna 4', 'Anna 2', 'Anna 0']);
  });

  test('when orderBy is written the Prisma way, then it sorts the same as { field, direction }', async () => {
    const companyId = await freshCompany();
    await seedClients(companyId, 6);
    const expected = ['Boris 5', 'Boris 3', 'Boris 1', 'Anna 4', 'Anna 2', 'Anna 0'];
    const listed = await clients.findMany({ companyId }, { orderBy: [{ name: 'desc' }, { visitCount: 'asc' }] });
    expect(listed.map((c) => c.name)).toEqual(expected);
    const single = await clients.findMany({ companyId }, { orderBy: { visitCount: 'desc' }, limit: 2 });
    expect(single.map((c) => c.visitCount)).toEqual([5, 4]);
    const oneEntry = await clients.findOne({ companyId }, { orderBy: { field: 'visitCount', direction: 'desc' } });
    expect(oneEntry?.visitCount).toBe(5);
  });

  test('when an orderBy direction is neither asc nor desc, then a ValidationError names the column', async () => {
    await expect(clients.findMany({}, { orderBy: { name: 'up' as never } })).rejects.toThrow('orderBy direction of name must be asc or desc');
    await expect(clients.findMany({}, { orderBy: ['name' as never] })).rejects.toThrow(/orderBy entries must be/);
    await expect(clients.findMany({}, { orderBy: [{}] })).rejects.toThrow('an orderBy entry names no field');
  });

  test('when nothing matches, then an empty array is returned', async () => {
    const companyId = await freshCompany();
    expect(await clients.findMany({ companyId })).toEqual([]);
    expect(await clients.findMany({ companyId: { in: [] } })).toEqual([]);
  });

  test('when the limit is above the maximum or not an integer, then a ValidationError is thrown before any SQL', async () => {
    await expect(clients.findMany({}, { limit: 2_001 })).rejects.toThrow(ValidationError);
    await expect(clients.findMany({}, { limit: 0 })).rejects.toThrow(/limit must be an integer from 1 to 2000/);
    await expect(clients.findMany({}, { offset: -1 })).rejects.toThrow(ValidationError);
  });

  test('when timestamps are filtered with a range, then Dates compare as instants', async () => {
    const companyId = await freshCompany();
    const base = new Date('2026-03-01T10:00:00.000Z');
    await clients.bulkUpsert(
      [0, 1, 2, 3].map((day) => ({ companyId, phone: phoneFor(day), lastVisitAt: new Date(base.getTime() + day * 86_400_000) })),
      ['companyId', 'phone'],
    );
    const inRange = await clients.findMany(
      { companyId, lastVisitAt: { gte: new Date('2026-03-02T10:00:00.000Z'), lt: new Date('2026-03-04T10:00:00.000Z') } },
      { orderBy: [{ field: 'lastVisitAt' }] },
    );
    expect(inRange.map((c) => c.lastVisitAt?.toISOString())).toEqual(['2026-03-02T10:00:00.000Z', '2026-03-03T10:00:00.000Z']);
  });
});

describe('BaseRepository filter validation', () => {
  test('when a filter names an unknown field, then a ValidationError lists the allowed fields', async () => {
    const attempt = clients.findOne({ phoneNumber: '1' } as never);
    await expect(attempt).rejects.toThrow(ValidationError);
    await expect(clients.findOne({ phoneNumber: '1' } as never)).rejects.toThrow(/unknown filter field "phoneNumber" for Client; allowed: id, companyId/);
  });

  test('when a filter uses an unknown operator, then a ValidationError lists the operators', async () => {
    await expect(clients.findMany({ visitCount: { between: [1, 2] } } as never)).rejects.toThrow(
      /unknown filter operator "between" on visitCount; allowed: eq, neq, gt, gte, lt, lte, in, notIn, like, ilike, isNull/,
    );
  });

  test('when a value has the wrong type, then a ValidationError names the field and not the value', async () => {
    await expect(clients.findOne({ visitCount: 'many' } as never)).rejects.toThrow('field "visitCount" must be a 32-bit integer');
  });

  test('when orderBy names an unknown field, then a ValidationError is thrown', async () => {
    await expect(clients.findMany({}, { orderBy: [{ field: 'drop table' as never }] })).rejects.toThrow(/unknown orderBy field "drop table"/);
  });

  test('when an upsert hits another unique key, then the error names the columns of that key and none of the values', async () => {
    const companyId = await freshCompany();
    await clients.upsert({ companyId, phone: phoneFor(1), crmId: 5 }, ['companyId', 'phone']);
    const failure = await clients.upsert({ companyId, phone: phoneFor(2), crmId: 5 }, ['companyId', 'phone']).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'UNIQUE_VIOLATION', sqlState: '23505', fields: ['company_id', 'crm_id'], retryable: false });
    expect((failure as Error).message).toBe('a record with the same company_id, crm_id already exists');
    expect(await clients.count({ companyId })).toBe(1);
  });

  test('when upsert data has an unknown field, then a ValidationError is thrown and nothing is written', async () => {
    const companyId = await freshCompany();
    await expect(clients.upsert({ companyId, phone: phoneFor(1), nickname: 'x' } as never, ['companyId', 'phone'])).rejects.toThrow(
      /unknown data field "nickname"/,
    );
    expect(await clients.count({ companyId })).toBe(0);
  });
});

describe('BaseRepository.upsert', () => {
  test('when no record has the conflict key, then it is created and returned', async () => {
    const companyId = await freshCompany();
    const created = await clients.upsert({ companyId, phone: phoneFor(1), name: 'Vera', raw: { source: 'crm', tags: [1, 2] } }, ['companyId', 'phone']);
    expect(created).toMatchObject({ companyId, phone: phoneFor(1), name: 'Vera', visitCount: 0, raw: { source: 'crm', tags: [1, 2] } });
    expect(typeof created.id).toBe('number');
    expect(await clients.findOne({ id: created.id })).toEqual(created);
  });

  test('when a record has the conflict key, then it is updated, keeps its id and gets a newer updatedAt', async () => {
    const companyId = await freshCompany();
    const created = await clients.upsert({ companyId, phone: phoneFor(1), name: 'Vera', visitCount: 1 }, ['companyId', 'phone']);
    // Age the row so "newer" does not depend on the clock advancing between two statements.
    await stack.db.$executeRawUnsafe(`UPDATE clients SET updated_at = updated_at - interval '1 hour' WHERE id = $1`, created.id);
    const updated = await clients.upsert({ companyId, phone: phoneFor(1), name: 'Vera K.', visitCount: 2 }, ['companyId', 'phone']);
    expect(updated.id).toBe(created.id);
    expect(updated).toMatchObject({ name: 'Vera K.', visitCount: 2 });
    expect(updated.createdAt).toEqual(created.createdAt);
    expect(updated.updatedAt.getTime()).toBeGreaterThan(created.updatedAt.getTime() - 3_600_000);
  });

  test('when the data equals the stored record, then the record is returned untouched (same updatedAt)', async () => {
    const companyId = await freshCompany();
    const created = await clients.upsert({ companyId, phone: phoneFor(1), name: 'Vera' }, ['companyId', 'phone']);
    await stack.db.$executeRawUnsafe(`UPDATE clients SET updated_at = updated_at - interval '1 hour' WHERE id = $1`, created.id);
    const aged = await clients.findOne({ id: created.id });
    const again = await clients.upsert({ companyId, phone: phoneFor(1), name: 'Vera' }, ['companyId', 'phone']);
    expect(again).toEqual(aged);
  });

  test('when only the conflict fields are given and the record exists, then it is returned', async () => {
    const companyId = await freshCompany();
    const created = await clients.upsert({ companyId, phone: phoneFor(1), name: 'Vera' }, ['companyId', 'phone']);
    expect(await clients.upsert({ companyId, phone: phoneFor(1) }, ['companyId', 'phone'])).toEqual(created);
  });

  test('when a conflict field has no value, then a ValidationError is thrown', async () => {
    await expect(clients.upsert({ name: 'x' }, ['companyId', 'phone'])).rejects.toThrow(/conflict field "companyId" must have a value/);
  });

  test('when the company does not exist, then a ForeignKeyViolationError is thrown', async () => {
    await expect(clients.upsert({ companyId: 999_999, phone: phoneFor(1) }, ['companyId', 'phone'])).rejects.toThrow(ForeignKeyViolationError);
  });
});

describe('BaseRepository.bulkUpsert', () => {
  test('when many new records are given, then all are inserted and readable', async () => {
    const companyId = await freshCompany();
    const result = await clients.bulkUpsert(
      Array.from({ length: 300 }, (_, index) => ({ companyId, phone: phoneFor(index), name: `C${index}`, totalSpent: index + 0.5, raw: { i: index } })),
      ['companyId', 'phone'],
    );
    expect(result).toEqual({ inserted: 300, updated: 0, unchanged: 0, duplicates: 0 });
    const sample = await clients.findOne({ companyId, phone: phoneFor(123) });
    expect(sample).toMatchObject({ name: 'C123', raw: { i: 123 } });
    expect(sample?.totalSpent.toFixed(2)).toBe('123.50');
  });

  test('when values hold quotes, backslashes, braces, commas, the word NULL or nothing, then they round-trip exactly', async () => {
    const companyId = await freshCompany();
    const awkward = ['', 'NULL', 'null', 'a"b', 'back\\slash', '{x,y}', 'comma, here', '  spaced  ', 'ünïcødé 😀', "it's", 'line\nbreak'];
    await clients.bulkUpsert(
      awkward.map((name, index) => ({ companyId, phone: phoneFor(index), name, email: index === 0 ? null : `e${index}@x.io`, raw: { name, nested: { q: '"}' } } })),
      ['companyId', 'phone'],
    );
    const stored = await clients.findMany({ companyId }, { orderBy: [{ field: 'phone' }] });
    expect(stored.map((c) => c.name)).toEqual(awkward);
    expect(stored.map((c) => (c.raw as { name: string }).name)).toEqual(awkward);
    expect(stored[0]?.email).toBeNull();
    expect(stored[3]?.raw).toEqual({ name: 'a"b', nested: { q: '"}' } });
  });

  test('when 1,201 rows are written in batches of 500, then three statements write them all', async () => {
    const statements: string[] = [];
    const observed = await createTestStack({ onOperation: (event) => statements.push(`${event.model}.${event.operation}`) });
    try {
      await new TestCompanyRepository(observed.db).upsert({ id: 1, title: 'Salon' }, ['id']);
      statements.length = 0;
      const repo = new TestClientRepository(observed.db);
      const result = await repo.bulkUpsert(
        Array.from({ length: 1_201 }, (_, index) => ({ companyId: 1, phone: phoneFor(index), visitCount: index })),
        ['companyId', 'phone'],
        { batchSize: 500 },
      );
      expect(result).toEqual({ inserted: 1_201, updated: 0, unchanged: 0, duplicates: 0 });
      expect(statements).toEqual(['Client.bulkUpsert', 'Client.bulkUpsert', 'Client.bulkUpsert']);
      expect(await repo.count({ companyId: 1 })).toBe(1_201);
    } finally {
      await observed.close();
    }
  });

  test('when some rows exist, then new ones are inserted, changed ones updated and identical ones left untouched', async () => {
    const companyId = await freshCompany();
    await clients.bulkUpsert(
      [0, 1, 2, 3].map((index) => ({ companyId, phone: phoneFor(index), name: `C${index}` })),
      ['companyId', 'phone'],
    );
    await stack.db.$executeRawUnsafe(`UPDATE clients SET updated_at = updated_at - interval '1 hour' WHERE company_id = $1`, companyId);
    const before = await clients.findOne({ companyId, phone: phoneFor(0) });
    const result = await clients.bulkUpsert(
      [0, 1, 2, 3, 4, 5].map((index) => ({ companyId, phone: phoneFor(index), name: index === 1 || index === 2 ? `Changed ${index}` : `C${index}` })),
      ['companyId', 'phone'],
    );
    expect(result).toEqual({ inserted: 2, updated: 2, unchanged: 2, duplicates: 0 });
    expect(await clients.findOne({ companyId, phone: phoneFor(0) })).toEqual(before);
    expect((await clients.findOne({ companyId, phone: phoneFor(1) }))?.name).toBe('Changed 1');
  });

  test('when a conflict key repeats within one call, then the last row wins', async () => {
    const companyId = await freshCompany();
    const result = await clients.bulkUpsert(
      [
        { companyId, phone: phoneFor(1), name: 'first' },
        { companyId, phone: phoneFor(2), name: 'other' },
        { companyId, phone: phoneFor(1), name: 'last' },
      ],
      ['companyId', 'phone'],
      { batchSize: 2 },
    );
    expect(result).toEqual({ inserted: 2, updated: 0, unchanged: 0, duplicates: 1 });
    expect((await clients.findOne({ companyId, phone: phoneFor(1) }))?.name).toBe('last');
  });

  test('when the array is empty, then nothing is done', async () => {
    expect(await clients.bulkUpsert([], ['companyId', 'phone'])).toEqual({ inserted: 0, updated: 0, unchanged: 0, duplicates: 0 });
  });

  test('when a row in the second batch breaks a database rule, then that batch is not applied and the error names the row', async () => {
    const companyId = await freshCompany();
    const rows = Array.from({ length: 900 }, (_, index) => ({ companyId, phone: index === 742 ? '0123' : phoneFor(index), name: `C${index}` }));
    const failure = await clients.bulkUpsert(rows, ['companyId', 'phone']).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ValidationError);
    expect((failure as ValidationError).rowIndex).toBe(742);
    expect((failure as Error).message).toMatch(/row 742 failed: .*batch 2 of 2 \(input rows 500-899\) was not applied/);
    // Batches commit on their own: the first is in, the failed one left nothing behind.
    expect(await clients.count({ companyId })).toBe(500);
    expect(await clients.count({ companyId, phone: phoneFor(501) })).toBe(0);
  });

  test('when a row has a wrong type, then the call fails naming the row before anything is written', async () => {
    const companyId = await freshCompany();
    const rows = Array.from({ length: 10 }, (_, index) => ({ companyId, phone: phoneFor(index), visitCount: index === 7 ? ('seven' as never) : index }));
    await expect(clients.bulkUpsert(rows, ['companyId', 'phone'])).rejects.toThrow('row 7: field "visitCount" must be a 32-bit integer');
    expect(await clients.count({ companyId })).toBe(0);
  });

  test('when rows give different fields, then a ValidationError names the row and the difference', async () => {
    const companyId = await freshCompany();
    await expect(
      clients.bulkUpsert([{ companyId, phone: phoneFor(1), name: 'a' }, { companyId, phone: phoneFor(2) }], ['companyId', 'phone']),
    ).rejects.toThrow(/row 1: .*missing: name/);
  });

  test('when used inside a transaction that fails later, then nothing of the call remains', async () => {
    const companyId = await freshCompany();
    await expect(
      clients.withTransaction(async (tx) => {
        await clients.bulkUpsertTx(tx, [{ companyId, phone: phoneFor(1) }], ['companyId', 'phone']);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await clients.count({ companyId })).toBe(0);
  });

  test('when a batch fails inside a transaction, then the row is named and the transaction can still commit earlier work', async () => {
    const companyId = await freshCompany();
    const outcome = await clients.withTransaction(async (tx) => {
      await clients.upsertTx(tx, { companyId, phone: phoneFor(1), name: 'kept' }, ['companyId', 'phone']);
      const failure = await clients
        .bulkUpsertTx(tx, [{ companyId, phone: phoneFor(2) }, { companyId, phone: 'bad' }], ['companyId', 'phone'])
        .catch((error: unknown) => error as ValidationError);
      return failure;
    });
    expect(outcome).toBeInstanceOf(ValidationError);
    expect((outcome as ValidationError).rowIndex).toBe(1);
    expect((await clients.findMany({ companyId })).map((c) => c.name)).toEqual(['kept']);
  });
});

describe('BaseRepository transactional variants', () => {
  test('when findOneTx and upsertTx run in one transaction, then they see each other and commit together', async () => {
    const companyId = await freshCompany();
    const seen = await clients.withTransaction(async (tx) => {
      await clients.upsertTx(tx, { companyId, phone: phoneFor(1), name: 'in tx' }, ['companyId', 'phone']);
      expect(await clients.findOne({ companyId })).toBeNull();
      return clients.findOneTx(tx, { companyId });
    });
    expect(seen?.name).toBe('in tx');
    expect((await clients.findManyTx(stack.db, { companyId })).length).toBe(1);
  });
});
