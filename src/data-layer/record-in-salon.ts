/**
 * Tenancy for reads by record id: a record that is not in the calling salon
 * (it does not exist, or it belongs to another salon) is NOT_FOUND, the same
 * answer in both cases, so a salon learns nothing about another salon's ids.
 * Lookups by what a person types (a phone, a name) are not reads by id: they
 * answer `null` or `[]` when nobody matches.
 */
import { NotFoundError } from '../db/errors.js';

export type RecordKind = 'client' | 'staff member' | 'service';

const notInSalon = (kind: RecordKind) => new NotFoundError(`no ${kind} with this id in this salon`);

/** The record, or NOT_FOUND. */
export function foundInSalon<T>(record: T | null | undefined, kind: RecordKind): T {
  if (record === null || record === undefined) throw notInSalon(kind);
  return record;
}

/**
 * A list keyed by a record id (a client's appointments, a staff member's
 * schedules): an empty list is only an answer when the record is this
 * salon's; the existence check runs only then, so a non-empty list costs
 * nothing more.
 */
export async function listOfRecordInSalon<T>(list: T[], kind: RecordKind, exists: () => Promise<unknown>): Promise<T[]> {
  if (list.length === 0) foundInSalon(await exists(), kind);
  return list;
}
