/**
 * The logger handed to Baileys. Baileys 7 logs at warn and error objects such
 * as `{ jid }`, `{ from }`, `{ participant }`, `{ attrs }`, `{ node }`,
 * `{ fullErrorNode }` and `{ content }`: jids are phone numbers, and nodes and
 * content carry jids and message data. The project's logger redacts only its
 * own keys, so these are censored here, on top of that redaction.
 *
 * Done with `formatters.log` rather than the child's `redact` option, because
 * pino replaces (not extends) the parent's redaction when a child sets
 * `redact`, which would drop the project's own paths. `formatters.log` runs
 * before the parent's redaction, so both apply, and Baileys' own children
 * (it calls `logger.child({ class })`) inherit it.
 */
import type { Logger } from '../observability/logger.js';

/** Keys whose values name a contact or carry a stanza; censored at the top level and one level down (`*.key`). */
export const BAILEYS_REDACTED_KEYS: readonly string[] = ['jid', 'from', 'participant', 'attrs', 'node', 'fullErrorNode', 'content'];

const CENSOR = '[redacted]';
const redacted = new Set(BAILEYS_REDACTED_KEYS);

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
};

function censorKeys(value: Record<string, unknown>): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    if (redacted.has(key)) (copy ??= { ...value })[key] = CENSOR;
  }
  return copy ?? value;
}

/** Returns a copy with the keys censored (the caller's object is Baileys' and must not change). */
export function redactBaileysFields(object: object): Record<string, unknown> {
  const top = censorKeys(object as Record<string, unknown>);
  let copy: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(top)) {
    if (!isPlainObject(value)) continue;
    const inner = censorKeys(value);
    if (inner !== value) (copy ??= { ...top })[key] = inner;
  }
  return copy ?? top;
}

/** Baileys logs a lot, some of it message content at debug/trace: its logger stays at warn unless told otherwise. */
export function createBaileysLogger(parent: Logger, level = 'warn'): Logger {
  return parent.child({ component: 'baileys' }, { level, formatters: { log: redactBaileysFields } });
}
