/**
 * Removes personal and secret data from anything that leaves the process
 * (Sentry events, health output, error messages). Pure functions, unit-tested.
 */

// Runs of 7 to 15 digits with optional +, spaces, dashes and brackets: phone numbers as people type them.
const PHONE_PATTERN = /\+?\d[\d\s\-()]{5,18}\d/g;
const URL_WITH_CREDENTIALS = /\b[a-z][a-z0-9+.-]*:\/\/[^\s/@:]*(:[^\s/@]*)?@[^\s'"]+/gi;
// PostgreSQL echoes row values in details: Key (phone)=(79991234567) already exists.
const KEY_DETAIL = /\(([^()]*)\)=\([^)]*\)/g;

const SECRET_KEY = /pass(word)?|secret|token|dsn|api[-_]?key|encryption|creds|private|authorization|cookie|connection[-_]?string|database[-_]?url/i;
const PERSONAL_KEY = /^(phone|name|first_?name|last_?name|full_?name|email|text|message|body|caption|comment|state|value|raw|conversation)$/i;

export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 4) return '***';
  return `***${digits.slice(-4)}`;
}

/** Scrubs a free-text string: credentials in URLs, echoed row values, phone numbers. */
export function scrubText(text: string): string {
  return text
    .replace(URL_WITH_CREDENTIALS, '[connection string]')
    .replace(KEY_DETAIL, '($1)=([redacted])')
    .replace(PHONE_PATTERN, (match) => (match.replace(/\D/g, '').length >= 7 ? maskPhone(match) : match));
}

/**
 * Scrubs a structured value: secret keys removed, personal keys dropped
 * (phones masked), strings scrubbed, depth bounded.
 */
export function scrubValue(value: unknown, depth = 0): unknown {
  if (depth > 6) return '[depth]';
  if (typeof value === 'string') return scrubText(value);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value;
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return '[binary]';
  if (Array.isArray(value)) return value.slice(0, 50).map((item) => scrubValue(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    if (SECRET_KEY.test(key)) continue;
    if (/phone/i.test(key) && typeof inner === 'string') {
      out[key] = maskPhone(inner);
      continue;
    }
    if (PERSONAL_KEY.test(key)) continue;
    out[key] = scrubValue(inner, depth + 1);
  }
  return out;
}
