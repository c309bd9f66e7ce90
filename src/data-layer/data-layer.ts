/**
 * The facade the assistant calls: the 20 data operations plus the three
 * booking operations. Every method validates its input and returns a
 * Result; none throws for an expected failure. The work itself lives in the
 * per-area modules; this class only gives them one home and one context.
 */
import type { z } from 'zod';
import type { DataLayerContext } from './context.js';
import * as booking from './booking-operations.js';
import * as clients from './client-operations.js';
import * as company from './company-operations.js';
import * as dialog from './dialog-operations.js';
import * as services from './service-operations.js';
import * as staff from './staff-operations.js';
import type { cancelBookingInput, createBookingInput, rescheduleBookingInput } from './schemas/booking.js';
import type {
  getClientAppointmentsInput,
  getClientByIdInput,
  getClientByPhoneInput,
  getUpcomingAppointmentsInput,
  searchClientsByNameInput,
  upsertClientInput,
  upsertClientsInput,
} from './schemas/clients.js';
import type { getCompanyInput, upsertCompanyInput } from './schemas/company.js';
import type { getDialogContextInput, upsertDialogContextInput } from './schemas/dialog-context.js';
import type { getServiceByIdInput, getServicesByCategoryInput, getServicesInput, upsertServicesInput } from './schemas/services.js';
import type {
  getStaffByIdInput,
  getStaffInput,
  getStaffScheduleInput,
  getStaffSchedulesInput,
  upsertStaffSchedulesInput,
} from './schemas/staff.js';

type In<S extends z.ZodType> = z.input<S>;

export class DataLayer {
  constructor(private readonly ctx: DataLayerContext) {}

  // Dialog context
  getDialogContext(input: In<typeof getDialogContextInput>) { return dialog.getDialogContext(this.ctx, input); }
  upsertDialogContext(input: In<typeof upsertDialogContextInput>) { return dialog.upsertDialogContext(this.ctx, input); }

  // Clients
  getClientByPhone(input: In<typeof getClientByPhoneInput>) { return clients.getClientByPhone(this.ctx, input); }
  getClientById(input: In<typeof getClientByIdInput>) { return clients.getClientById(this.ctx, input); }
  getClientAppointments(input: In<typeof getClientAppointmentsInput>) { return clients.getClientAppointments(this.ctx, input); }
  getUpcomingAppointments(input: In<typeof getUpcomingAppointmentsInput>) { return clients.getUpcomingAppointments(this.ctx, input); }
  searchClientsByName(input: In<typeof searchClientsByNameInput>) { return clients.searchClientsByName(this.ctx, input); }
  upsertClient(input: In<typeof upsertClientInput>) { return clients.upsertClient(this.ctx, input); }
  upsertClients(input: In<typeof upsertClientsInput>) { return clients.upsertClients(this.ctx, input); }

  // Staff and schedules
  getStaffById(input: In<typeof getStaffByIdInput>) { return staff.getStaffById(this.ctx, input); }
  getStaffSchedules(input: In<typeof getStaffSchedulesInput>) { return staff.getStaffSchedules(this.ctx, input); }
  getStaffSchedule(input: In<typeof getStaffScheduleInput>) { return staff.getStaffSchedule(this.ctx, input); }
  upsertStaffSchedules(input: In<typeof upsertStaffSchedulesInput>) { return staff.upsertStaffSchedules(this.ctx, input); }
  getStaff(input: In<typeof getStaffInput>) { return staff.getStaff(this.ctx, input); }

  // Services
  getServices(input: In<typeof getServicesInput>) { return services.getServices(this.ctx, input); }
  getServiceById(input: In<typeof getServiceByIdInput>) { return services.getServiceById(this.ctx, input); }
  getServicesByCategory(input: In<typeof getServicesByCategoryInput>) { return services.getServicesByCategory(this.ctx, input); }
  upsertServices(input: In<typeof upsertServicesInput>) { return services.upsertServices(this.ctx, input); }

  // Company
  getCompany(input: In<typeof getCompanyInput>) { return company.getCompany(this.ctx, input); }
  upsertCompany(input: In<typeof upsertCompanyInput>) { return company.upsertCompany(this.ctx, input); }

  // Bookings
  createBooking(input: In<typeof createBookingInput>) { return booking.createBooking(this.ctx, input); }
  rescheduleBooking(input: In<typeof rescheduleBookingInput>) { return booking.rescheduleBooking(this.ctx, input); }
  cancelBooking(input: In<typeof cancelBookingInput>) { return booking.cancelBooking(this.ctx, input); }
}
