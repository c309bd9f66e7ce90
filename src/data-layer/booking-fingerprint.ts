/**
 * The fingerprint of a booking request, stored beside its idempotency key:
 * a retry with the same key is replayed only when it asks for the same
 * thing. Computed over the validated input (phones normalised, defaults
 * applied), every field but the key itself, with keys sorted, so a field
 * added to the request later is covered without touching this file.
 */
import { createHash } from 'node:crypto';

function canonical(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/** sha256 (hex) of the request without its idempotency key. */
export function bookingFingerprint<R extends { idempotencyKey?: string | undefined }>(request: R): string {
  const { idempotencyKey: _key, ...rest } = request;
  return createHash('sha256').update(JSON.stringify(canonical(rest))).digest('hex');
}
