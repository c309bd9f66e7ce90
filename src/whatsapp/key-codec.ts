/**
 * How Baileys values become stored text and back, the way its own file store
 * does it: JSON with BufferJSON, so Buffers and Uint8Arrays come back as
 * Buffers byte for byte (JSONB parsing or a Bytes column would hand back
 * plain objects or Uint8Arrays), and `app-state-sync-key` rebuilt as the
 * protobuf class Baileys expects. Encryption, when configured, wraps the text.
 */
import { BufferJSON, proto } from '@whiskeysockets/baileys';
import type { ValueCipher } from './key-encryption.js';

export function keyContext(sessionId: string, type: string, id: string): string {
  return `whatsapp-key\u0000${sessionId}\u0000${type}\u0000${id}`;
}

export function credsContext(sessionId: string): string {
  return `whatsapp-creds\u0000${sessionId}`;
}

export function toBufferJson(value: unknown): string {
  return JSON.stringify(value, BufferJSON.replacer);
}

export function fromBufferJson(text: string): unknown {
  return JSON.parse(text, BufferJSON.reviver) as unknown;
}

/** The value as Baileys' own store hands it back for this type. */
export function reviveKeyValue(type: string, value: unknown): unknown {
  if (type === 'app-state-sync-key' && value) {
    return proto.Message.AppStateSyncKeyData.fromObject(value as Record<string, unknown>);
  }
  return value;
}

export function encodeKeyValue(cipher: ValueCipher, sessionId: string, type: string, id: string, value: unknown): string {
  return cipher.seal(toBufferJson(value), keyContext(sessionId, type, id));
}

export function decodeKeyValue(cipher: ValueCipher, sessionId: string, type: string, id: string, stored: string): unknown {
  return reviveKeyValue(type, fromBufferJson(cipher.open(stored, keyContext(sessionId, type, id), `stored '${type}' key`)));
}

/**
 * Creds live in a JSONB column: plain creds as the BufferJSON document itself
 * (readable with SQL), encrypted creds as one JSON string holding the envelope.
 */
export function encodeCreds(cipher: ValueCipher, sessionId: string, creds: unknown): string {
  const text = toBufferJson(creds);
  return cipher.encrypting ? JSON.stringify(cipher.seal(text, credsContext(sessionId))) : text;
}

/** `stored` is the column as JSON text (`creds::text`). */
export function decodeCreds(cipher: ValueCipher, sessionId: string, stored: string): unknown {
  const parsed = JSON.parse(stored) as unknown;
  const text = typeof parsed === 'string' ? cipher.open(parsed, credsContext(sessionId), 'stored creds') : stored;
  return fromBufferJson(text);
}
