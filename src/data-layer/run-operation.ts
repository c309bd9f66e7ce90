/**
 * The frame around every data-layer operation: validate the input with its
 * zod schema, run the work, and turn the outcome into a Result.
 *
 * Reporting rule: the operation runs as the reporting owner, so the database
 * layer below does not report its failures itself; expected outcomes
 * (validation, not found, conflicts) are never sent; anything else is sent
 * once here with component=data-layer, operation=<method>, the method's safe
 * context and the failed database call's tags (model, db_operation, sqlstate,
 * prisma_code). An error something else already sent is not sent again.
 *
 * Timeouts: a statement timeout (TIMEOUT) in a read operation is retryable:
 * nothing was changed. In a write it is retryable only when the error says
 * the transaction rolled back (withTransaction saw the work fail before it
 * sent COMMIT, so PostgreSQL discarded all of it). A write outside a
 * transaction, or one whose COMMIT itself timed out, may or may not have
 * been applied: not retryable, the caller must look before trying again.
 */
import type { z } from 'zod';
import { DataError, ErrorCode, ValidationError, dataErrorTags, isExpectedOutcome, restateDataError } from '../db/errors.js';
import { markReported, wasReported, withReportingOwner, type ErrorReporter } from '../observability/error-reporter.js';
import type { Logger } from '../observability/logger.js';
import { isReadOperation } from './operation-access.js';
import { fail, ok, type Result } from './result.js';

export interface OperationDeps {
  reporter: ErrorReporter;
  logger: Logger;
}

/** Safe facts about a call for logs and Sentry: ids, counts, filter keys. Never personal values. */
export type OperationContext = Record<string, string | number | boolean | string[] | undefined>;

/** zod issues as one line naming where each problem is (e.g. "clients.417.phone"), never the value. */
export function describeIssues(issues: z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'input'}: ${issue.message}`)
    .join('; ');
}

export function validationFailure(issues: z.core.$ZodIssue[]): ValidationError {
  const fields = [...new Set(issues.map((issue) => issue.path.join('.')).filter((path) => path.length > 0))];
  return new ValidationError(`invalid input: ${describeIssues(issues)}`, { fields });
}

export interface OperationOptions {
  /** Codes normally expected (not reported) that this operation reports to Sentry anyway. */
  reportAlso?: ErrorCode[];
}

export async function runOperation<S extends z.ZodType, T>(
  deps: OperationDeps,
  operation: string,
  schema: S,
  input: unknown,
  context: (parsed: z.output<S>) => OperationContext,
  work: (parsed: z.output<S>) => Promise<T>,
  options: OperationOptions = {},
): Promise<Result<T>> {
  const parsed = safeParse(schema, input);
  if (!parsed.success) return fail(validationFailure(parsed.error.issues).toJSON());
  try {
    // The data layer owns the report: the database layer below defers to it (error-reporter.ts).
    return ok(await withReportingOwner('data-layer', () => work(parsed.data)));
  } catch (error) {
    return fail(handleFailure(deps, operation, error, safeContext(context, parsed.data), options));
  }
}

/**
 * safeParse, except that it cannot throw: an input whose getters or proxy traps
 * throw made safeParse throw, and the operation reject instead of answering
 * (found by the data-layer fuzz test). Such input is unreadable: a validation error.
 */
function safeParse<S extends z.ZodType>(schema: S, input: unknown): z.ZodSafeParseResult<z.output<S>> | { success: false; error: { issues: z.core.$ZodIssue[] } } {
  try {
    return schema.safeParse(input);
  } catch {
    return { success: false, error: { issues: [{ code: 'custom', path: [], message: 'the input could not be read', input: undefined }] } };
  }
}

function safeContext<I>(context: (parsed: I) => OperationContext, parsed: I): OperationContext {
  try {
    return context(parsed);
  } catch {
    return {};
  }
}

/** A timeout is retryable when nothing can have been written (see the file comment); other errors keep their own answer. */
function withTimeoutRetryability(operation: string, error: DataError): DataError {
  if (error.code !== ErrorCode.Timeout) return error;
  const retryable = isReadOperation(operation) || error.rolledBack;
  return retryable === error.retryable ? error : restateDataError(error, error.message, { retryable });
}

function handleFailure(deps: OperationDeps, operation: string, failure: unknown, context: OperationContext, options: OperationOptions) {
  const error = failure instanceof DataError ? withTimeoutRetryability(operation, failure) : failure;
  if (error instanceof DataError) {
    if (isExpectedOutcome(error) && !options.reportAlso?.includes(error.code)) {
      deps.logger.debug({ operation, code: error.code }, 'data-layer operation refused');
    } else {
      report(deps, operation, error, context, error.code);
      deps.logger.warn({ operation, code: error.code, retryable: error.retryable }, 'data-layer operation failed');
    }
    return error.toJSON();
  }
  // Not a domain error: a bug or an unmapped failure. The caller gets a generic answer, Sentry the details.
  report(deps, operation, error, context, 'INTERNAL_ERROR');
  deps.logger.error({ operation, errorName: (error as { name?: unknown } | null)?.name }, 'data-layer operation crashed');
  return { code: 'INTERNAL_ERROR' as const, message: 'an unexpected error occurred', retryable: false };
}

function report(deps: OperationDeps, operation: string, error: unknown, context: OperationContext, code: string): void {
  if (wasReported(error)) return;
  deps.reporter.report(error, {
    component: 'data-layer',
    operation,
    tags: { backend: 'postgres', ...dataErrorTags(error), error_code: code },
    context,
  });
  markReported(error);
}
