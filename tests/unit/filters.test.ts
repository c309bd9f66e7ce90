import { mockDeep, mockReset } from 'jest-mock-extended';
import type { Db } from '../../src/db/prisma-client.js';
import { ValidationError } from '../../src/db/errors.js';
import { compileFilters, escapeLike } from '../../src/repositories/filters.js';
import { ParamList } from '../../src/repositories/sql.js';
import { Prisma } from '../../src/generated/prisma/client.js';
import { clientTable } from '../../src/repositories/table-specs.js';
import { TestClientRepository } from '../helpers/test-repositories.js';

const compile = (filters: Record<string, unknown>) => {
  const params = new ParamList();
  const sql = compileFilters(clientTable, filters as never, params);
  return { sql, params: params.values };
};

describe('compileFilters', () => {
  test('when a field is given a plain value, then it is an equality on its column with a typed parameter', () => {
    expect(compile({ companyId: 7, phone: '79991234567' })).toEqual({
      sql: '"company_id" = $1::int AND "phone" = $2::text',
      params: [7, '79991234567'],
    });
  });

  test('when operators are combined on one field, then they are ANDed', () => {
    expect(compile({ visitCount: { gte: 3, lt: 10 } })).toEqual({ sql: '"visit_count" >= $1::int AND "visit_count" < $2::int', params: [3, 10] });
  });

  test('when in and notIn are used, then they compare against one array parameter', () => {
    expect(compile({ id: { in: [1, 2] }, companyId: { notIn: [3] } })).toEqual({
      sql: '"id" = ANY($1::int[]) AND NOT ("company_id" = ANY($2::int[]))',
      params: [[1, 2], [3]],
    });
  });

  test('when in is empty, then nothing matches; when notIn is empty, then everything does', () => {
    expect(compile({ id: { in: [] } }).sql).toBe('FALSE');
    expect(compile({ id: { notIn: [] } }).sql).toBe('TRUE');
  });

  test('when null, isNull or neq are used, then NULL-aware SQL is produced', () => {
    expect(compile({ email: null }).sql).toBe('"email" IS NULL');
    expect(compile({ email: { isNull: false } }).sql).toBe('"email" IS NOT NULL');
    expect(compile({ email: { neq: 'a' } }).sql).toBe('"email" IS DISTINCT FROM $1::text');
    expect(compile({ email: { eq: null } }).sql).toBe('"email" IS NULL');
  });

  test('when like and ilike are used, then the pattern is a parameter', () => {
    expect(compile({ name: { ilike: '%ann%' }, email: { like: 'a%' } })).toEqual({
      sql: '"name" ILIKE $1::text AND "email" LIKE $2::text',
      params: ['%ann%', 'a%'],
    });
  });

  test('when values are Dates and Decimals, then they are sent in an exact text form', () => {
    const when = new Date('2026-05-01T09:30:00.000Z');
    expect(compile({ lastVisitAt: { gte: when }, totalSpent: { gt: new Prisma.Decimal('10.50') } }).params).toEqual(['2026-05-01T09:30:00.000Z', '10.5']);
  });

  test('when no filter is given or every value is undefined, then the condition is TRUE', () => {
    expect(compile({}).sql).toBe('TRUE');
    expect(compile({ phone: undefined, name: { ilike: undefined, like: 'x' } })).toEqual({ sql: '"name" LIKE $1::text', params: ['x'] });
  });

  test('when a field is unknown, then a ValidationError names it and lists the allowed fields', () => {
    expect(() => compile({ 'phone; DROP TABLE clients': '1' })).toThrow(ValidationError);
    expect(() => compile({ telephone: '1' })).toThrow(/unknown filter field "telephone" for Client; allowed: id, companyId, crmId, phone/);
  });

  test('when an operator is unknown or misused, then a ValidationError says what is allowed', () => {
    expect(() => compile({ visitCount: { between: 1 } })).toThrow(/allowed: eq, neq, gt, gte, lt, lte, in, notIn, like, ilike, isNull/);
    expect(() => compile({ visitCount: { like: '1%' } })).toThrow('filter visitCount.like needs a text field');
    expect(() => compile({ id: { in: 5 } })).toThrow('filter id.in must be an array');
    expect(() => compile({ id: { gt: null } })).toThrow('filter id.gt cannot be null');
    expect(() => compile({ email: { isNull: 'yes' } })).toThrow('filter email.isNull must be true or false');
    expect(() => compile({ id: {} })).toThrow(/filter id has no operator/);
  });

  test('when a value has the wrong type, then the error names the field but not the value', () => {
    const attempt = () => compile({ companyId: '79991234567' });
    expect(attempt).toThrow('field "companyId" must be a 32-bit integer');
    expect(attempt).not.toThrow(/79991234567/);
  });
});

describe('escapeLike', () => {
  test('when text holds %, _ or backslash, then each is escaped so it matches literally', () => {
    expect(escapeLike('50%_off\\now')).toBe('50\\%\\_off\\\\now');
    expect(escapeLike('plain')).toBe('plain');
  });
});

describe('BaseRepository SQL safety (mocked client)', () => {
  const db = mockDeep<Db>();
  const repo = new TestClientRepository(db);
  beforeEach(() => {
    mockReset(db);
    db.$queryRawUnsafe.mockResolvedValue([] as never);
  });

  test('when a filter value looks like SQL, then it travels as a parameter and never in the statement', async () => {
    const hostile = "x'; DROP TABLE clients; --";
    await expect(repo.findOne({ name: hostile })).resolves.toBeNull();
    const [sql, ...params] = db.$queryRawUnsafe.mock.calls[0] as [string, ...unknown[]];
    expect(sql).not.toContain(hostile);
    expect(params).toEqual([hostile]);
  });

  test('when a filter field is unknown, then no statement is sent at all', async () => {
    await expect(repo.findMany({ nope: 1 } as never)).rejects.toThrow(ValidationError);
    expect(db.$queryRawUnsafe).not.toHaveBeenCalled();
  });

  test('when findMany gets no limit, then the repository maximum applies', async () => {
    await repo.findMany({ companyId: 1 });
    expect(db.$queryRawUnsafe.mock.calls[0]?.[0]).toMatch(/LIMIT 1000$/);
  });
});
