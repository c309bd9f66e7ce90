/**
 * Sentry for the WhatsApp store: each failed operation (load credentials, get
 * keys, set keys, save credentials, remove auth state, get stats) is reported
 * with component=whatsapp-auth, the operation, the session id and counts.
 * Never values, never key ids (they can be phone numbers). The operation runs
 * as the reporting owner, so the database layer below leaves the report to it.
 */
import { DataError, dataErrorTags } from '../db/errors.js';
import { withReportingOwner, type ErrorReporter } from '../observability/error-reporter.js';
import type { Logger } from '../observability/logger.js';

export type AuthOperation = 'loadCreds' | 'keys.get' | 'keys.set' | 'saveCreds' | 'removeAuthState' | 'getStats';

export interface AuthReportingDeps {
  reporter: ErrorReporter;
  logger: Logger;
}

export async function reportedOperation<T>(
  deps: AuthReportingDeps,
  operation: AuthOperation,
  sessionId: string | undefined,
  counts: Record<string, number | string>,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    // This layer owns the report: the database layer below defers to it (error-reporter.ts).
    return await withReportingOwner('whatsapp-auth', fn);
  } catch (error) {
    const code = error instanceof DataError ? error.code : (error as Error | undefined)?.name;
    deps.logger.error({ component: 'whatsapp-auth', operation, sessionId, code, ...counts }, `whatsapp auth ${operation} failed`);
    deps.reporter.report(error, {
      component: 'whatsapp-auth',
      operation,
      tags: { ...dataErrorTags(error), session_id: sessionId ?? 'all', error_code: code },
      context: { sessionId: sessionId ?? null, ...counts },
    });
    throw error;
  }
}
