/**
 * What a bulk sync call (upsertClients, upsertServices, upsertStaffSchedules)
 * did, in terms an operator can act on: counts of rows written, and every
 * input row that was not applied exactly as given, by its index in the call.
 *
 * inserted + updated + unchanged + duplicates.length + (conflicts that were
 * not inserted) = the number of input rows.
 */
import type { BulkUpsertResult } from './bulk-upsert.js';

/** An input row dropped because a later row of the same call names the same record (the later one is applied). */
export interface DuplicateRow {
  index: number;
  keptIndex: number;
}

/**
 * An input row whose phone belongs to another client of the salon. Either the
 * client was updated without the phone change, or (a new client, which cannot
 * exist without a phone) it was not inserted.
 */
export interface ConflictRow {
  index: number;
  reason: 'PHONE_TAKEN';
  action: 'PHONE_NOT_CHANGED' | 'NOT_INSERTED';
  /** The stored client the row updated (PHONE_NOT_CHANGED). */
  clientId?: number;
  /** The stored client that holds the phone. */
  phoneHolderClientId?: number;
  /** The row of this call that got the phone instead (a new client, or one moving to it). */
  phoneHolderIndex?: number;
}

export interface SyncResult {
  inserted: number;
  updated: number;
  /** Rows identical to what is stored: not written, updated_at unchanged. */
  unchanged: number;
  duplicates: DuplicateRow[];
  conflicts: ConflictRow[];
}

export function syncResult(counts: BulkUpsertResult, duplicates: DuplicateRow[], conflicts: ConflictRow[] = []): SyncResult {
  return {
    inserted: counts.inserted,
    updated: counts.updated,
    unchanged: counts.unchanged,
    duplicates: [...duplicates].sort((a, b) => a.index - b.index),
    conflicts: [...conflicts].sort((a, b) => a.index - b.index),
  };
}

/**
 * Keeps the last row for each key (a CRM export repeating a record means its
 * later state); rows whose key is undefined are always kept. Returns the kept
 * rows in input order with their input indexes.
 */
export function lastWins<T>(rows: T[], keyOf: (row: T, index: number) => string | undefined): { kept: T[]; indexes: number[]; duplicates: DuplicateRow[] } {
  const lastIndex = new Map<string, number>();
  const keys = rows.map((row, index) => {
    const key = keyOf(row, index);
    if (key !== undefined) lastIndex.set(key, index);
    return key;
  });
  const kept: T[] = [];
  const indexes: number[] = [];
  const duplicates: DuplicateRow[] = [];
  rows.forEach((row, index) => {
    const key = keys[index];
    const keptIndex = key === undefined ? index : (lastIndex.get(key) as number);
    if (keptIndex === index) {
      kept.push(row);
      indexes.push(index);
    } else {
      duplicates.push({ index, keptIndex });
    }
  });
  return { kept, indexes, duplicates };
}
