import { randomBytes } from 'node:crypto';
import { createValueCipher, isEncrypted, KeyEncryptionError, parseEncryptionKey } from '../../src/whatsapp/key-encryption.js';

const hexKey = randomBytes(32).toString('hex');
const base64Key = randomBytes(32).toString('base64');

describe('parseEncryptionKey', () => {
  test('when the key is 64 hex characters, then it is 32 bytes', () => {
    expect(parseEncryptionKey(hexKey)).toHaveLength(32);
  });

  test('when the key is base64 of 32 bytes, then it is accepted', () => {
    expect(parseEncryptionKey(base64Key)).toHaveLength(32);
  });

  test('when the key is too short, then a clear error names the setting and not the value', () => {
    const attempt = () => parseEncryptionKey('secret-but-short');
    expect(attempt).toThrow(KeyEncryptionError);
    expect(attempt).toThrow(/WHATSAPP_KEYS_ENCRYPTION_KEY must be 32 bytes/);
    expect(attempt).not.toThrow(/secret-but-short/);
  });
});

describe('createValueCipher', () => {
  test('when a key is configured, then sealed text is an envelope that opens to the same text', () => {
    const cipher = createValueCipher(hexKey);
    const sealed = cipher.seal('{"a":1}', 'ctx');
    expect(isEncrypted(sealed)).toBe(true);
    expect(sealed).not.toContain('"a"');
    expect(cipher.open(sealed, 'ctx', 'test value')).toBe('{"a":1}');
  });

  test('when no key is configured, then text is stored as it is and plain text opens as it is', () => {
    const cipher = createValueCipher(undefined);
    expect(cipher.encrypting).toBe(false);
    expect(cipher.seal('{"a":1}', 'ctx')).toBe('{"a":1}');
    expect(createValueCipher(hexKey).open('{"a":1}', 'ctx', 'test value')).toBe('{"a":1}');
  });

  test('when an envelope is opened under another context (another row), then it fails instead of being misread', () => {
    const cipher = createValueCipher(hexKey);
    const sealed = cipher.seal('{"a":1}', 'row-1');
    expect(() => cipher.open(sealed, 'row-2', 'test value')).toThrow(/does not decrypt/);
  });

  test('when an envelope is opened with another key, then the error says the key differs', () => {
    const sealed = createValueCipher(hexKey).seal('x', 'ctx');
    expect(() => createValueCipher(base64Key).open(sealed, 'ctx', 'test value')).toThrow(/encrypted with another WHATSAPP_KEYS_ENCRYPTION_KEY/);
  });

  test('when an envelope is opened with no key configured, then the error says the key is not set', () => {
    const sealed = createValueCipher(hexKey).seal('x', 'ctx');
    expect(() => createValueCipher(undefined).open(sealed, 'ctx', 'test value')).toThrow(/WHATSAPP_KEYS_ENCRYPTION_KEY is not set/);
  });
});
