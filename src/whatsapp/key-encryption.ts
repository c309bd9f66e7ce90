/**
 * Optional encryption at rest of creds and key values (AES-256-GCM).
 *
 * Stored form: `enc:v1:<key id>:<iv>:<tag>:<ciphertext>` (base64 parts). The
 * key id is a short hash of the key, so a row written under another key is
 * named as such instead of failing as a generic "bad auth tag". The
 * additional authenticated data binds a value to its session, type and id:
 * a row copied onto another key fails to decrypt rather than being misread.
 * Plain rows (written before encryption was turned on) are JSON text, which
 * never starts with `enc:`, so they still read; they are encrypted the next
 * time Baileys writes them.
 *
 * Every failure is an error, never "absent": an absent key makes Baileys mint
 * fresh credentials, which would destroy the paired session.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const PREFIX = 'enc:v1:';
const IV_BYTES = 12;

export class KeyEncryptionError extends Error {
  override readonly name = 'KeyEncryptionError';
}

/**
 * WHATSAPP_KEYS_ENCRYPTION_KEY: exactly 32 bytes, as 64 hex characters or as
 * base64. Anything else is refused at start (the value is never echoed).
 */
export function parseEncryptionKey(raw: string): Buffer {
  const text = raw.trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) {
    const bytes = Buffer.from(text, 'base64');
    if (bytes.length === 32) return bytes;
  }
  throw new KeyEncryptionError('WHATSAPP_KEYS_ENCRYPTION_KEY must be 32 bytes, given as 64 hex characters or base64 (e.g. `openssl rand -base64 32`)');
}

export interface ValueCipher {
  /** Whether new values are written encrypted. */
  readonly encrypting: boolean;
  /** Plain text in, stored text out (unchanged when no key is configured); `context` is bound as AAD. */
  seal(plain: string, context: string): string;
  /**
   * Stored text in, plain text out; plain rows pass through. Throws
   * KeyEncryptionError whose message names `label` only (a key type, never a
   * key id: ids can be phone numbers).
   */
  open(stored: string, context: string, label: string): string;
}

export function isEncrypted(stored: string): boolean {
  return stored.startsWith(PREFIX);
}

function keyId(key: Buffer): string {
  return createHash('sha256').update('whatsapp-keys-key-id:').update(key).digest('hex').slice(0, 8);
}

export function createValueCipher(rawKey?: string): ValueCipher {
  const key = rawKey === undefined || rawKey === '' ? undefined : parseEncryptionKey(rawKey);
  const id = key ? keyId(key) : undefined;
  return {
    encrypting: key !== undefined,
    seal(plain, context) {
      if (!key) return plain;
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `${PREFIX}${id}:${iv.toString('base64')}:${cipher.getAuthTag().toString('base64')}:${data.toString('base64')}`;
    },
    open(stored, context, label) {
      if (!isEncrypted(stored)) return stored;
      const parts = stored.slice(PREFIX.length).split(':');
      if (parts.length !== 4) throw new KeyEncryptionError(`${label} is not a valid encrypted value`);
      const [storedKeyId, iv, tag, data] = parts as [string, string, string, string];
      if (!key) {
        throw new KeyEncryptionError(`${label} is encrypted but WHATSAPP_KEYS_ENCRYPTION_KEY is not set; nothing was changed`);
      }
      if (storedKeyId !== id) {
        throw new KeyEncryptionError(
          `${label} was encrypted with another WHATSAPP_KEYS_ENCRYPTION_KEY (key id ${storedKeyId}, configured ${id}); nothing was changed`,
        );
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
        decipher.setAAD(Buffer.from(context, 'utf8'));
        decipher.setAuthTag(Buffer.from(tag, 'base64'));
        return Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8');
      } catch (error) {
        throw new KeyEncryptionError(`${label} does not decrypt (corrupted, or moved from another row); nothing was changed`, { cause: error });
      }
    },
  };
}
