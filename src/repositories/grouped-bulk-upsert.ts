/**
 * bulkUpsert needs every row of a statement to give the same fields (one
 * column list per statement). CRM payloads sometimes omit a field on some
 * records, and an omitted field must mean "keep what is stored", not "set
 * NULL". So rows are grouped by the fields they give and each group is one
 * bulkUpsert; a failing row is named by its index in the caller's input.
 */
import { DataError, restateDataError } from '../db/errors.js';
import type { BulkUpsertResult } from './bulk-upsert.js';
import { lastWins, syncResult, type SyncResult } from './sync-result.js';

/**
 * Upserts rows grouped by the fields they give. `indexes[i]` is the caller's
 * index of `rows[i]` (rows may be a filtered or reordered part of the input).
 */
export async function bulkUpsertByFieldSet<T extends object>(
  rows: T[],
  indexes: number[],
  upsertGroup: (group: T[]) => Promise<BulkUpsertResult>,
): Promise<BulkUpsertResult> {
  const groups = new Map<string, { rows: T[]; indexes: number[] }>();
  rows.forEach((row, position) => {
    const key = Object.keys(row)
      .filter((field) => (row as Record<string, unknown>)[field] !== undefined)
      .sort()
      .join(',');
    const group = groups.get(key) ?? { rows: [], indexes: [] };
    group.rows.push(row);
    group.indexes.push(indexes[position] as number);
    groups.set(key, group);
  });
  const total: BulkUpsertResult = { inserted: 0, updated: 0, unchanged: 0, duplicates: 0 };
  for (const group of groups.values()) {
    let result: BulkUpsertResult;
    try {
      result = await upsertGroup(group.rows);
    } catch (error) {
      if (!(error instanceof DataError) || error.rowIndex === undefined) throw error;
      const rowIndex = group.indexes[error.rowIndex] ?? error.rowIndex;
      if (rowIndex === error.rowIndex) throw error;
      throw restateDataError(error, `input row ${rowIndex}: ${error.message} (numbers after "row" count within one statement's rows)`, { rowIndex });
    }
    total.inserted += result.inserted;
    total.updated += result.updated;
    total.unchanged += result.unchanged;
    total.duplicates += result.duplicates;
  }
  return total;
}

/**
 * A sync by one key (services by CRM id, schedules by staff and day): the last
 * row of each key wins, the others are reported as duplicates, and the kept
 * rows are upserted grouped by the fields they give.
 */
export async function syncByKey<T extends object>(
  rows: T[],
  keyOf: (row: T, index: number) => string | undefined,
  upsertGroup: (group: T[]) => Promise<BulkUpsertResult>,
): Promise<SyncResult> {
  const { kept, indexes, duplicates } = lastWins(rows, keyOf);
  const counts = await bulkUpsertByFieldSet(kept, indexes, upsertGroup);
  return syncResult(counts, duplicates);
}
