/**
 * Which signal keys get an `expires_at`, and for how long.
 *
 * The rule behind every line: a key may expire only if losing it can never
 * break a live (already established) conversation; at worst it costs Baileys
 * an extra round trip that it already knows how to make. In Baileys 7 nothing
 * expires on its own except `tctoken`, so a store that never expires anything
 * grows without bound (pre-keys are minted on every reconnect and unused ones
 * are never released: Baileys issue 2797), while a store that expires the
 * wrong thing produces "Bad MAC" / "No session" / "Invalid PreKey ID".
 *
 * Expiring (the clock restarts on every write of the key, so anything still in
 * use keeps being pushed forward):
 * - `tctoken`: privacy tokens that Baileys itself prunes to a 28-day window;
 *   an older one is treated as absent and fetched again.
 * - `sender-key-memory`: which devices already received our sender key for a
 *   group. If it is gone Baileys just sends the sender key again with the next
 *   group message (a few bytes more), nothing fails.
 * - `pre-key`: one-time pre-keys. An established session never reads them:
 *   only the first message of a *new* session does, and Baileys deletes the
 *   pre-key as soon as that message is decrypted. What is left after weeks is
 *   keys minted on reconnects and never handed out. In the rare case that a
 *   contact uses one that has expired, the message fails once and Baileys'
 *   retry receipt carries a fresh key bundle, so the contact re-establishes
 *   the session; no existing session is touched. Keep the TTL long (default
 *   30 days, WHATSAPP_PRE_KEY_TTL_DAYS) for numbers that are rarely contacted.
 *
 * Never expiring: `session` and `identity-key` (deleting them is exactly
 * "Bad MAC"), `sender-key` (group messages from that sender stop decrypting),
 * `app-state-sync-key` / `app-state-sync-version` (app state sync breaks and
 * forces a resync), `lid-mapping` (addressing between phone numbers and LIDs),
 * `device-list`, and every type this code does not know yet: unknown means
 * we cannot prove it is safe.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

export interface KeyExpiryPolicy {
  /** Days a key of this type lives after its last write; types absent here never expire. */
  readonly ttlDaysByType: Readonly<Record<string, number>>;
}

export interface KeyExpirySettings {
  WHATSAPP_PRE_KEY_TTL_DAYS: number;
  WHATSAPP_SENDER_KEY_MEMORY_TTL_DAYS: number;
  WHATSAPP_TCTOKEN_TTL_DAYS: number;
}

export const DEFAULT_KEY_EXPIRY_SETTINGS: KeyExpirySettings = {
  WHATSAPP_PRE_KEY_TTL_DAYS: 30,
  WHATSAPP_SENDER_KEY_MEMORY_TTL_DAYS: 30,
  WHATSAPP_TCTOKEN_TTL_DAYS: 28,
};

export function keyExpiryPolicy(settings: KeyExpirySettings = DEFAULT_KEY_EXPIRY_SETTINGS): KeyExpiryPolicy {
  return {
    ttlDaysByType: {
      'pre-key': settings.WHATSAPP_PRE_KEY_TTL_DAYS,
      'sender-key-memory': settings.WHATSAPP_SENDER_KEY_MEMORY_TTL_DAYS,
      tctoken: settings.WHATSAPP_TCTOKEN_TTL_DAYS,
    },
  };
}

/** When a key of `type` written at `now` expires, or null for never. */
export function expiresAtFor(policy: KeyExpiryPolicy, type: string, now: Date): Date | null {
  const days = Object.hasOwn(policy.ttlDaysByType, type) ? policy.ttlDaysByType[type] : undefined;
  return days === undefined ? null : new Date(now.getTime() + days * DAY_MS);
}
