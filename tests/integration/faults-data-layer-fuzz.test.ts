/**
 * Bad-input fuzzing of the data layer itself (issue 6): every facade method
 * gets random and hostile input, alone or mixed with valid ids. Whatever it
 * gets, a method must resolve to `{ success: true, data }` or to a typed,
 * expected failure (never INTERNAL_ERROR / DATABASE_ERROR, never a throw),
 * send nothing to Sentry, refuse malformed values before they reach
 * PostgreSQL (no SQLSTATE class 22 "data exception" from the server), and
 * leave the database exactly as it was when it refuses.
 *
 * Deterministic: the seed is in the test names (FUZZ_SEED=<n> replays or
 * varies a run), and every failure names its method, case and input shape.
 */
import { createDataLayer, type DataLayer } from '../../src/data-layer/index.js';
import type { OperationEvent } from '../../src/db/prisma-client.js';
import { recordingReporter, type RecordingReporter } from '../helpers/recording-reporter.js';
import { createTestStack, type TestStack } from '../helpers/test-stack.js';
import { seededRandom, type SeededRandom } from '../helpers/seeded-random.js';
import { DOMAIN_TABLES, domainSnapshot } from '../helpers/domain-snapshot.js';
import { throwIfTestTimedOut } from '../helpers/settle-timed-out-tests.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261129);
const CASES_PER_METHOD = 60;
/** Thousands of real database round trips per test: on a shared, loaded machine they need room (a bound, not a speed check). */
const FUZZ_TEST_TIMEOUT_MS = 600_000;

type Rng = SeededRandom;

const ONE_MB = 'x'.repeat(1024 * 1024);

/** Strings that have broken services before: SQL, LIKE wildcards, NUL, broken UTF-16, sizes, numbers and dates as text. */
const HOSTILE_STRINGS: readonly string[] = [
  "'; DROP TABLE clients; --",
  "' OR 1=1 --",
  '1; SELECT pg_sleep(10)',
  '$$; DELETE FROM appointments; $$',
  '%_\\',
  '%',
  '_',
  '\\',
  '"',
  '\u0000',
  'Анна\u0000',
  '\u0000\u0000\u0000',
  '\ud800',
  'a\udfffb',
  '\udc00\ud800',
  '🙂💅✂️ Ёжик 中文 עברית',
  '\u202eevil',
  '\u200b',
  '',
  '   ',
  '\n\t\r',
  ONE_MB,
  '\u0000'.repeat(1_000),
  '__proto__',
  'constructor',
  'NaN',
  'Infinity',
  '-1',
  '0',
  '1e309',
  '2147483648',
  '0x10',
  '1',
  'true',
  'null',
  '2026-02-30',
  '2026-13-01',
  '0000-01-01',
  '01.12.2026',
  '2026-12-01T25:00:00Z',
  '2026-12-01T10:00:00',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '+275760-09-13T00:00:00.000Z',
  '24:00',
  '25:61',
  '+7 (999) 123-45-67',
  '8 999 123 45 67\u0000',
];

function cyclic(): Record<string, unknown> {
  const value: Record<string, unknown> = { a: 1 };
  value.self = value;
  return value;
}

function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: true };
  for (let level = 0; level < depth; level += 1) value = { level, child: value };
  return value;
}

/** An object that throws on any read: what a broken caller-side proxy or getter looks like. */
function explosive(): object {
  return new Proxy(
    {},
    {
      get: () => {
        throw new Error('boom from a getter');
      },
      ownKeys: () => {
        throw new Error('boom from ownKeys');
      },
      getOwnPropertyDescriptor: () => {
        throw new Error('boom from a descriptor');
      },
      has: () => {
        throw new Error('boom from has');
      },
    },
  );
}

/** Values of the wrong type or out of range for whatever field they land in. */
function hostileNonString(rng: Rng): unknown {
  const makers: (() => unknown)[] = [
    () => 0,
    () => -1,
    () => -0,
    () => 1.5,
    () => Number.NaN,
    () => Number.POSITIVE_INFINITY,
    () => Number.NEGATIVE_INFINITY,
    () => 2 ** 31,
    () => 2 ** 31 - 1,
    () => -(2 ** 31),
    () => 2 ** 53 + 2,
    () => 1e11,
    () => 1e308,
    () => 5e-324,
    () => Number.MAX_VALUE,
    () => 10n,
    () => 2n ** 70n,
    () => true,
    () => false,
    () => null,
    () => undefined,
    () => [],
    () => [1, 2],
    () => ['pending'],
    () => [null],
    () => ({}),
    () => ({ a: 1 }),
    () => ({ __proto__: { polluted: true } }),
    () => JSON.parse('{"__proto__": {"polluted": true}}') as unknown,
    () => Object.create(null) as unknown,
    () => new Date(Number.NaN),
    () => new Date(-8.64e15),
    () => new Date(8.64e15),
    () => new Date('-000100-01-01T00:00:00Z'),
    () => new Date('0000-01-01T00:00:00Z'),
    () => new Date('2030-06-01T10:00:00Z'),
    () => new Map([['a', 1]]),
    () => Symbol('x'),
    () => () => 1,
    () => cyclic(),
    () => nested(200),
    () => explosive(),
  ];
  return rng.pick(makers)();
}

/** Random UTF-16 code units, NUL and lone surrogates included. */
function randomText(rng: Rng): string {
  const length = rng.int(48);
  let text = '';
  for (let i = 0; i < length; i += 1) {
    const kind = rng.int(6);
    text += kind === 0 ? '\u0000' : kind === 1 ? String.fromCharCode(0xd800 + rng.int(0x800)) : String.fromCharCode(rng.int(0xffff));
  }
  return text;
}

function hostileValue(rng: Rng, validIds: readonly number[]): unknown {
  const roll = rng.next();
  if (roll < 0.35) return rng.pick(HOSTILE_STRINGS);
  if (roll < 0.45) return randomText(rng);
  // Valid ids in the wrong field (a staff id as a client id, a company id as a service id ...).
  if (roll < 0.55) return rng.pick(validIds);
  return hostileNonString(rng);
}

/** A deep copy of a template with `value` at a dotted path ('clients.1.phone'); arrays and objects are rebuilt. */
function withValue(input: unknown, path: string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string, ...string[]];
  if (Array.isArray(input)) {
    const copy = [...input];
    copy[Number(head)] = withValue(copy[Number(head)], rest, value);
    return copy;
  }
  const base = input !== null && typeof input === 'object' ? (input as Record<string, unknown>) : {};
  return { ...base, [head]: withValue(base[head], rest, value) };
}

/** A short, safe description of an input for failure messages (no megabyte dumps). */
function summary(value: unknown, depth = 0): string {
  if (typeof value === 'string') return value.length > 40 ? `string(${value.length})` : JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol' || typeof value === 'function' || value === undefined) return String(value);
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (value === null || typeof value !== 'object') return String(value);
  if (depth > 2) return '{...}';
  try {
    if (value instanceof Date) return `Date(${Number.isNaN(value.getTime()) ? 'invalid' : value.getTime()})`;
    if (Array.isArray(value)) return value.length > 5 ? `array(${value.length})` : `[${value.map((item) => summary(item, depth + 1)).join(', ')}]`;
    const entries = Object.keys(value).slice(0, 12);
    return `{${entries.map((key) => `${key}: ${summary((value as Record<string, unknown>)[key], depth + 1)}`).join(', ')}}`;
  } catch {
    return '<unreadable object>';
  }
}

interface Ids {
  company: number;
  otherCompany: number;
  staff: number;
  firedStaff: number;
  service: number;
  client: number;
  appointment: number;
}

type Method = keyof DataLayer & string;

interface MethodSpec {
  method: Method;
  /** A valid input: the fuzzer breaks one to three of its fields. */
  valid: (rng: Rng) => Record<string, unknown>;
  /** Dotted paths of the fields to break (nested rows included). */
  fields: string[];
}

/** Hundreds of calls per test: generous, so a loaded machine slows them down without failing them. */
const FUZZ_TIMEOUT_MS = 300_000;

const phoneFor = (n: number) => `7999${String(n).padStart(7, '0')}`;

function methodSpecs(ids: Ids): MethodSpec[] {
  const day = (rng: Rng) => `2031-0${1 + rng.int(9)}-1${rng.int(10)}`;
  const instant = (rng: Rng) => `${day(rng)}T${String(8 + rng.int(10)).padStart(2, '0')}:${rng.pick(['00', '15', '30', '45'])}:00Z`;
  const phone = (rng: Rng) => rng.pick([phoneFor(1), phoneFor(100 + rng.int(50)), '+7 (999) 000-00-01']);
  return [
    { method: 'getDialogContext', valid: (rng) => ({ companyId: ids.company, phone: phone(rng) }), fields: ['companyId', 'phone'] },
    {
      method: 'upsertDialogContext',
      valid: (rng) => ({ companyId: ids.company, phone: phone(rng), state: { step: 'pick', options: [1, null, { ru: 'ёлка' }] }, mode: rng.pick(['merge', 'replace']), lastMessageAt: instant(rng) }),
      fields: ['companyId', 'phone', 'state', 'state.step', 'state.options.1', 'state.deep', 'mode', 'lastMessageAt'],
    },
    { method: 'getClientByPhone', valid: (rng) => ({ companyId: ids.company, phone: phone(rng) }), fields: ['companyId', 'phone'] },
    { method: 'getClientById', valid: () => ({ companyId: ids.company, clientId: ids.client }), fields: ['companyId', 'clientId'] },
    {
      method: 'getClientAppointments',
      valid: (rng) => ({ companyId: ids.company, clientId: ids.client, from: '2030-01-01T00:00:00Z', to: '2032-01-01T00:00:00+03:00', status: rng.pick(['pending', ['pending', 'confirmed']]), limit: 10 }),
      fields: ['companyId', 'clientId', 'from', 'to', 'status', 'status.0', 'limit'],
    },
    { method: 'getUpcomingAppointments', valid: () => ({ companyId: ids.company, clientId: ids.client, limit: 5 }), fields: ['companyId', 'clientId', 'limit'] },
    { method: 'searchClientsByName', valid: () => ({ companyId: ids.company, query: 'Ири', limit: 5 }), fields: ['companyId', 'query', 'limit'] },
    {
      method: 'upsertClient',
      valid: (rng) => ({
        companyId: ids.company,
        phone: phone(rng),
        crmId: 1 + rng.int(1000),
        name: 'Ирина',
        email: 'irina@example.com',
        visitCount: rng.int(10),
        totalSpent: rng.pick([0, 1500.5, '99.99']),
        lastVisitAt: instant(rng),
        raw: { source: 'crm', tags: ['a'] },
      }),
      fields: ['companyId', 'phone', 'crmId', 'name', 'email', 'visitCount', 'totalSpent', 'lastVisitAt', 'raw', 'raw.source'],
    },
    {
      method: 'upsertClients',
      valid: (rng) => ({
        companyId: ids.company,
        clients: [0, 1, 2].map((i) => ({ phone: phoneFor(200 + rng.int(50) + i * 50), name: `Client ${i}`, visitCount: i, totalSpent: i * 10, raw: { i } })),
      }),
      fields: ['companyId', 'clients', 'clients.0', 'clients.1.phone', 'clients.2.name', 'clients.0.email', 'clients.1.visitCount', 'clients.2.totalSpent', 'clients.1.raw', 'clients.0.lastVisitAt', 'clients.3'],
    },
    { method: 'getStaffById', valid: () => ({ companyId: ids.company, staffId: ids.staff }), fields: ['companyId', 'staffId'] },
    {
      method: 'getStaffSchedules',
      valid: () => ({ companyId: ids.company, staffId: ids.staff, from: '2030-06-01', to: '2030-06-30' }),
      fields: ['companyId', 'staffId', 'from', 'to'],
    },
    { method: 'getStaffSchedule', valid: () => ({ companyId: ids.company, staffId: ids.staff, date: '2030-06-01' }), fields: ['companyId', 'staffId', 'date'] },
    {
      method: 'upsertStaffSchedules',
      valid: (rng) => ({
        companyId: ids.company,
        schedules: [
          { staffId: ids.staff, date: day(rng), isWorking: true, workingIntervals: [{ from: '10:00', to: '18:00' }], freeSlots: ['10:00'] },
          { staffId: ids.firedStaff, date: day(rng), isWorking: false },
        ],
      }),
      fields: ['companyId', 'schedules', 'schedules.0', 'schedules.0.staffId', 'schedules.1.date', 'schedules.0.isWorking', 'schedules.0.workingIntervals', 'schedules.0.workingIntervals.0.from', 'schedules.0.freeSlots', 'schedules.0.freeSlots.0'],
    },
    { method: 'getServices', valid: () => ({ companyId: ids.company, includeInactive: true }), fields: ['companyId', 'includeInactive'] },
    { method: 'getServiceById', valid: () => ({ companyId: ids.company, serviceId: ids.service }), fields: ['companyId', 'serviceId'] },
    { method: 'getServicesByCategory', valid: () => ({ companyId: ids.company, categoryId: 3, includeInactive: false }), fields: ['companyId', 'categoryId', 'includeInactive'] },
    {
      method: 'upsertServices',
      valid: (rng) => ({
        companyId: ids.company,
        services: [
          { crmId: 10 + rng.int(20), title: 'Окрашивание', categoryId: 3, categoryTitle: 'Волосы', priceMin: 1000, priceMax: '2500.50', duration: 90, isActive: true, weight: 1, raw: { id: 1 } },
        ],
      }),
      fields: ['companyId', 'services', 'services.0', 'services.0.crmId', 'services.0.title', 'services.0.categoryId', 'services.0.categoryTitle', 'services.0.priceMin', 'services.0.priceMax', 'services.0.duration', 'services.0.isActive', 'services.0.weight', 'services.0.raw'],
    },
    {
      method: 'getStaff',
      valid: (rng) => (rng.next() < 0.5 ? { companyId: ids.company, includeInactive: true } : { companyId: ids.company, date: '2030-06-01', serviceId: ids.service }),
      fields: ['companyId', 'includeInactive', 'date', 'serviceId'],
    },
    { method: 'getCompany', valid: () => ({ companyId: ids.company }), fields: ['companyId'] },
    {
      method: 'upsertCompany',
      valid: () => ({ id: ids.otherCompany, title: 'Другой салон', phone: '+7 495 000-00-00', timezone: 'Europe/Moscow', country: 'RU', settings: { language: 'ru' } }),
      fields: ['id', 'title', 'phone', 'timezone', 'country', 'settings', 'settings.language'],
    },
    {
      method: 'createBooking',
      valid: (rng) => ({
        companyId: ids.company,
        client: { phone: phone(rng), name: 'Вера', email: 'vera@example.com' },
        staffId: ids.staff,
        serviceId: ids.service,
        startAt: instant(rng),
        status: 'pending',
        crmRecordId: 1 + rng.int(1000),
        comment: 'первый визит',
        idempotencyKey: `wamid.${rng.int(50)}`,
      }),
      fields: ['companyId', 'client', 'client.phone', 'client.name', 'client.email', 'staffId', 'serviceId', 'startAt', 'endAt', 'status', 'crmRecordId', 'comment', 'idempotencyKey'],
    },
    {
      method: 'rescheduleBooking',
      valid: (rng) => ({ companyId: ids.company, appointmentId: ids.appointment, startAt: instant(rng) }),
      fields: ['companyId', 'appointmentId', 'startAt', 'endAt'],
    },
    { method: 'cancelBooking', valid: () => ({ companyId: ids.company, appointmentId: ids.appointment }), fields: ['companyId', 'appointmentId'] },
  ];
}

const TABLES = DOMAIN_TABLES;

describe(`data layer under hostile input (seed ${SEED})`, () => {
  let stack: TestStack;
  let dataLayer: DataLayer;
  let reporter: RecordingReporter;
  let ids: Ids;
  /** Malformed values that reached PostgreSQL (SQLSTATE class 22): the schemas should have refused them. */
  const dataExceptions: string[] = [];
  let currentCall = '';

  const snapshot = () => domainSnapshot(stack.pool);

  /**
   * The failure list of the running test. A loop of a test that timed out
   * finds its list superseded at its next call and stops there, instead of
   * calling on while the next test runs (and changing what it measures).
   */
  let liveFailures: string[] | undefined;
  const failuresOfThisTest = (): string[] => (liveFailures = []);

  /** One call, checked: resolves, well-formed result, expected codes only, nothing reported, no write when refused. */
  async function check(label: string, call: () => Promise<unknown>, before: Record<string, string>, failures: string[]): Promise<Record<string, string>> {
    if (failures !== liveFailures) throw new Error(`${label}: not run, the test that started it has ended`);
    throwIfTestTimedOut();
    currentCall = label;
    const reportsBefore = reporter.attempts;
    let result: unknown;
    try {
      result = await call();
    } catch (error) {
      failures.push(`${label}: threw ${(error as Error)?.name}: ${(error as Error)?.message}`);
      return snapshot();
    }
    const shaped = result as { success?: unknown; data?: unknown; error?: { code?: unknown; message?: unknown; retryable?: unknown } };
    if (shaped?.success === true) {
      if (!('data' in shaped)) failures.push(`${label}: success without data`);
    } else if (shaped?.success === false) {
      const { error } = shaped;
      if (!error || typeof error.code !== 'string' || typeof error.message !== 'string' || typeof error.retryable !== 'boolean') {
        failures.push(`${label}: malformed error ${summary(error)}`);
      } else if (error.code === 'INTERNAL_ERROR' || error.code === 'DATABASE_ERROR') {
        failures.push(`${label}: ${error.code}: ${error.message}`);
      }
    } else {
      failures.push(`${label}: not a Result: ${summary(result)}`);
    }
    if (reporter.attempts !== reportsBefore) failures.push(`${label}: reported to Sentry (${summary(reporter.reports.at(-1)?.report)})`);
    const after = await snapshot();
    if (shaped?.success === false && JSON.stringify(after) !== JSON.stringify(before)) {
      failures.push(`${label}: refused, but the database changed: ${TABLES.filter((t) => after[t] !== before[t]).join(', ')}`);
    }
    return after;
  }

  const call = (method: Method, input: unknown) => () => (dataLayer[method] as (input: unknown) => Promise<unknown>).call(dataLayer, input);

  beforeAll(async () => {
    reporter = recordingReporter();
    stack = await createTestStack({
      reporter,
      onOperation: (event: OperationEvent) => {
        if (event.error?.sqlState?.startsWith('22')) dataExceptions.push(`${currentCall}: ${event.model}.${event.operation} SQLSTATE ${event.error.sqlState}`);
      },
    });
    // 20,000-row writes in one transaction: on a loaded machine they can outlast the default 15 s transaction bound.
    dataLayer = createDataLayer(stack.db, { reporter, now: () => new Date('2030-05-01T09:00:00Z'), transactionTimeoutMs: 120_000 });
    const seeded = [
      await dataLayer.upsertCompany({ id: 1, title: 'Салон', timezone: 'Europe/Moscow' }),
      await dataLayer.upsertCompany({ id: 2, title: 'Другой салон', timezone: 'Asia/Yekaterinburg' }),
      await dataLayer.upsertServices({ companyId: 1, services: [{ crmId: 1, title: 'Стрижка', categoryId: 3, duration: 60 }] }),
      await dataLayer.upsertClient({ companyId: 1, phone: phoneFor(1), name: 'Ирина' }),
    ];
    expect(seeded.every((r) => r.success)).toBe(true);
    await stack.db.staff.createMany({ data: [{ companyId: 1, crmId: 1, name: 'Анна' }, { companyId: 1, crmId: 2, name: 'Уволена', isFired: true }] });
    const staff = await stack.db.staff.findMany({ where: { companyId: 1 }, orderBy: { crmId: 'asc' } });
    const service = await stack.db.service.findFirstOrThrow({ where: { companyId: 1 } });
    const client = await stack.db.client.findFirstOrThrow({ where: { companyId: 1 } });
    await dataLayer.upsertStaffSchedules({ companyId: 1, schedules: [{ staffId: staff[0]!.id, date: '2030-06-01', workingIntervals: [{ from: '10:00', to: '18:00' }] }] });
    const booking = await dataLayer.createBooking({ companyId: 1, client: { phone: phoneFor(1) }, staffId: staff[0]!.id, serviceId: service.id, startAt: '2030-06-01T08:00:00Z' });
    if (!booking.success) throw new Error(`seed booking failed: ${booking.error.message}`);
    await dataLayer.upsertDialogContext({ companyId: 1, phone: phoneFor(1), state: { step: 'start' } });
    ids = { company: 1, otherCompany: 2, staff: staff[0]!.id, firedStaff: staff[1]!.id, service: service.id, client: client.id, appointment: booking.data.appointment.id };
  });

  afterAll(async () => {
    await stack?.close();
  });

  beforeEach(() => {
    dataExceptions.length = 0;
  });

  test(`when every method gets random hostile values in one to three fields (seed ${SEED}), then each answers a Result, never a 500-style error, and refusals write nothing`, async () => {
    const rng = seededRandom(SEED);
    const specs = methodSpecs(ids);
    const validIds = Object.values(ids);
    expect(specs).toHaveLength(23);
    const failures = failuresOfThisTest();
    let state = await snapshot();
    for (const spec of specs) {
      for (let n = 0; n < CASES_PER_METHOD; n += 1) {
        let input: unknown = spec.valid(rng);
        const broken: string[] = [];
        const changes = 1 + rng.int(3);
        for (let c = 0; c < changes; c += 1) {
          const field = rng.pick(spec.fields);
          const value = hostileValue(rng, validIds);
          input = withValue(input, field.split('.'), value);
          broken.push(`${field}=${summary(value)}`);
        }
        state = await check(`seed ${SEED} ${spec.method} case ${n} [${broken.join('; ')}]`, call(spec.method, input), state, failures);
      }
    }
    expect(failures).toEqual([]);
    expect(dataExceptions).toEqual([]);
  }, FUZZ_TEST_TIMEOUT_MS);

  test(`when every string field of every method gets each hostile string (seed ${SEED}), then none reaches the database as a data exception`, async () => {
    const specs = methodSpecs(ids);
    const rng = seededRandom(SEED + 1);
    const failures = failuresOfThisTest();
    let state = await snapshot();
    for (const spec of specs) {
      const template = spec.valid(rng);
      for (const field of spec.fields) {
        for (const [index, text] of HOSTILE_STRINGS.entries()) {
          const input = withValue(template, field.split('.'), text);
          state = await check(`seed ${SEED} ${spec.method} ${field}=hostile[${index}] ${summary(text)}`, call(spec.method, input), state, failures);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(dataExceptions).toEqual([]);
  }, FUZZ_TEST_TIMEOUT_MS);

  test(`when the whole input is of the wrong kind (seed ${SEED}), then every method answers VALIDATION_ERROR and writes nothing`, async () => {
    const rng = seededRandom(SEED + 2);
    const wholeInputs: unknown[] = [
      undefined,
      null,
      'string',
      "'; DROP TABLE clients; --",
      42,
      Number.NaN,
      10n,
      true,
      [],
      [{}],
      {},
      Object.create(null),
      cyclic(),
      nested(5_000),
      explosive(),
      new Date(),
      () => ({}),
      Symbol('input'),
      hostileNonString(rng),
    ];
    const failures = failuresOfThisTest();
    let state = await snapshot();
    for (const spec of methodSpecs(ids)) {
      for (const [index, input] of wholeInputs.entries()) {
        const label = `seed ${SEED} ${spec.method} whole input #${index} ${summary(input)}`;
        const outcome: unknown[] = [];
        state = await check(label, async () => {
          const result = await call(spec.method, input)();
          outcome.push(result);
          return result;
        }, state, failures);
        const code = (outcome[0] as { error?: { code?: string } } | undefined)?.error?.code;
        if (code !== 'VALIDATION_ERROR') failures.push(`${label}: expected VALIDATION_ERROR, got ${summary(outcome[0])}`);
      }
    }
    expect(failures).toEqual([]);
  }, FUZZ_TEST_TIMEOUT_MS);

  test('when upsertClients gets 20,000 valid rows, then all are written; 20,000 rows with one hostile row are refused and write nothing', async () => {
    const failures = failuresOfThisTest();
    const rows = Array.from({ length: 20_000 }, (_, i) => ({ phone: phoneFor(1_000_000 + i), name: `Bulk ${i}`, raw: { i } }));
    let state = await snapshot();
    const hostileRows: [string, unknown][] = [
      ['NUL in a name', { phone: phoneFor(3_000_000), name: 'Bulk\u0000' }],
      ['lone surrogate in a name', { phone: phoneFor(3_000_001), name: 'Bulk \ud800' }],
      ['NUL in raw JSON', { phone: phoneFor(3_000_002), name: 'x', raw: { note: 'a\u0000b' } }],
      ['NUL in a raw JSON key', { phone: phoneFor(3_000_003), name: 'x', raw: { 'a\u0000': 1 } }],
      ['impossible phone', { phone: "'; DROP TABLE clients; --", name: 'x' }],
      ['amount over the column', { phone: phoneFor(3_000_004), name: 'x', totalSpent: 1e11 }],
      ['a visit count over 32 bits', { phone: phoneFor(3_000_005), name: 'x', visitCount: 2 ** 31 }],
      ['a year PostgreSQL has not', { phone: phoneFor(3_000_006), name: 'x', lastVisitAt: new Date('0000-06-01T00:00:00Z') }],
      ['null row', null],
    ];
    for (const [name, row] of hostileRows) {
      const input = { companyId: ids.company, clients: [...rows.slice(0, 19_999), row] };
      state = await check(`upsertClients 20,000 rows, last one: ${name}`, call('upsertClients', input), state, failures);
    }
    expect(failures).toEqual([]);
    expect(dataExceptions).toEqual([]);
    const countBefore = await stack.db.client.count();
    const result = await dataLayer.upsertClients({ companyId: ids.company, clients: rows });
    expect(result).toMatchObject({ success: true, data: { inserted: 20_000 } });
    await expect(stack.db.client.count()).resolves.toBe(countBefore + 20_000);
  }, FUZZ_TEST_TIMEOUT_MS);

  test('when a dialog state is deeply nested or huge, then a bounded one round-trips and the others are VALIDATION_ERROR without a stack overflow', async () => {
    const phone = phoneFor(4_000_000);
    const ok = await dataLayer.upsertDialogContext({ companyId: ids.company, phone, state: nested(50), mode: 'replace' });
    expect(ok).toMatchObject({ success: true, data: { state: nested(50) } });
    const failures = failuresOfThisTest();
    let state = await snapshot();
    const hostileStates: [string, unknown][] = [
      ['nested 100 levels', nested(100)],
      ['nested 100,000 levels', nested(100_000)],
      ['an array nested 100,000 levels', { a: JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`) as unknown }],
      ['1 MB of text', { text: ONE_MB }],
      ['100,000 keys', Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i]))],
      ['NUL in a value', { text: '\u0000' }],
      ['NUL in a key', { '\u0000': 1 }],
      ['a lone surrogate', { text: '\udc00' }],
      ['a BigInt', { n: 1n }],
      ['a cycle', cyclic()],
    ];
    for (const [name, hostile] of hostileStates) {
      for (const mode of ['merge', 'replace'] as const) {
        state = await check(`upsertDialogContext state: ${name} (${mode})`, call('upsertDialogContext', { companyId: ids.company, phone, state: hostile, mode }), state, failures);
      }
    }
    expect(failures).toEqual([]);
    expect(dataExceptions).toEqual([]);
    await expect(dataLayer.getDialogContext({ companyId: ids.company, phone })).resolves.toMatchObject({ success: true, data: { state: nested(50) } });
  }, FUZZ_TEST_TIMEOUT_MS);
});
