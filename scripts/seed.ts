/**
 * `npm run db:seed`: a small demo salon so a newcomer sees real data.
 * Idempotent: every row is keyed by its CRM id, so running it twice changes nothing.
 * Uses DATABASE_URL, else the embedded server (the running one, or starts it).
 */
import '../src/instrument.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { createLogger } from '../src/observability/logger.js';
import { sentryReporter } from '../src/observability/error-reporter.js';
import { withTransaction } from '../src/db/transaction.js';
import type { TxClient } from '../src/db/prisma-client.js';
import { DEMO_COMPANY_ID } from '../src/api/start-banner.js';
import { parseCommandLine } from './cli/command-line.js';
import { createProgress } from './cli/progress.js';
import { runScript } from './cli/run-script.js';

parseCommandLine({
  invocation: 'npm run db:seed --',
  summary:
    'Adds a small demo salon (3 staff, 4 services, 14 days of schedules, 3 clients, 3 appointments). Idempotent: every row is keyed by ' +
    'its CRM id, so a second run changes nothing. Uses DATABASE_URL, else the embedded PostgreSQL (the running one of `npm start`, or starts it).',
  options: {},
  notes: ['exit codes: 0 seeded, 1 failed (the reason is one line on stderr), 2 wrong invocation'],
});

const COMPANY_ID = DEMO_COMPANY_ID;

const STAFF = [
  { crmId: 101, name: 'Anna Petrova', specialization: 'Hair stylist', rating: 4.9 },
  { crmId: 102, name: 'Maria Ivanova', specialization: 'Manicure', rating: 4.8 },
  { crmId: 103, name: 'Olga Smirnova', specialization: 'Brows and lashes', rating: 4.7 },
];

const SERVICES = [
  { crmId: 201, title: "Women's haircut", categoryId: 1, categoryTitle: 'Hair', priceMin: 1500, priceMax: 2500, duration: 60, weight: 1 },
  { crmId: 202, title: 'Hair colouring', categoryId: 1, categoryTitle: 'Hair', priceMin: 3500, priceMax: 6000, duration: 120, weight: 2 },
  { crmId: 203, title: 'Manicure with gel polish', categoryId: 2, categoryTitle: 'Nails', priceMin: 1800, priceMax: 2200, duration: 90, weight: 1 },
  { crmId: 204, title: 'Brow shaping', categoryId: 3, categoryTitle: 'Brows', priceMin: 800, priceMax: 800, duration: 30, weight: 1 },
];

const CLIENTS = [
  { crmId: 301, phone: '79991234567', name: 'Elena', visitCount: 5, totalSpent: 9500 },
  { crmId: 302, phone: '79997654321', name: 'Daria', visitCount: 1, totalSpent: 1800 },
  { crmId: 303, phone: '79990001122', name: 'Svetlana', visitCount: 0, totalSpent: 0 },
];

function utcDay(offsetDays: number): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + offsetDays));
}

async function seed(tx: TxClient): Promise<Record<string, number>> {
  await tx.company.upsert({
    where: { id: COMPANY_ID },
    create: { id: COMPANY_ID, title: 'Demo Beauty Salon', phone: '74951234567', timezone: 'Europe/Moscow' },
    update: {},
  });
  const staffIds: number[] = [];
  for (const member of STAFF) {
    const row = await tx.staff.upsert({
      where: { companyId_crmId: { companyId: COMPANY_ID, crmId: member.crmId } },
      create: { companyId: COMPANY_ID, ...member },
      update: {},
    });
    staffIds.push(row.id);
  }
  const serviceIds: number[] = [];
  for (const service of SERVICES) {
    const row = await tx.service.upsert({
      where: { companyId_crmId: { companyId: COMPANY_ID, crmId: service.crmId } },
      create: { companyId: COMPANY_ID, ...service },
      update: {},
    });
    serviceIds.push(row.id);
  }
  const clientIds: number[] = [];
  for (const client of CLIENTS) {
    const row = await tx.client.upsert({
      where: { companyId_phone: { companyId: COMPANY_ID, phone: client.phone } },
      create: { companyId: COMPANY_ID, ...client },
      update: {},
    });
    clientIds.push(row.id);
  }
  let schedules = 0;
  for (const staffId of staffIds) {
    for (let day = 0; day < 14; day += 1) {
      const date = utcDay(day);
      const isWorking = date.getUTCDay() !== 0; // Sundays off
      await tx.staffSchedule.upsert({
        where: { staffId_date: { staffId, date } },
        create: { staffId, date, isWorking, workingIntervals: isWorking ? [{ from: '10:00', to: '20:00' }] : [] },
        update: {},
      });
      schedules += 1;
    }
  }
  const tomorrow = utcDay(1);
  const at = (hourUtc: number) => new Date(tomorrow.getTime() + hourUtc * 3_600_000);
  const bookings = [
    { crmRecordId: 401, staff: 0, client: 0, service: 0, start: 8, minutes: 60, status: 'confirmed' as const },
    { crmRecordId: 402, staff: 1, client: 1, service: 2, start: 9, minutes: 90, status: 'pending' as const },
    { crmRecordId: 403, staff: 2, client: 2, service: 3, start: 11, minutes: 30, status: 'confirmed' as const },
  ];
  for (const booking of bookings) {
    await tx.appointment.upsert({
      where: { crmRecordId: booking.crmRecordId },
      create: {
        companyId: COMPANY_ID,
        crmRecordId: booking.crmRecordId,
        staffId: staffIds[booking.staff]!,
        clientId: clientIds[booking.client]!,
        serviceId: serviceIds[booking.service]!,
        startAt: at(booking.start),
        endAt: new Date(at(booking.start).getTime() + booking.minutes * 60_000),
        status: booking.status,
      },
      update: {},
    });
  }
  return { companies: 1, staff: staffIds.length, services: serviceIds.length, clients: clientIds.length, schedules, appointments: bookings.length };
}

async function main(): Promise<number> {
  const progress = createProgress('db:seed');
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL, name: 'db-seed' });
  progress.step(config.DATABASE_URL ? 'connecting to DATABASE_URL and applying migrations' : 'opening the embedded PostgreSQL and applying migrations');
  const database = await openDatabase({ config, logger, reporter: sentryReporter, migrate: true, applicationName: 'ai-admin-data-seed' });
  try {
    progress.step('writing the demo salon');
    const counts = await withTransaction(database.db, seed, { name: 'seed', logger, timeout: 60_000 });
    process.stdout.write(`seeded demo salon ${COMPANY_ID}: ${JSON.stringify(counts)}\n`);
    process.stdout.write(`try it: curl localhost:${config.PORT}/api/companies/${COMPANY_ID}/staff\n`);
    return 0;
  } finally {
    await database.close();
  }
}

await runScript('db:seed', main);
