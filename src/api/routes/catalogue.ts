/**
 * Read-only salon catalogue over the data layer:
 *   GET /api/companies/:companyId
 *   GET /api/companies/:companyId/services[?categoryId=N]
 *   GET /api/companies/:companyId/staff[?date=YYYY-MM-DD[&serviceId=N]]
 *   GET /api/companies/:companyId/staff/:staffId/schedules?from=YYYY-MM-DD&to=YYYY-MM-DD
 *
 * The API has no authentication, so nothing personal leaves here: no clients,
 * appointments or dialog contexts, and each row is projected to an explicit
 * list of fields (no phone, no company settings, no raw CRM payloads, which
 * may carry anything the CRM sent).
 *
 * Answers: 200 { data }; 400 VALIDATION_ERROR for bad ids, dates or query
 * shapes; 404 NOT_FOUND for an unknown salon, or staff of another salon;
 * a data-layer failure keeps its code and gets its status from
 * HTTP_STATUS_BY_CODE (a dead database is 503, not 500).
 */
import { Router, type Response } from 'express';
import { z } from 'zod';
import type { DataLayer, Result, ResultError } from '../../data-layer/index.js';
import { validationFailure } from '../../data-layer/run-operation.js';
import { isoDate } from '../../data-layer/schemas/common.js';
import { HTTP_STATUS_BY_CODE } from '../http-errors.js';
import type { ScheduleWithLocalTimes } from '../../data-layer/local-times.js';
import type { Company, Service, Staff } from '../../generated/prisma/client.js';
import type { FreeInterval } from '../../repositories/staff-repository.js';

/** A path or query id: digits only (no "1e3", "0x10", " 7"), within the INTEGER columns. */
const idParam = z
  .string()
  .regex(/^[1-9]\d{0,9}$/, 'expected a positive integer')
  .transform(Number)
  .pipe(z.number().max(2_147_483_647, 'too large'));

/** Unknown query keys are ignored; a repeated key (?date=a&date=b arrives as an array) is refused by z.string(). */
const companyParams = z.object({ companyId: idParam });
const servicesQuery = z.object({ categoryId: idParam.optional() });
const staffQuery = z.object({ date: isoDate.optional(), serviceId: idParam.optional() });
const scheduleParams = z.object({ companyId: idParam, staffId: idParam });
const scheduleQuery = z.object({ from: isoDate, to: isoDate });

/**
 * Views: explicit fields only. Decimals (prices, rating) go out as strings
 * ("1500", "4.9"): exact, where a JSON number could lose digits; toFixed()
 * never switches to exponent notation.
 */
const decimal = (value: { toFixed(): string } | null) => (value === null ? null : value.toFixed());
/** @db.Date columns arrive as midnight UTC of the day. */
const day = (value: Date) => value.toISOString().slice(0, 10);

const toCompany = (c: Company) => ({ id: c.id, title: c.title, timezone: c.timezone });

const toService = (s: Service) => ({
  id: s.id,
  crmId: s.crmId,
  title: s.title,
  categoryId: s.categoryId,
  categoryTitle: s.categoryTitle,
  priceMin: decimal(s.priceMin),
  priceMax: decimal(s.priceMax),
  durationMinutes: s.duration,
  weight: s.weight,
});

/** An interval as instants (ISO 8601 UTC) and as the salon's wall-clock time (ISO 8601 with its offset). */
const toInterval = (i: { startAt: Date; endAt: Date; startAtLocal: string; endAtLocal: string }) => ({
  startAt: i.startAt.toISOString(),
  endAt: i.endAt.toISOString(),
  startAtLocal: i.startAtLocal,
  endAtLocal: i.endAtLocal,
});

/** With ?date=, free intervals come along. */
const toStaff = (m: Staff & { freeIntervals?: FreeInterval[] }) => ({
  id: m.id,
  crmId: m.crmId,
  name: m.name,
  specialization: m.specialization,
  rating: decimal(m.rating),
  ...(m.freeIntervals ? { freeIntervals: m.freeIntervals.map(toInterval) } : {}),
});

const toSchedule = (s: ScheduleWithLocalTimes) => ({
  staffId: s.staffId,
  date: day(s.date),
  isWorking: s.isWorking,
  workingIntervals: s.workingIntervals,
  freeSlots: s.freeSlots,
  timeZone: s.timeZone,
  workingPeriods: s.workingPeriods.map(toInterval),
});

/** bigint has no JSON form; as a string it keeps every digit. (Decimals are turned into strings by the views.) */
const jsonReplacer = (_key: string, value: unknown) => (typeof value === 'bigint' ? value.toString() : value);

function sendJson(res: Response, status: number, body: unknown): void {
  res.status(status).type('application/json').send(JSON.stringify(body, jsonReplacer));
}

function sendError(res: Response, error: ResultError): void {
  // INTERNAL_ERROR is the facade's answer to a bug: not a domain code, so not in the map.
  const status = error.code === 'INTERNAL_ERROR' ? 500 : (HTTP_STATUS_BY_CODE[error.code] ?? 500);
  sendJson(res, status, { error: { code: error.code, message: error.message, retryable: error.retryable } });
}

const notFound = (message: string): ResultError => ({ code: 'NOT_FOUND', message, retryable: false });

/** Parses or answers 400 itself; undefined means the answer is sent. */
function parse<S extends z.ZodType>(res: Response, schema: S, value: unknown): z.output<S> | undefined {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  sendError(res, validationFailure(parsed.error.issues).toJSON());
  return undefined;
}

function sendResult<T>(res: Response, result: Result<T>, view: (data: T) => unknown): void {
  if (result.success) sendJson(res, 200, { data: view(result.data) });
  else sendError(res, result.error);
}

export function catalogueRouter(dataLayer: DataLayer): Router {
  const router = Router();

  /**
   * Sub-resources of an unknown salon answer 404 rather than an empty list, so
   * a wrong id is told apart from a salon with no services. Costs one primary-key read.
   */
  async function companyExists(res: Response, companyId: number): Promise<boolean> {
    const company = await dataLayer.getCompany({ companyId });
    if (!company.success) sendError(res, company.error);
    else if (company.data === null) sendError(res, notFound('no such company'));
    return company.success && company.data !== null;
  }

  router.get('/api/companies/:companyId', async (req, res) => {
    const params = parse(res, companyParams, req.params);
    if (!params) return;
    const company = await dataLayer.getCompany({ companyId: params.companyId });
    if (company.success && company.data === null) return sendError(res, notFound('no such company'));
    sendResult(res, company, (data) => toCompany(data!));
  });

  router.get('/api/companies/:companyId/services', async (req, res) => {
    const params = parse(res, companyParams, req.params);
    const query = params && parse(res, servicesQuery, req.query);
    if (!params || !query || !(await companyExists(res, params.companyId))) return;
    const services =
      query.categoryId === undefined
        ? await dataLayer.getServices({ companyId: params.companyId })
        : await dataLayer.getServicesByCategory({ companyId: params.companyId, categoryId: query.categoryId });
    sendResult(res, services, (rows) => rows.map(toService));
  });

  router.get('/api/companies/:companyId/staff', async (req, res) => {
    const params = parse(res, companyParams, req.params);
    const query = params && parse(res, staffQuery, req.query);
    if (!params || !query || !(await companyExists(res, params.companyId))) return;
    // The facade refuses serviceId without date (400); with a date, only staff with free time that day come back.
    const staff = await dataLayer.getStaff({ companyId: params.companyId, date: query.date, serviceId: query.serviceId });
    sendResult(res, staff, (rows) => rows.map(toStaff));
  });

  router.get('/api/companies/:companyId/staff/:staffId/schedules', async (req, res) => {
    const params = parse(res, scheduleParams, req.params);
    const query = params && parse(res, scheduleQuery, req.query);
    if (!params || !query || !(await companyExists(res, params.companyId))) return;
    // A staff member of another salon is NOT_FOUND (tenancy), as a missing one: 404, not a leak across salons.
    const schedules = await dataLayer.getStaffSchedules({ companyId: params.companyId, staffId: params.staffId, from: query.from, to: query.to });
    sendResult(res, schedules, (rows) => rows.map(toSchedule));
  });

  return router;
}
