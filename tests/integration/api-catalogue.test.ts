import request from 'supertest';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { recordingReporter } from '../helpers/recording-reporter.js';
import { composeApi, type ComposedApi } from '../../src/api/compose-api.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/observability/logger.js';

/**
 * The catalogue routes through the real composition (composeApi) on a real
 * PostgreSQL. The salon is the seed's demo salon (scripts/seed.ts shapes),
 * written through the data layer the API itself uses; staff through Prisma,
 * as the seed does, because the facade has no staff upsert.
 */
const COMPANY = 962302;
const OTHER_COMPANY = 962303;
const MAX_INT = 2_147_483_647;

/** A calendar day n days from today (UTC); a week ahead so "free time after now" never bites. */
function dayFromToday(n: number): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + n)).toISOString().slice(0, 10);
}
const DAY_1 = dayFromToday(7);
const DAY_2 = dayFromToday(8);
const DAY_3 = dayFromToday(9);
/** Moscow is UTC+3 all year: local 10:00 is 07:00Z. */
const moscow = (day: string, hhmm: string) => new Date(`${day}T${hhmm}:00+03:00`).toISOString();

const SERVICES = [
  { crmId: 201, title: "Women's haircut", categoryId: 1, categoryTitle: 'Hair', priceMin: 1500, priceMax: 2500, duration: 60, weight: 1 },
  { crmId: 202, title: 'Hair colouring', categoryId: 1, categoryTitle: 'Hair', priceMin: '3500.50', priceMax: 6000, duration: 120, weight: 2 },
  { crmId: 203, title: 'Manicure with gel polish', categoryId: 2, categoryTitle: 'Nails', priceMin: 1800, priceMax: 2200, duration: 90, weight: 1 },
  { crmId: 204, title: 'Brow shaping', categoryId: 3, categoryTitle: 'Brows', priceMin: 800, priceMax: 800, duration: 30, weight: 1 },
  { crmId: 205, title: 'Retired service', categoryId: 1, categoryTitle: 'Hair', priceMin: 1, priceMax: 2, duration: 30, isActive: false },
];
const STAFF = [
  { crmId: 101, name: 'Anna Petrova', specialization: 'Hair stylist', rating: 4.9 },
  { crmId: 102, name: 'Maria Ivanova', specialization: 'Manicure', rating: 4.8 },
  { crmId: 103, name: 'Olga Smirnova', specialization: 'Brows and lashes', rating: 4.7 },
];

const PHONE = '74951234567';
const STAFF_PHONE = '79161112233';

function sample(body: string, series: string): number {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

describe('catalogue API', () => {
  let database: TestDatabase;
  let api: ComposedApi;
  let http: ReturnType<typeof request>;
  const reporter = recordingReporter();
  const staffIds: Record<string, number> = {};
  const serviceIds: Record<number, number> = {};
  let otherStaffId: number;
  let otherServiceId: number;

  beforeAll(async () => {
    database = await createTestDatabase();
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: database.url, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
    api = await composeApi(config, silentLogger, reporter, { flushReporter: async () => true });
    http = request(`http://127.0.0.1:${api.address.port}`);
    const { dataLayer, database: opened } = api;

    const must = async <T>(result: Promise<{ success: true; data: T } | { success: false; error: unknown }>): Promise<T> => {
      const outcome = await result;
      if (!outcome.success) throw new Error(`seeding failed: ${JSON.stringify(outcome.error)}`);
      return outcome.data;
    };
    // Settings and phone are stored so the test can show they are not served.
    await must(dataLayer.upsertCompany({ id: COMPANY, title: 'Demo Beauty Salon', phone: PHONE, timezone: 'Europe/Moscow', settings: { apiToken: 'do-not-serve' } }));
    await must(dataLayer.upsertCompany({ id: OTHER_COMPANY, title: 'Other Salon', timezone: 'Europe/Moscow' }));
    await must(dataLayer.upsertServices({ companyId: COMPANY, services: SERVICES }));
    await must(dataLayer.upsertServices({ companyId: OTHER_COMPANY, services: [{ crmId: 201, title: 'Other haircut', duration: 60 }] }));
    for (const service of await opened.db.service.findMany()) {
      if (service.companyId === COMPANY) serviceIds[service.crmId] = service.id;
      else otherServiceId = service.id;
    }
    for (const member of STAFF) {
      const row = await opened.db.staff.create({ data: { companyId: COMPANY, ...member, raw: { phone: STAFF_PHONE } } });
      staffIds[member.name.split(' ')[0]!] = row.id;
    }
    await opened.db.staff.create({ data: { companyId: COMPANY, crmId: 104, name: 'Fired Person', isFired: true } });
    otherStaffId = (await opened.db.staff.create({ data: { companyId: OTHER_COMPANY, crmId: 101, name: 'Elsewhere' } })).id;

    const workingDay = { isWorking: true, workingIntervals: [{ from: '10:00', to: '20:00' }] };
    await must(
      dataLayer.upsertStaffSchedules({
        companyId: COMPANY,
        schedules: Object.values(staffIds).flatMap((staffId) => [
          { staffId, date: DAY_1, ...workingDay },
          { staffId, date: DAY_2, ...workingDay },
          // Maria is off on day 3.
          staffId === staffIds.Maria ? { staffId, date: DAY_3, isWorking: false } : { staffId, date: DAY_3, ...workingDay },
        ]),
      }),
    );
    await must(dataLayer.upsertStaffSchedules({ companyId: OTHER_COMPANY, schedules: [{ staffId: otherStaffId, date: DAY_1, ...workingDay }] }));
  });
  afterAll(async () => {
    await api?.shutdown('test end');
    await database?.drop();
  });

  describe('GET /api/companies/:companyId', () => {
    test('when the salon exists, then 200 with its id, title and time zone and neither its phone nor its settings', async () => {
      const response = await http.get(`/api/companies/${COMPANY}`);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ data: { id: COMPANY, title: 'Demo Beauty Salon', timezone: 'Europe/Moscow' } });
      expect(response.text).not.toContain(PHONE);
      expect(response.text).not.toContain('do-not-serve');
    });

    test('when the salon does not exist, then 404 NOT_FOUND as JSON', async () => {
      const response = await http.get('/api/companies/1');
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ error: { code: 'NOT_FOUND', message: 'no such company', retryable: false } });
    });

    test('when the id is not a positive 32-bit integer, then 400 VALIDATION_ERROR as JSON', async () => {
      for (const bad of ['abc', '0', '-1', '1.5', '1e3', '0x10', '%201', '%E0%A4%A', '007', String(MAX_INT + 1), '99999999999', "1'%20OR%201=1"]) {
        const response = await http.get(`/api/companies/${bad}`);
        expect({ bad, status: response.status, code: response.body?.error?.code }).toEqual({ bad, status: 400, code: 'VALIDATION_ERROR' });
      }
      expect((await http.get(`/api/companies/${MAX_INT}`)).status).toBe(404);
    });
  });

  describe('GET /api/companies/:companyId/services', () => {
    test('when the salon has services, then 200 with the active ones, prices as decimal strings and no raw CRM data', async () => {
      const response = await http.get(`/api/companies/${COMPANY}/services`);
      expect(response.status).toBe(200);
      const data = response.body.data as Array<Record<string, unknown>>;
      expect(data.map((s) => s.crmId).sort()).toEqual([201, 202, 203, 204]);
      expect(data.find((s) => s.crmId === 202)).toEqual({
        id: serviceIds[202],
        crmId: 202,
        title: 'Hair colouring',
        categoryId: 1,
        categoryTitle: 'Hair',
        priceMin: '3500.5',
        priceMax: '6000',
        durationMinutes: 120,
        weight: 2,
      });
    });

    test('when a categoryId is given, then 200 with that category only', async () => {
      const response = await http.get(`/api/companies/${COMPANY}/services?categoryId=1`);
      expect(response.status).toBe(200);
      expect((response.body.data as Array<{ crmId: number }>).map((s) => s.crmId).sort()).toEqual([201, 202]);
      expect((await http.get(`/api/companies/${COMPANY}/services?categoryId=77`)).body).toEqual({ data: [] });
    });

    test('when the salon does not exist, then 404 rather than an empty list', async () => {
      const response = await http.get('/api/companies/5/services');
      expect(response.status).toBe(404);
      expect(response.body.error).toMatchObject({ code: 'NOT_FOUND' });
    });

    test('when the categoryId is malformed or repeated, then 400 VALIDATION_ERROR', async () => {
      for (const query of ['categoryId=x', 'categoryId=-1', 'categoryId=', 'categoryId=1&categoryId=2', `categoryId=${MAX_INT + 1}`]) {
        const response = await http.get(`/api/companies/${COMPANY}/services?${query}`);
        expect({ query, status: response.status, code: response.body?.error?.code }).toEqual({ query, status: 400, code: 'VALIDATION_ERROR' });
      }
    });
  });

  describe('GET /api/companies/:companyId/staff', () => {
    test('when no date is given, then 200 with the active staff, ratings as strings, without raw CRM data', async () => {
      const response = await http.get(`/api/companies/${COMPANY}/staff`);
      expect(response.status).toBe(200);
      expect(response.body.data).toEqual([
        { id: staffIds.Anna, crmId: 101, name: 'Anna Petrova', specialization: 'Hair stylist', rating: '4.9' },
        { id: staffIds.Maria, crmId: 102, name: 'Maria Ivanova', specialization: 'Manicure', rating: '4.8' },
        { id: staffIds.Olga, crmId: 103, name: 'Olga Smirnova', specialization: 'Brows and lashes', rating: '4.7' },
      ]);
      expect(response.text).not.toContain(STAFF_PHONE);
    });

    test('when a date is given, then 200 with the staff who have free time that day, with their free intervals', async () => {
      // Anna is booked all day; Maria is off on day 3.
      const booked = await api.dataLayer.createBooking({
        companyId: COMPANY,
        client: { phone: '+7 999 000 11 22' },
        staffId: staffIds.Anna!,
        startAt: moscow(DAY_3, '10:00'),
        endAt: moscow(DAY_3, '20:00'),
      });
      expect(booked.success).toBe(true);
      const response = await http.get(`/api/companies/${COMPANY}/staff?date=${DAY_3}`);
      expect(response.status).toBe(200);
      expect(response.body.data).toEqual([
        expect.objectContaining({
          id: staffIds.Olga,
          freeIntervals: [{ startAt: moscow(DAY_3, '10:00'), endAt: moscow(DAY_3, '20:00'), startAtLocal: `${DAY_3}T10:00:00+03:00`, endAtLocal: `${DAY_3}T20:00:00+03:00` }],
        }),
      ]);
      // No client data rides along with availability.
      expect(response.text).not.toContain('79990001122');
    });

    test('when a serviceId is given with the date, then only staff with a free piece as long as the service come back', async () => {
      // Olga keeps 10:00-11:00 and 19:00-20:00: enough for a haircut (60), not for colouring (120).
      await api.dataLayer.createBooking({
        companyId: COMPANY,
        client: { phone: '+7 999 000 33 44' },
        staffId: staffIds.Olga!,
        startAt: moscow(DAY_2, '11:00'),
        endAt: moscow(DAY_2, '19:00'),
      });
      const names = async (serviceId: number) =>
        ((await http.get(`/api/companies/${COMPANY}/staff?date=${DAY_2}&serviceId=${serviceId}`).expect(200)).body.data as Array<{ name: string }>).map(
          (m) => m.name,
        );
      await expect(names(serviceIds[201]!)).resolves.toEqual(['Anna Petrova', 'Maria Ivanova', 'Olga Smirnova']);
      await expect(names(serviceIds[202]!)).resolves.toEqual(['Anna Petrova', 'Maria Ivanova']);
    });

    test('when the service belongs to another salon, then 404 NOT_FOUND', async () => {
      const response = await http.get(`/api/companies/${COMPANY}/staff?date=${DAY_1}&serviceId=${otherServiceId}`);
      expect(response.status).toBe(404);
      expect(response.body.error).toMatchObject({ code: 'NOT_FOUND', retryable: false });
    });

    test('when the salon switched the service off, then 422 SERVICE_INACTIVE: nothing is offered that a booking would refuse', async () => {
      const response = await http.get(`/api/companies/${COMPANY}/staff?date=${DAY_1}&serviceId=${serviceIds[205]}`);
      expect(response.status).toBe(422);
      expect(response.body.error).toMatchObject({ code: 'SERVICE_INACTIVE', retryable: false });
    });

    test('when every free interval listed over HTTP is offered, then booking its first slot succeeds for each one', async () => {
      const serviceId = serviceIds[202]!;
      const listed = (await http.get(`/api/companies/${COMPANY}/staff?date=${DAY_1}&serviceId=${serviceId}`).expect(200)).body.data as Array<{
        id: number;
        freeIntervals: Array<{ startAt: string }>;
      }>;
      const offers = listed.flatMap((member) => member.freeIntervals.map((free) => ({ staffId: member.id, startAt: free.startAt })));
      expect(offers).toHaveLength(3);
      const booked = [];
      for (const [i, offer] of offers.entries()) {
        const result = await api.dataLayer.createBooking({ companyId: COMPANY, client: { phone: `+7 999 000 77 ${String(i).padStart(2, '0')}` }, staffId: offer.staffId, serviceId, startAt: offer.startAt });
        booked.push(result.success ? 'booked' : result.error.code);
      }
      expect(booked).toEqual(['booked', 'booked', 'booked']);
    });

    test('when the date or serviceId is malformed, or serviceId comes without a date, then 400 VALIDATION_ERROR', async () => {
      for (const query of ['date=2026-02-30', 'date=tomorrow', 'date=2026-1-5', `date=${DAY_1}T10:00:00Z`, `date=${DAY_1}&date=${DAY_2}`, 'serviceId=1', `date=${DAY_1}&serviceId=abc`]) {
        const response = await http.get(`/api/companies/${COMPANY}/staff?${query}`);
        expect({ query, status: response.status, code: response.body?.error?.code }).toEqual({ query, status: 400, code: 'VALIDATION_ERROR' });
      }
    });

    test('when the salon does not exist, then 404 NOT_FOUND', async () => {
      expect((await http.get(`/api/companies/5/staff?date=${DAY_1}`)).status).toBe(404);
    });
  });

  describe('GET /api/companies/:companyId/staff/:staffId/schedules', () => {
    test('when the range covers the seeded days, then 200 with one row per day, dates as YYYY-MM-DD', async () => {
      const response = await http.get(`/api/companies/${COMPANY}/staff/${staffIds.Maria}/schedules?from=${DAY_1}&to=${DAY_3}`);
      expect(response.status).toBe(200);
      const hours = (day: string) => [{ startAt: moscow(day, '10:00'), endAt: moscow(day, '20:00'), startAtLocal: `${day}T10:00:00+03:00`, endAtLocal: `${day}T20:00:00+03:00` }];
      const row = { staffId: staffIds.Maria, freeSlots: [], timeZone: 'Europe/Moscow' };
      expect(response.body.data).toEqual([
        { ...row, date: DAY_1, isWorking: true, workingIntervals: [{ from: '10:00', to: '20:00' }], workingPeriods: hours(DAY_1) },
        { ...row, date: DAY_2, isWorking: true, workingIntervals: [{ from: '10:00', to: '20:00' }], workingPeriods: hours(DAY_2) },
        { ...row, date: DAY_3, isWorking: false, workingIntervals: [], workingPeriods: [] },
      ]);
      const one = await http.get(`/api/companies/${COMPANY}/staff/${staffIds.Maria}/schedules?from=${DAY_2}&to=${DAY_2}`);
      expect((one.body.data as Array<{ date: string }>).map((s) => s.date)).toEqual([DAY_2]);
    });

    test('when the staff member is unknown or works for another salon, then 404 NOT_FOUND', async () => {
      for (const staffId of [otherStaffId, MAX_INT]) {
        const response = await http.get(`/api/companies/${COMPANY}/staff/${staffId}/schedules?from=${DAY_1}&to=${DAY_1}`);
        expect({ staffId, status: response.status, body: response.body }).toEqual({
          staffId,
          status: 404,
          body: { error: { code: 'NOT_FOUND', message: 'no staff member with this id in this salon', retryable: false } },
        });
      }
      expect((await http.get(`/api/companies/5/staff/${staffIds.Anna}/schedules?from=${DAY_1}&to=${DAY_1}`)).status).toBe(404);
    });

    test('when from/to are missing, malformed, reversed or more than 93 days apart, or the staff id is bad, then 400 VALIDATION_ERROR', async () => {
      const base = `/api/companies/${COMPANY}/staff`;
      for (const path of [
        `${base}/${staffIds.Anna}/schedules`,
        `${base}/${staffIds.Anna}/schedules?from=${DAY_1}`,
        `${base}/${staffIds.Anna}/schedules?from=2026-13-01&to=2026-13-02`,
        `${base}/${staffIds.Anna}/schedules?from=${DAY_3}&to=${DAY_1}`,
        `${base}/${staffIds.Anna}/schedules?from=2026-01-01&to=2026-12-31`,
        `${base}/x/schedules?from=${DAY_1}&to=${DAY_1}`,
        `${base}/0/schedules?from=${DAY_1}&to=${DAY_1}`,
      ]) {
        const response = await http.get(path);
        expect({ path, status: response.status, code: response.body?.error?.code }).toEqual({ path, status: 400, code: 'VALIDATION_ERROR' });
      }
    });
  });

  describe('GET /metrics', () => {
    test('when a booking goes through the composed data layer, then the transaction histogram counts a createBooking commit', async () => {
      const series = 'ai_admin_data_db_transaction_duration_seconds_count{transaction="createBooking",outcome="commit"}';
      const before = sample((await http.get('/metrics').expect(200)).text, series);
      const booked = await api.dataLayer.createBooking({
        companyId: COMPANY,
        client: { phone: '+7 999 000 55 66' },
        staffId: staffIds.Maria!,
        serviceId: serviceIds[203]!,
        startAt: moscow(DAY_1, '12:00'),
      });
      expect(booked.success).toBe(true);
      expect(sample((await http.get('/metrics').expect(200)).text, series)).toBe(before + 1);
    });
  });

  describe('reporting', () => {
    test('when requests are refused with 400 or 404, then nothing is reported to Sentry', () => {
      expect(reporter.reports).toEqual([]);
    });
  });
});

describe('catalogue API with the database gone', () => {
  let database: TestDatabase;
  let api: ComposedApi;
  const reporter = recordingReporter();

  beforeAll(async () => {
    database = await createTestDatabase();
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: database.url, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
    api = await composeApi(config, silentLogger, reporter, { flushReporter: async () => true });
    await api.dataLayer.upsertCompany({ id: COMPANY, title: 'Demo Beauty Salon' });
  });
  afterAll(async () => {
    // The pool is already ended: that shutdown step fails, the others still run.
    await api?.shutdown('test end');
    await database?.drop();
  });

  test('when the pool has been ended, then the routes answer 503 CONNECTION_LOST, retryable, never 500', async () => {
    const http = request(`http://127.0.0.1:${api.address.port}`);
    expect((await http.get(`/api/companies/${COMPANY}`)).status).toBe(200);
    await api.database.pool.end();
    for (const path of [`/api/companies/${COMPANY}`, `/api/companies/${COMPANY}/services`, `/api/companies/${COMPANY}/staff?date=${DAY_1}`]) {
      const response = await http.get(path);
      expect({ path, status: response.status, error: response.body.error }).toEqual({
        path,
        status: 503,
        error: { code: 'CONNECTION_LOST', message: expect.any(String), retryable: true },
      });
    }
  });
});
