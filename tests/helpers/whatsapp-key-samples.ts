/**
 * Realistic values of every Baileys 7 key type (what each type holds, with
 * Buffers and Uint8Arrays where Baileys has them), plus an unknown future type.
 * Shared by the WhatsApp store tests and the auth-state benchmark.
 */
import { randomBytes } from 'node:crypto';
import { Curve, proto, type SignalDataSet } from '@whiskeysockets/baileys';
import { KNOWN_KEY_TYPES } from '../../src/whatsapp/key-types.js';

export { KNOWN_KEY_TYPES };

/** One value of `type`, varied by `n`. */
export function sampleValue(type: string, n: number): unknown {
  switch (type) {
    case 'pre-key':
      return Curve.generateKeyPair();
    case 'session':
      return new Uint8Array(randomBytes(600 + (n % 200)));
    case 'sender-key':
      return new Uint8Array(randomBytes(300));
    case 'sender-key-memory':
      return { [`7900000${n}:1@s.whatsapp.net`]: true, [`7900000${n}:2@s.whatsapp.net`]: n % 2 === 0 };
    case 'app-state-sync-key':
      return proto.Message.AppStateSyncKeyData.fromObject({
        keyData: randomBytes(32),
        fingerprint: { rawId: n, currentIndex: 1, deviceIndexes: [0, 1] },
        timestamp: 1_700_000_000 + n,
      });
    case 'app-state-sync-version':
      return { version: n, hash: randomBytes(128), indexValueMap: { [`idx${n}`]: { valueMac: randomBytes(32) } } };
    case 'lid-mapping':
      return `${100000 + n}`;
    case 'device-list':
      return ['0', '1', `${n % 20}`];
    case 'tctoken':
      return { token: randomBytes(24), timestamp: `${1_700_000_000 + n}` };
    case 'identity-key':
      return new Uint8Array(randomBytes(33));
    default:
      return { future: true, blob: randomBytes(16), n };
  }
}

/** Ids shaped like Baileys' own for the type (jids, signal addresses, numbers, base64). */
export function sampleId(type: string, n: number): string {
  switch (type) {
    case 'pre-key':
      return String(n + 1);
    case 'session':
      return `7900000${n}.${n % 3}`;
    case 'sender-key':
      return `12036300${n}@g.us::7900000${n}::${n % 3}`;
    case 'sender-key-memory':
      return `12036300${n}@g.us`;
    case 'app-state-sync-key':
      return Buffer.from([n & 255, (n >> 8) & 255, 0xfb, 0xff]).toString('base64');
    case 'app-state-sync-version':
      // Baileys has five; more only so that large sets stay distinct.
      return `${['critical_block', 'critical_unblock_low', 'regular', 'regular_high', 'regular_low'][n % 5]}${n < 5 ? '' : `_${n}`}`;
    case 'lid-mapping':
      return n % 2 === 0 ? `7900000${n}` : `1${n}_reverse`;
    case 'device-list':
      return `7900000${n}`;
    case 'tctoken':
      return `7900000${n}@s.whatsapp.net`;
    case 'identity-key':
      return `7900000${n}:${n % 3}@s.whatsapp.net`;
    default:
      return `future-${n}`;
  }
}

/** `count` keys spread over every known type, as one SignalDataSet. */
export function mixedKeySet(count: number, offset = 0, types: readonly string[] = KNOWN_KEY_TYPES): SignalDataSet {
  const data: Record<string, Record<string, unknown>> = {};
  for (let i = 0; i < count; i += 1) {
    const type = types[i % types.length] as string;
    const n = offset + Math.floor(i / types.length);
    (data[type] ??= {})[sampleId(type, n)] = sampleValue(type, n);
  }
  return data as SignalDataSet;
}
