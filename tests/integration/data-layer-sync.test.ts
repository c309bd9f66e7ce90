import { createDataLayer, type DataLayer } from '../../src/data-layer/index.js';
import { StaffRepository } from '../../src/repositories/staff-repository.js';
import { crmPayload, syncSalon, type CrmPayload } from '../helpers/crm-payload.js';
import { createTestStack, type TestStack } from '../helpers/test-stack.js';

/**
 * "A second identical run changes nothing" is checked both ways: the counts
 * say 0 inserted / 0 updated, and no row's updated_at moved (unchanged rows
 * are not written at all: ON CONFLICT ... WHERE row IS DISTINCT FROM).
 */
let stack: TestStack;
let dataLayer: DataLayer;
let staff: StaffRepository;
const COMPANY = 42;
let payload: CrmPayload;

async function fingerprint() {
  const { rows } = await stack.pool.query<{ table: string; n: number; updated: string }>(`
    SELECT 'clients' AS table, count(*)::int AS n, md5(string_agg(id || ':' || updated_at::text, ',' ORDER BY id)) AS updated FROM clients WHERE company_id = ${COMPANY}
    UNION ALL SELECT 'services', count(*)::int, md5(string_agg(id || ':' || updated_at::text, ',' ORDER BY id)) FROM services WHERE company_id = ${COMPANY}
    UNION ALL SELECT 'staff', count(*)::int, md5(string_agg(id || ':' || updated_at::text, ',' ORDER BY id)) FROM staff WHERE company_id = ${COMPANY}
    UNION ALL SELECT 'staff_schedules', count(*)::int, md5(string_agg(s.id || ':' || s.updated_at::text, ',' ORDER BY s.id))
      FROM staff_schedules s JOIN staff st ON st.id = s.staff_id WHERE st.company_id = ${COMPANY}`);
  return Object.fromEntries(rows.map((r) => [r.table, { n: r.n, updated: r.updated }]));
}

beforeAll(async () => {
  stack = await createTestStack();
  dataLayer = createDataLayer(stack.db);
  staff = new StaffRepository(stack.db);
  payload = crmPayload(COMPANY);
});

afterAll(async () => {
  await stack?.close();
});

describe('bulk sync of one salon through the data layer', () => {
  test('when a salon of 1,000 clients, 100 services, 20 staff and 30 days is synced, then every row is inserted', async () => {
    const counts = await syncSalon(dataLayer, staff, payload);
    expect(counts).toEqual({
      clients: { inserted: 1_000, updated: 0, unchanged: 0, duplicates: [], conflicts: [] },
      services: { inserted: 100, updated: 0, unchanged: 0, duplicates: [], conflicts: [] },
      staff: { inserted: 20, updated: 0, unchanged: 0, duplicates: [], conflicts: [] },
      schedules: { inserted: 600, updated: 0, unchanged: 0, duplicates: [], conflicts: [] },
    });
    const stored = await fingerprint();
    expect(Object.fromEntries(Object.entries(stored).map(([t, f]) => [t, f.n]))).toEqual({ clients: 1_000, services: 100, staff: 20, staff_schedules: 600 });
    const client = await dataLayer.getClientByPhone({ companyId: COMPANY, phone: payload.clients[7]!.phone });
    expect(client).toMatchObject({ success: true, data: { name: payload.clients[7]!.name, raw: payload.clients[7]!.raw, lastVisitAt: payload.clients[7]!.lastVisitAt } });
  });

  test('when the identical payload is synced again, then the counts say 0 changes and no updated_at moves', async () => {
    const before = await fingerprint();
    const counts = await syncSalon(dataLayer, staff, crmPayload(COMPANY));
    expect(counts).toEqual({
      clients: { inserted: 0, updated: 0, unchanged: 1_000, duplicates: [], conflicts: [] },
      services: { inserted: 0, updated: 0, unchanged: 100, duplicates: [], conflicts: [] },
      staff: { inserted: 0, updated: 0, unchanged: 20, duplicates: [], conflicts: [] },
      schedules: { inserted: 0, updated: 0, unchanged: 600, duplicates: [], conflicts: [] },
    });
    await expect(fingerprint()).resolves.toEqual(before);
  });

  test('when one record is invalid input, then the error names its index and nothing of the call is written', async () => {
    const before = await fingerprint();
    const clients = payload.clients.map((c) => ({ ...c, visitCount: c.visitCount + 1 }));
    clients[417] = { ...clients[417]!, phone: '12' };
    const result = await dataLayer.upsertClients({ companyId: COMPANY, clients });
    expect(result).toMatchObject({ success: false, error: { code: 'VALIDATION_ERROR', retryable: false } });
    expect(result.success ? '' : result.error.message).toContain('clients.417.phone');
    await expect(fingerprint()).resolves.toEqual(before);
  });

  test('when a schedule points at a staff member that does not exist in the salon, then it is NOT_FOUND, the row is named and no schedule changes', async () => {
    const before = await fingerprint();
    const members = await staff.findByCompany(COMPANY);
    const idByCrm = new Map(members.map((m) => [m.crmId, m.id]));
    const schedules = payload.schedules.map(({ staffCrmId, ...day }) => ({ ...day, staffId: idByCrm.get(staffCrmId)!, isWorking: !day.isWorking }));
    schedules[450] = { ...schedules[450]!, staffId: 2_000_000 };
    const result = await dataLayer.upsertStaffSchedules({ companyId: COMPANY, schedules });
    expect(result).toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });
    expect(result.success ? '' : result.error.message).toMatch(/row 450\b/);
    await expect(fingerprint()).resolves.toEqual(before);
  });

  test('when one client changes, then exactly that one is updated', async () => {
    const clients = payload.clients.map((c, i) => (i === 3 ? { ...c, name: 'Новое имя' } : c));
    await expect(dataLayer.upsertClients({ companyId: COMPANY, clients })).resolves.toEqual({
      success: true,
      data: { inserted: 0, updated: 1, unchanged: 999, duplicates: [], conflicts: [] },
    });
  });
});
