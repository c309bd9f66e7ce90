/** The signal key types Baileys 7 stores (SignalDataTypeMap). Others may come; the store keeps any type. */
export const KNOWN_KEY_TYPES = [
  'pre-key',
  'session',
  'sender-key',
  'sender-key-memory',
  'app-state-sync-key',
  'app-state-sync-version',
  'lid-mapping',
  'device-list',
  'tctoken',
  'identity-key',
] as const;
