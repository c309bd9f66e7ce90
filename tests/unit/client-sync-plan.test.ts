import { planClientSync, type StoredIdentity, type SyncRowIdentity } from '../../src/repositories/client-sync-plan.js';

const row = (index: number, phone: string, crmId?: number): SyncRowIdentity => ({ index, phone, crmId });
const client = (id: number, phone: string, crmId: number | null = null): StoredIdentity => ({ id, phone, crmId });

describe('planClientSync identity', () => {
  test('when a row without a CRM id names the phone of a client another row names by CRM id, then the later row wins as a duplicate', () => {
    const plan = planClientSync([row(0, '71', 5), row(1, '71')], [client(10, '71', 5)]);
    expect(plan.duplicates).toEqual([{ index: 0, keptIndex: 1 }]);
    expect(plan.writes).toEqual([{ index: 1, clientId: 10, phone: '71', previousPhone: undefined, wave: 0 }]);
  });

  test('when two new CRM records carry the phone of one WhatsApp-only client, then the lower CRM id takes that client over and the other is not inserted', () => {
    const plan = planClientSync([row(0, '71', 9), row(1, '71', 4)], [client(10, '71')]);
    expect(plan.writes).toEqual([{ index: 1, clientId: 10, phone: '71', previousPhone: undefined, wave: 0 }]);
    expect(plan.conflicts).toEqual([{ index: 0, reason: 'PHONE_TAKEN', action: 'NOT_INSERTED', phoneHolderClientId: 10 }]);
  });

  test('when a row with a CRM id and a row without one want the same free phone, then the row with the CRM id gets it', () => {
    const plan = planClientSync([row(0, '71'), row(1, '71', 3)], []);
    expect(plan.writes).toEqual([{ index: 1, clientId: undefined, phone: '71', previousPhone: undefined, wave: 0 }]);
    expect(plan.conflicts).toEqual([{ index: 0, reason: 'PHONE_TAKEN', action: 'NOT_INSERTED', phoneHolderIndex: 1 }]);
  });
});

describe('planClientSync phone moves', () => {
  test('when three clients move along a chain, then each is written one wave after the client whose phone it takes', () => {
    const stored = [client(1, '71', 1), client(2, '72', 2), client(3, '73', 3)];
    const plan = planClientSync([row(0, '72', 1), row(1, '73', 2), row(2, '74', 3)], stored);
    expect(plan.conflicts).toEqual([]);
    expect(plan.writes.map((w) => [w.clientId, w.previousPhone, w.phone, w.wave])).toEqual([
      [1, '71', '72', 2],
      [2, '72', '73', 1],
      [3, '73', '74', 0],
    ]);
  });

  test('when a new client takes the phone a stored client gives up, then the insert comes in the later wave', () => {
    const plan = planClientSync([row(0, '71', 2), row(1, '72', 1)], [client(1, '71', 1)]);
    expect(plan.writes).toEqual([
      { index: 0, clientId: undefined, phone: '71', previousPhone: undefined, wave: 1 },
      { index: 1, clientId: 1, phone: '72', previousPhone: '71', wave: 0 },
    ]);
  });

  test('when three clients rotate their phones, then none moves and all three are conflicts', () => {
    const stored = [client(1, '71', 1), client(2, '72', 2), client(3, '73', 3)];
    const plan = planClientSync([row(0, '72', 1), row(1, '73', 2), row(2, '71', 3)], stored);
    expect(plan.writes.map((w) => [w.clientId, w.phone, w.wave])).toEqual([
      [1, '71', 0],
      [2, '72', 0],
      [3, '73', 0],
    ]);
    expect(plan.conflicts.map((c) => [c.index, c.action, c.phoneHolderClientId])).toEqual([
      [0, 'PHONE_NOT_CHANGED', 2],
      [1, 'PHONE_NOT_CHANGED', 3],
      [2, 'PHONE_NOT_CHANGED', 1],
    ]);
  });

  test('when a stored client gives up its phone but loses the phone it wanted, then it keeps its phone and the row waiting for it is a conflict', () => {
    // Client 2 wants 73, held by client 3 who stays; client 1 wants client 2's 72.
    const stored = [client(1, '71', 1), client(2, '72', 2), client(3, '73', 3)];
    const plan = planClientSync([row(0, '72', 1), row(1, '73', 2)], stored);
    expect(plan.writes.map((w) => [w.clientId, w.phone])).toEqual([
      [1, '71'],
      [2, '72'],
    ]);
    expect(plan.conflicts.map((c) => [c.index, c.phoneHolderClientId])).toEqual([
      [0, 2],
      [1, 3],
    ]);
  });
});
