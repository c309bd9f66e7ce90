/**
 * bulkUpsert needs every row of a call to give the same fields (one column
 * list per statement). CRM payloads sometimes omit a field on some records,
 * and an omitted field must mean "keep what is stored", not "set NULL". So
 * rows are grouped by the fields they give and each group is one bulkUpsert;
 * a failing row is named by its index in the caller's input.
 */
import { DataError, restateDataError } from '../db/errors.js';
import type { BulkUpsertResult } from './bulk-upsert.js';

export async function bulkUpsertByFieldSet<T extends object>(
  rows: T[],
  upsertGroup: (group: T[]) => Promise<BulkUpsertResult>,
): Promise<BulkUpsertResult> {
  const groups = new Map<string, { rows: T[]; indexes: number[] }>();
  rows.forEach((row, index) => {
    const key = Object.keys(row)
      .filter((field) => (row as Record<string, unknown>)[field] !== undefined)
      .sort()
      .join(',');
    const group = groups.get(key) ?? { rows: [], indexes: [] };
    group.rows.push(row);
    group.indexes.push(index);
    groups.set(key, group);
  });
  const total: BulkUpsertResult = { inserted: 0, updated: 0, unchanged: 0, duplicates: 0 };
  for (const group of groups.values()) {
    let result: BulkUpsertResult;
    try {
      result = await upsertGroup(group.rows);
    } catch (error) {
      if (groups.size === 1 || !(error instanceof DataError) || error.rowIndex === undefined) throw error;
      const rowIndex = group.indexes[error.rowIndex] ?? error.rowIndex;
      throw restateDataError(error, `input row ${rowIndex}: ${error.message} (row numbers after "row" count within rows giving the same fields)`, { rowIndex });
    }
    total.inserted += result.inserted;
    total.updated += result.updated;
    total.unchanged += result.unchanged;
    total.duplicates += result.duplicates;
  }
  return total;
}
