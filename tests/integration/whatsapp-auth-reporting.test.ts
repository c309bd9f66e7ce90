import { createTestStack, type TestStack } from '../helpers/test-stack.js';
import type { ErrorReport, ErrorReporter } from '../../src/observability/error-reporter.js';
import { usePostgresAuthState } from '../../src/whatsapp/auth-state.js';
import { DataError } from '../../src/db/errors.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await createTestStack();
});
afterAll(async () => {
  await stack?.close();
});

function recordingReporter() {
  const reports: { error: unknown; report: ErrorReport }[] = [];
  const reporter: ErrorReporter = { report: (error, report) => void reports.push({ error, report }) };
  return { reporter, reports };
}

describe('auth state failures', () => {
  test('when the database fails during keys.set and keys.get, then each throws a DataError (never "absent") and is reported with whatsapp-auth tags and no key ids', async () => {
    const { reporter, reports } = recordingReporter();
    const auth = await usePostgresAuthState(stack.db, 'reporting', { pool: stack.pool, reporter });
    await stack.pool.query('ALTER TABLE whatsapp_keys RENAME TO whatsapp_keys_gone');
    try {
      await expect(auth.state.keys.set({ 'lid-mapping': { '79001112233': 'x' }, session: { '79001112233.0': null } })).rejects.toBeInstanceOf(DataError);
      await expect(auth.state.keys.get('lid-mapping', ['79001112233'])).rejects.toBeInstanceOf(DataError);
    } finally {
      await stack.pool.query('ALTER TABLE whatsapp_keys_gone RENAME TO whatsapp_keys');
    }

    expect(reports.map((r) => [r.report.component, r.report.operation, r.report.tags?.session_id])).toEqual([
      ['whatsapp-auth', 'keys.set', 'reporting'],
      ['whatsapp-auth', 'keys.get', 'reporting'],
    ]);
    expect(reports[0]?.report.context).toEqual({ sessionId: 'reporting', written: 1, deleted: 1 });
    expect(JSON.stringify(reports.map((r) => r.report))).not.toContain('79001112233');
  });

  test('when the database fails while loading creds, then loading throws instead of starting a fresh session, and it is reported', async () => {
    const { reporter, reports } = recordingReporter();
    await stack.pool.query('ALTER TABLE whatsapp_auth RENAME TO whatsapp_auth_gone');
    try {
      await expect(usePostgresAuthState(stack.db, 'reporting', { pool: stack.pool, reporter })).rejects.toBeInstanceOf(DataError);
    } finally {
      await stack.pool.query('ALTER TABLE whatsapp_auth_gone RENAME TO whatsapp_auth');
    }
    expect(reports.map((r) => r.report.operation)).toEqual(['loadCreds']);
  });

  test('when saving creds and removing the auth state fail, then both throw and are reported', async () => {
    const { reporter, reports } = recordingReporter();
    const auth = await usePostgresAuthState(stack.db, 'reporting-2', { reporter });
    await stack.pool.query('ALTER TABLE whatsapp_auth RENAME TO whatsapp_auth_gone');
    try {
      await expect(auth.saveCreds()).rejects.toBeInstanceOf(DataError);
      await expect(auth.removeAuthState()).rejects.toBeInstanceOf(DataError);
    } finally {
      await stack.pool.query('ALTER TABLE whatsapp_auth_gone RENAME TO whatsapp_auth');
    }
    expect(reports.filter((r) => r.report.component === 'whatsapp-auth').map((r) => r.report.operation)).toEqual(['saveCreds', 'removeAuthState']);
  });
});
