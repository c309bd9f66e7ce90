/**
 * The SQL of the auth state, shared with the benchmark's raw-pg baseline so
 * both run exactly the same statements. Every statement is scoped by
 * `session_id = $1` (exact match: sessions `X` and `X:b` never meet), and
 * arrays travel as one parameter each, so a call is one statement whatever
 * the number of keys.
 */

export const SELECT_CREDS = 'SELECT creds::text AS creds FROM whatsapp_auth WHERE session_id = $1';

export const UPSERT_CREDS = `INSERT INTO whatsapp_auth (session_id, creds, updated_at) VALUES ($1, $2::jsonb, now())
ON CONFLICT (session_id) DO UPDATE SET creds = EXCLUDED.creds, updated_at = now()`;

/** Expired rows are absent, as if cleanup had already run. */
export const SELECT_KEYS = `SELECT key_id, value FROM whatsapp_keys
WHERE session_id = $1 AND type = $2 AND key_id = ANY($3::text[]) AND (expires_at IS NULL OR expires_at > now())`;

/** $2..$5: parallel arrays of type, key id, stored value, expires at (ISO text or null). */
export const UPSERT_KEYS = `INSERT INTO whatsapp_keys (session_id, type, key_id, value, expires_at, updated_at)
SELECT $1, k.type, k.key_id, k.value, k.expires_at, now()
FROM unnest($2::text[], $3::text[], $4::text[], $5::timestamptz[]) AS k(type, key_id, value, expires_at)
ON CONFLICT (session_id, type, key_id) DO UPDATE
SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at, updated_at = now()`;

/** $2, $3: parallel arrays of type and key id. */
export const DELETE_KEYS = `DELETE FROM whatsapp_keys AS w
USING unnest($2::text[], $3::text[]) AS d(type, key_id)
WHERE w.session_id = $1 AND w.type = d.type AND w.key_id = d.key_id`;

export const DELETE_SESSION_KEYS = 'DELETE FROM whatsapp_keys WHERE session_id = $1';
export const DELETE_SESSION_CREDS = 'DELETE FROM whatsapp_auth WHERE session_id = $1';
