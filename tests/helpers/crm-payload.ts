/**
 * A CRM-shaped salon for sync tests and the benchmark: deterministic, so two
 * runs produce identical payloads.
 */
import type { DataLayer } from '../../src/data-layer/index.js';
import type { SyncResult } from '../../src/repositories/sync-result.js';
import type { StaffRepository } from '../../src/repositories/staff-repository.js';

export interface CrmPayload {
  companyId: number;
  clients: { phone: string; crmId: number; name: string; email: string | null; visitCount: number; totalSpent: string; lastVisitAt: Date | null; raw: Record<string, unknown> }[];
  services: { crmId: number; title: string; categoryId: number; categoryTitle: string; priceMin: string; priceMax: string; duration: number; isActive: boolean; weight: number; raw: Record<string, unknown> }[];
  staff: { crmId: number; name: string; specialization: string; rating: string; isActive: boolean; isFired: boolean; raw: Record<string, unknown> }[];
  /** Schedules by staff CRM id (the CRM knows no database ids). */
  schedules: { staffCrmId: number; date: string; isWorking: boolean; workingIntervals: { from: string; to: string }[]; freeSlots: string[] }[];
}

export interface PayloadSize {
  clients: number;
  services: number;
  staff: number;
  days: number;
}

export const FULL_SALON: PayloadSize = { clients: 1_000, services: 100, staff: 20, days: 30 };

const pad = (n: number, width: number) => String(n).padStart(width, '0');

export function crmPayload(companyId: number, size: PayloadSize = FULL_SALON, firstDay = '2030-03-01'): CrmPayload {
  const start = Date.parse(`${firstDay}T00:00:00Z`);
  return {
    companyId,
    clients: Array.from({ length: size.clients }, (_, i) => ({
      phone: `+7 (9${pad(companyId % 100, 2)}) ${pad(i, 7).slice(0, 3)}-${pad(i, 7).slice(3, 5)}-${pad(i, 7).slice(5)}`,
      crmId: 100_000 + i,
      name: `Клиентка ${i} «Ёлка»`,
      email: i % 3 === 0 ? null : `client${i}@example.com`,
      visitCount: i % 17,
      totalSpent: `${(i * 137) % 50_000}.${pad(i % 100, 2)}`,
      lastVisitAt: i % 5 === 0 ? null : new Date(Date.UTC(2029, i % 12, (i % 27) + 1, 10, 30)),
      raw: { id: 100_000 + i, tags: ['vip', i % 2 === 0 ? 'new' : null], card: { discount: i % 10, note: null } },
    })),
    services: Array.from({ length: size.services }, (_, i) => ({
      crmId: 5_000 + i,
      title: `Услуга ${pad(i, 3)}`,
      categoryId: 700 + (i % 10),
      categoryTitle: `Категория ${i % 10}`,
      priceMin: `${1_000 + i * 10}.00`,
      priceMax: `${2_000 + i * 10}.50`,
      duration: 30 + (i % 4) * 15,
      isActive: i % 10 !== 9,
      weight: i % 7,
      raw: { id: 5_000 + i, seanceLength: (30 + (i % 4) * 15) * 60 },
    })),
    staff: Array.from({ length: size.staff }, (_, i) => ({
      crmId: 900 + i,
      name: `Мастер ${pad(i, 2)}`,
      specialization: i % 2 === 0 ? 'Парикмахер' : 'Мастер маникюра',
      rating: `${(4 + (i % 10) / 10).toFixed(2)}`,
      isActive: true,
      isFired: false,
      raw: { id: 900 + i },
    })),
    schedules: Array.from({ length: size.staff * size.days }, (_, n) => {
      const staffIndex = n % size.staff;
      const day = Math.floor(n / size.staff);
      const working = (day + staffIndex) % 7 !== 0;
      return {
        staffCrmId: 900 + staffIndex,
        date: new Date(start + day * 86_400_000).toISOString().slice(0, 10),
        isWorking: working,
        workingIntervals: working ? [{ from: '10:00', to: '14:00' }, { from: '15:00', to: '20:00' }] : [],
        freeSlots: working ? ['10:00', '10:30', '11:00'] : [],
      };
    }),
  };
}

/**
 * One salon's CRM sync through the data layer. Staff go through the
 * repository: the facade's 20 operations have no staff upsert.
 */

export interface SyncCounts {
  clients: SyncResult;
  services: SyncResult;
  staff: SyncResult;
  schedules: SyncResult;
}

function unwrap<T>(what: string, result: { success: true; data: T } | { success: false; error: { code: string; message: string } }): T {
  if (!result.success) throw new Error(`${what} failed: ${result.error.code}: ${result.error.message}`);
  return result.data;
}

export async function syncSalon(dataLayer: DataLayer, staffRepository: StaffRepository, payload: CrmPayload): Promise<SyncCounts> {
  const { companyId } = payload;
  unwrap('upsertCompany', await dataLayer.upsertCompany({ id: companyId, title: `Salon ${companyId}`, timezone: 'Europe/Moscow' }));
  const clients = unwrap('upsertClients', await dataLayer.upsertClients({ companyId, clients: payload.clients }));
  const services = unwrap('upsertServices', await dataLayer.upsertServices({ companyId, services: payload.services }));
  const staff = await staffRepository.bulkUpsertForCompany(companyId, payload.staff);
  const members = await staffRepository.findByCompany(companyId, { includeInactive: true });
  const idByCrm = new Map(members.map((m) => [m.crmId, m.id]));
  const schedules = unwrap(
    'upsertStaffSchedules',
    await dataLayer.upsertStaffSchedules({
      companyId,
      schedules: payload.schedules.map(({ staffCrmId, ...day }) => ({ ...day, staffId: idByCrm.get(staffCrmId) ?? 0 })),
    }),
  );
  return { clients, services, staff, schedules };
}
