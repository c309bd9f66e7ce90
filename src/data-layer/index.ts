export { DataLayer } from './data-layer.js';
export { createDataLayer, DATA_LAYER_DEFAULTS, type DataLayerDeps } from './create-data-layer.js';
export type { Result, ResultError } from './result.js';
export type { DataLayerContext, DataLayerSettings } from './context.js';
export type { BookingResult } from './booking-operations.js';
export type { AppointmentWithLocalTimes, LocalTimes, ScheduleWithLocalTimes, WorkingPeriod } from './local-times.js';
