/**
 * One simulated assistant conversation, the calls the bot makes for a client
 * who writes in and books: who is this, what did we say, what do you offer,
 * who is free, book it. Each salon has one simulated agent at a time, so two
 * conversations never race for the same slot: a conflict here is a bug.
 */
import type { DataLayer } from '../../src/data-layer/index.js';
import type { LatencyRecorder } from './stats.js';

export interface Salon {
  companyId: number;
  serviceIds: number[];
  /** YYYY-MM-DD days with schedules, in order. */
  days: string[];
}

export interface AgentState {
  dayIndex: number;
  conversations: number;
}

export interface ConversationOutcome {
  ok: boolean;
  failedOperation?: string;
  errorCode?: string;
}

type Call = { success: true; data: unknown } | { success: false; error: { code: string } };

export async function runConversation(
  layer: DataLayer,
  salon: Salon,
  agent: AgentState,
  phone: string,
  latency: LatencyRecorder,
): Promise<ConversationOutcome> {
  const timed = async <R extends Call>(operation: string, call: () => Promise<R>): Promise<R> => {
    const started = performance.now();
    const result = await call();
    latency.record(operation, performance.now() - started);
    if (!result.success) throw Object.assign(new Error(operation), { operation, code: result.error.code });
    return result;
  };
  const turn = agent.conversations;
  try {
    await timed('getClientByPhone', () => layer.getClientByPhone({ companyId: salon.companyId, phone }) as Promise<Call>).catch((error) => {
      // A new client is not found; that is the expected answer, not an error.
      if ((error as { code?: string }).code !== 'NOT_FOUND') throw error;
    });
    const context = (await timed('getDialogContext', () => layer.getDialogContext({ companyId: salon.companyId, phone }) as Promise<Call>)) as Call;
    await timed('upsertDialogContext', () =>
      layer.upsertDialogContext({
        companyId: salon.companyId,
        phone,
        state: { step: 'greeting', turn, returning: context.success && context.data !== null, history: ['Здравствуйте! Хочу записаться'] },
      }) as Promise<Call>,
    );
    const services = (await timed('getServices', () => layer.getServices({ companyId: salon.companyId }) as Promise<Call>)) as {
      data: Array<{ id: number }>;
    };
    const serviceId = services.data[turn % services.data.length]!.id;
    for (;;) {
      const day = salon.days[agent.dayIndex];
      if (day === undefined) throw Object.assign(new Error('out of days'), { operation: 'getStaff', code: 'OUT_OF_SCHEDULE' });
      const staff = (await timed('getStaff', () =>
        layer.getStaff({ companyId: salon.companyId, date: day, serviceId }) as Promise<Call>,
      )) as { data: Array<{ id: number; freeIntervals: Array<{ startAt: Date }> }> };
      const free = staff.data.filter((member) => member.freeIntervals.length > 0);
      if (free.length === 0) {
        agent.dayIndex += 1; // the day is full: offer the next one
        continue;
      }
      const member = free[turn % free.length]!;
      const startAt = member.freeIntervals[0]!.startAt;
      await timed('upsertDialogContext', () =>
        layer.upsertDialogContext({ companyId: salon.companyId, phone, state: { step: 'offer', serviceId, staffId: member.id, startAt: new Date(startAt).toISOString() } }) as Promise<Call>,
      );
      await timed('createBooking', () =>
        layer.createBooking({
          companyId: salon.companyId,
          client: { phone, name: `Load client ${turn}` },
          staffId: member.id,
          serviceId,
          startAt: new Date(startAt),
        }) as Promise<Call>,
      );
      await timed('upsertDialogContext', () =>
        layer.upsertDialogContext({ companyId: salon.companyId, phone, state: { step: 'booked' } }) as Promise<Call>,
      );
      return { ok: true };
    }
  } catch (error) {
    return { ok: false, failedOperation: (error as { operation?: string }).operation ?? 'unknown', errorCode: (error as { code?: string }).code ?? 'THROWN' };
  } finally {
    agent.conversations += 1;
  }
}
