/**
 * Salons for the load run: one per concurrent conversation, each with 8
 * services, 4 staff and 60 days of schedules (09:00-21:00), written through
 * the data layer where it has an operation for it.
 */
import type { DataLayer } from '../../src/data-layer/index.js';
import type { Db } from '../../src/db/prisma-client.js';
import type { Salon } from './conversation.js';

const DAYS = 60;
const STAFF_PER_SALON = 4;
const SERVICES_PER_SALON = 8;

function unwrap<T>(result: { success: true; data: T } | { success: false; error: { code: string; message: string } }, what: string): T {
  if (!result.success) throw new Error(`seeding ${what} failed: ${result.error.code} ${result.error.message}`);
  return result.data;
}

export async function seedSalons(layer: DataLayer, db: Db, count: number): Promise<Salon[]> {
  const first = new Date();
  first.setUTCDate(first.getUTCDate() + 1);
  const days = Array.from({ length: DAYS }, (_, i) => {
    const day = new Date(first);
    day.setUTCDate(first.getUTCDate() + i);
    return day.toISOString().slice(0, 10);
  });
  const salons: Salon[] = [];
  for (let s = 0; s < count; s += 1) {
    const companyId = 1000 + s;
    unwrap(await layer.upsertCompany({ id: companyId, title: `Load salon ${s}`, timezone: 'Europe/Moscow' }), 'company');
    unwrap(
      await layer.upsertServices({
        companyId,
        services: Array.from({ length: SERVICES_PER_SALON }, (_, i) => ({
          crmId: i + 1,
          title: `Service ${i + 1}`,
          duration: 30 + 15 * (i % 3),
          priceMin: 1000 + 100 * i,
          priceMax: 1500 + 100 * i,
          isActive: true,
        })),
      }),
      'services',
    );
    await db.staff.createMany({
      data: Array.from({ length: STAFF_PER_SALON }, (_, i) => ({ companyId, crmId: i + 1, name: `Master ${i + 1}` })),
    });
    const staff = await db.staff.findMany({ where: { companyId }, select: { id: true } });
    unwrap(
      await layer.upsertStaffSchedules({
        companyId,
        schedules: staff.flatMap((member) =>
          days.map((date) => ({ staffId: member.id, date, isWorking: true, workingIntervals: [{ from: '09:00', to: '21:00' }] })),
        ),
      }),
      'schedules',
    );
    const services = await db.service.findMany({ where: { companyId }, select: { id: true } });
    salons.push({ companyId, serviceIds: services.map((service) => service.id), days });
  }
  return salons;
}
