/**
 * File names of Baileys' useMultiFileAuthState: `${type}-${id}.json` with the
 * id mangled ('/' -> '__', ':' -> '-'). The mangling loses information, so
 * recovering the id needs what Baileys 7 puts in ids of each type:
 * - '__' was '/' (base64 app-state key ids are the only ids with '/');
 * - sender-key ids are `${group}::${user}::${device}`, so '--' was '::';
 * - a user jid with a device (`79001234567:2@s.whatsapp.net`, `1234:5@lid`)
 *   became `79001234567-2@...`: user parts are digits, so `digits-digits@`
 *   on a user server was a device separator. Group jids keep their '-'.
 * Every recovered id is checked by mangling it again: it must give back the
 * file name exactly.
 */
import { KNOWN_KEY_TYPES } from './key-types.js';

export function mangleFileName(file: string): string {
  return file.replace(/\//g, '__').replace(/:/g, '-');
}

const USER_DEVICE_JID = /^(\d+)-(\d+)@(s\.whatsapp\.net|lid|hosted|hosted\.lid)$/;

export function unmangleKeyId(type: string, mangled: string): string {
  let id = mangled.replace(/__/g, '/');
  if (type === 'sender-key') id = id.replace(/--/g, '::');
  return id.replace(USER_DEVICE_JID, '$1:$2@$3');
}

export type ParsedFileName = { kind: 'creds' } | { kind: 'key'; type: string; id: string } | { kind: 'unrecognised' };

/** Longest known type first: `sender-key-memory-x` is a sender-key-memory key, not a sender-key. */
const TYPES_LONGEST_FIRST = [...KNOWN_KEY_TYPES].sort((a, b) => b.length - a.length);

export function parseAuthFileName(file: string): ParsedFileName {
  if (file === 'creds.json') return { kind: 'creds' };
  if (!file.endsWith('.json')) return { kind: 'unrecognised' };
  const stem = file.slice(0, -'.json'.length);
  const type = TYPES_LONGEST_FIRST.find((candidate) => stem.startsWith(`${candidate}-`));
  if (!type) return { kind: 'unrecognised' };
  const id = unmangleKeyId(type, stem.slice(type.length + 1));
  if (id === '' || mangleFileName(`${type}-${id}.json`) !== file) return { kind: 'unrecognised' };
  return { kind: 'key', type, id };
}
