/**
 * The one shape every data-layer operation returns. Expected failures
 * (validation, not found, conflicts) are values, not exceptions, so the
 * assistant can answer the client instead of crashing the conversation.
 */
import type { ErrorCode } from '../db/errors.js';

export interface ResultError {
  code: ErrorCode | 'INTERNAL_ERROR';
  message: string;
  retryable: boolean;
}

export type Result<T> = { success: true; data: T } | { success: false; error: ResultError };

export const ok = <T>(data: T): Result<T> => ({ success: true, data });
export const fail = <T = never>(error: ResultError): Result<T> => ({ success: false, error });
