/**
 * Who is who in a CRM client sync: which stored client each input row
 * updates, which rows insert a client, and who holds a phone when rows and
 * stored clients disagree. Pure (no database): the sync loads the stored
 * clients the call names and writes what this plans.
 *
 * The rules, applied the same way on every run:
 * 1. Identity: a row with a CRM id is the client with that CRM id; failing
 *    that, a client first met on WhatsApp (same phone, no CRM id yet) takes
 *    the CRM id; failing that, a new client. A row without a CRM id is the
 *    client with that phone, or a new one. So a phone change in the CRM
 *    moves the phone of the same client (same id: appointments stay its own).
 * 2. Duplicates: two rows naming the same client, the later row wins.
 * 3. One phone, one client: the WhatsApp number is how the assistant meets
 *    people, so a phone never changes hands silently. A phone stays with the
 *    stored client holding it unless that client itself moves to another
 *    free phone in the same call; a free phone wanted by several rows goes to
 *    the lowest CRM id (the older CRM record), rows without a CRM id last.
 *    A row that does not get its phone is a conflict: a stored client is
 *    still updated, keeping its phone; a new client is not inserted.
 *    Phones changing in a ring (A takes B's, B takes A's) stay as stored.
 * 4. Order: a client taking a phone another client gives up in the same call
 *    is written after it (a later "wave"), so the unique (company, phone)
 *    index never sees two holders.
 */
import type { ConflictRow, DuplicateRow } from './sync-result.js';
import { lastWins } from './sync-result.js';

export interface SyncRowIdentity {
  /** Index in the caller's input. */
  index: number;
  crmId: number | undefined;
  /** E.164 digits. */
  phone: string;
}

export interface StoredIdentity {
  id: number;
  crmId: number | null;
  phone: string;
}

export interface PlannedWrite {
  index: number;
  /** The stored client to update; undefined inserts a new client. */
  clientId: number | undefined;
  /** The phone to write (the stored one when the row lost its phone to another client). */
  phone: string;
  /** Set when the client's phone changes: the phone it gives up. */
  previousPhone: string | undefined;
  /** Writes of wave n run after those of wave n - 1. */
  wave: number;
}

export interface ClientSyncPlan {
  writes: PlannedWrite[];
  duplicates: DuplicateRow[];
  conflicts: ConflictRow[];
}

interface Claimant {
  row: SyncRowIdentity;
  client: StoredIdentity | undefined;
}

interface Claim {
  ok: boolean;
  wave: number;
}

const FAILED: Claim = { ok: false, wave: 0 };

/** Identity key inside one call: the CRM id when given, else the phone. */
const identityKey = (row: SyncRowIdentity) => (row.crmId === undefined ? `phone:${row.phone}` : `crm:${row.crmId}`);

/** Lower CRM id first, rows without one last; input order breaks the remaining ties. */
const byPriority = (a: Claimant, b: Claimant) =>
  (a.row.crmId ?? Number.POSITIVE_INFINITY) - (b.row.crmId ?? Number.POSITIVE_INFINITY) || a.row.index - b.row.index;

export function planClientSync(rows: SyncRowIdentity[], stored: StoredIdentity[]): ClientSyncPlan {
  const first = lastWins(rows, identityKey);
  const duplicates = first.duplicates.map(({ index, keptIndex }) => ({ index: rows[index]?.index ?? index, keptIndex: rows[keptIndex]?.index ?? keptIndex }));
  const byCrm = new Map<number, StoredIdentity>();
  const byPhone = new Map<string, StoredIdentity>();
  for (const client of stored) {
    if (client.crmId !== null) byCrm.set(client.crmId, client);
    byPhone.set(client.phone, client);
  }

  const claimants = dropSameTarget(assignTargets(first.kept, byCrm, byPhone), duplicates);
  const phones = new PhoneClaims(claimants, byPhone);

  const writes: PlannedWrite[] = [];
  const conflicts: ConflictRow[] = [];
  for (const claimant of claimants) {
    const { row, client } = claimant;
    if (client && client.phone === row.phone) {
      writes.push({ index: row.index, clientId: client.id, phone: row.phone, previousPhone: undefined, wave: 0 });
      continue;
    }
    const claim = phones.resolve(row.phone);
    if (claim.ok && phones.winner(row.phone) === claimant) {
      writes.push({ index: row.index, clientId: client?.id, phone: row.phone, previousPhone: client?.phone, wave: claim.wave });
      continue;
    }
    conflicts.push(phones.conflict(claimant));
    // A stored client is still updated, keeping the phone it has.
    if (client) writes.push({ index: row.index, clientId: client.id, phone: client.phone, previousPhone: undefined, wave: 0 });
  }
  return { writes, duplicates, conflicts };
}

/** Rule 1: the stored client (or none: a new one) each row is about. */
function assignTargets(rows: SyncRowIdentity[], byCrm: Map<number, StoredIdentity>, byPhone: Map<string, StoredIdentity>): Claimant[] {
  const claimants: Claimant[] = [];
  const adopted = new Set<number>();
  // Lowest CRM id first, so which row takes over a WhatsApp-only client does not depend on the export's order.
  const withCrm = rows.filter((row) => row.crmId !== undefined).sort((a, b) => (a.crmId as number) - (b.crmId as number));
  for (const row of withCrm) {
    const own = byCrm.get(row.crmId as number);
    if (own) {
      claimants.push({ row, client: own });
      continue;
    }
    const holder = byPhone.get(row.phone);
    if (holder && holder.crmId === null && !adopted.has(holder.id)) {
      adopted.add(holder.id);
      claimants.push({ row, client: holder });
      continue;
    }
    claimants.push({ row, client: undefined });
  }
  for (const row of rows) {
    if (row.crmId === undefined) claimants.push({ row, client: byPhone.get(row.phone) });
  }
  return claimants.sort((a, b) => a.row.index - b.row.index);
}

/** Rule 2 again, across spellings: a row without a CRM id naming the phone of a row's client is the same client. */
function dropSameTarget(claimants: Claimant[], duplicates: DuplicateRow[]): Claimant[] {
  const lastByClient = new Map<number, Claimant>();
  for (const claimant of claimants) if (claimant.client) lastByClient.set(claimant.client.id, claimant);
  return claimants.filter((claimant) => {
    const last = claimant.client ? lastByClient.get(claimant.client.id) : claimant;
    if (last === claimant) return true;
    duplicates.push({ index: claimant.row.index, keptIndex: (last as Claimant).row.index });
    return false;
  });
}

/** Rules 3 and 4: who gets each wanted phone, and in which wave. */
class PhoneClaims {
  /** Claimants wanting a phone they do not hold, by phone, best first. */
  private readonly wanted = new Map<string, Claimant[]>();
  /** Phones whose stored holder keeps them. */
  private readonly kept = new Set<string>();
  /** Stored clients asking for another phone, by id. */
  private readonly leaving = new Map<number, Claimant>();
  private readonly resolved = new Map<string, Claim | 'pending'>();

  constructor(claimants: Claimant[], private readonly byPhone: Map<string, StoredIdentity>) {
    for (const claimant of claimants) {
      const { row, client } = claimant;
      if (client && client.phone === row.phone) {
        this.kept.add(row.phone);
        continue;
      }
      const list = this.wanted.get(row.phone) ?? [];
      list.push(claimant);
      this.wanted.set(row.phone, list);
      if (client) this.leaving.set(client.id, claimant);
    }
    for (const list of this.wanted.values()) list.sort(byPriority);
  }

  winner(phone: string): Claimant | undefined {
    return this.wanted.get(phone)?.[0];
  }

  /** Whether the best claimant of `phone` gets it, and in which wave. */
  resolve(phone: string): Claim {
    const known = this.resolved.get(phone);
    // Seen again while resolving it: the phones change in a ring, and none of them is free.
    if (known === 'pending') return FAILED;
    if (known) return known;
    this.resolved.set(phone, 'pending');
    const claim = this.freeAfter(phone);
    this.resolved.set(phone, claim);
    return claim;
  }

  private freeAfter(phone: string): Claim {
    if (this.kept.has(phone)) return FAILED;
    const holder = this.byPhone.get(phone);
    if (!holder) return { ok: true, wave: 0 };
    const away = this.leaving.get(holder.id);
    if (!away || this.winner(away.row.phone) !== away) return FAILED;
    const next = this.resolve(away.row.phone);
    return next.ok ? { ok: true, wave: next.wave + 1 } : FAILED;
  }

  conflict(claimant: Claimant): ConflictRow {
    const phone = claimant.row.phone;
    const holder = this.byPhone.get(phone);
    const winner = this.winner(phone);
    // Who has the phone after this call: another row of it, or the stored holder.
    const holderAfter =
      winner !== undefined && winner !== claimant && this.resolve(phone).ok
        ? { phoneHolderIndex: winner.row.index, ...(winner.client ? { phoneHolderClientId: winner.client.id } : {}) }
        : holder && holder.id !== claimant.client?.id
          ? { phoneHolderClientId: holder.id }
          : {};
    return {
      index: claimant.row.index,
      reason: 'PHONE_TAKEN',
      action: claimant.client ? 'PHONE_NOT_CHANGED' : 'NOT_INSERTED',
      ...(claimant.client ? { clientId: claimant.client.id } : {}),
      ...holderAfter,
    };
  }
}
