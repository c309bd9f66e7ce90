import pg from 'pg';
import { createTestStack, type TestStack } from '../helpers/test-stack.js';
import { silentLogger } from '../../src/observability/logger.js';
import type { ErrorReport, ErrorReporter } from '../../src/observability/error-reporter.js';
import { cleanupExpiredKeys, KEY_CLEANUP_JOB_NAME } from '../../src/whatsapp/key-cleanup.js';
import { runKeyCleanupJob } from '../../src/jobs/whatsapp-key-cleanup-job.js';
import { runExclusiveJob } from '../../src/jobs/run-exclusive-job.js';
import { usePostgresAuthState } from '../../src/whatsapp/auth-state.js';
import { sampleValue } from '../helpers/whatsapp-key-samples.js';
import { createSessionHealth } from '../../src/whatsapp/session-health.js';
import { createSnapshotReader } from '../../src/observability/metrics-database-snapshot.js';

let stack: TestStack;
const reports: ErrorReport[] = [];
const reporter: ErrorReporter = { report: (_error, report) => void reports.push(report) };

beforeAll(async () => {
  stack = await createTestStack();
});
afterAll(async () => {
  await stack?.close();
});
beforeEach(async () => {
  await stack.pool.query('TRUNCATE whatsapp_keys, whatsapp_auth, job_runs');
  reports.length = 0;
});

const past = new Date(Date.now() - 90 * 86_400_000);

/** A real session: creds, live keys, and keys written 90 days ago (pre-keys and tctokens, so expired). */
async function seedSession(sessionId: string, expiredCount: number) {
  const old = await usePostgresAuthState(stack.db, sessionId, { pool: stack.pool, clock: () => past });
  await old.saveCreds();
  const preKeys: Record<string, unknown> = {};
  const tokens: Record<string, unknown> = {};
  for (let i = 0; i < expiredCount; i += 1) {
    if (i % 2 === 0) preKeys[String(i + 1)] = sampleValue('pre-key', i);
    else tokens[`7900${i}@s.whatsapp.net`] = sampleValue('tctoken', i);
  }
  await old.state.keys.set({ 'pre-key': preKeys as never, tctoken: tokens as never, session: { 'old.0': new Uint8Array([1]) } });
  const live = await usePostgresAuthState(stack.db, sessionId, { pool: stack.pool });
  await live.state.keys.set({ 'pre-key': { '100000': sampleValue('pre-key', 1) as never }, session: { 'live.0': new Uint8Array([2]) } });
}

const keyRows = async () =>
  (await stack.pool.query<{ row: string }>("SELECT session_id || '/' || type || '/' || key_id AS row FROM whatsapp_keys ORDER BY 1")).rows.map((r) => r.row);
const expiredRows = async () =>
  (await stack.pool.query<{ row: string }>("SELECT session_id || '/' || type || '/' || key_id AS row FROM whatsapp_keys WHERE expires_at <= now() ORDER BY 1")).rows.map(
    (r) => r.row,
  );

describe('cleanupExpiredKeys', () => {
  test('when run as a dry run, then it counts the expired keys by type and deletes nothing', async () => {
    await seedSession('shop', 25);
    const before = await keyRows();

    const stats = await cleanupExpiredKeys({ db: stack.db, pool: stack.pool }, { dryRun: true, batchSize: 10 });

    expect(stats).toMatchObject({ dryRun: true, found: 25, deleted: 0, byType: { 'pre-key': 13, tctoken: 12 }, batches: 0 });
    expect(await keyRows()).toEqual(before);
  });

  test('when run for real in small batches, then exactly the expired keys are gone and the session still opens with its live keys', async () => {
    await seedSession('shop', 25);
    const before = await keyRows();
    const expired = await expiredRows();

    const stats = await cleanupExpiredKeys({ db: stack.db, pool: stack.pool }, { dryRun: false, batchSize: 10 });

    expect(stats).toMatchObject({ found: 25, deleted: 25, byType: { 'pre-key': 13, tctoken: 12 }, batches: 3 });
    expect(await keyRows()).toEqual(before.filter((row) => !expired.includes(row)));
    const reopened = await usePostgresAuthState(stack.db, 'shop', { pool: stack.pool });
    expect(Object.keys(await reopened.state.keys.get('session', ['old.0', 'live.0'])).sort()).toEqual(['live.0', 'old.0']);
    expect(Object.keys(await reopened.state.keys.get('pre-key', ['100000']))).toEqual(['100000']);
    expect(reopened.state.creds.registrationId).toBeGreaterThan(0);
  });

  test('when a session is given, then only that session loses keys', async () => {
    await seedSession('shop', 6);
    await seedSession('shop:b', 6);

    const stats = await cleanupExpiredKeys({ db: stack.db }, { dryRun: false, batchSize: 100, sessionId: 'shop:b' });

    expect(stats.deleted).toBe(6);
    expect((await expiredRows()).every((row) => row.startsWith('shop/'))).toBe(true);
    expect(await expiredRows()).toHaveLength(6);
  });
});

describe('runKeyCleanupJob', () => {
  const deps = () => ({ db: stack.db, pool: stack.pool, logger: silentLogger, reporter });

  test('when it succeeds, then the run is recorded in job_runs with its statistics', async () => {
    await seedSession('shop', 4);

    const outcome = await runKeyCleanupJob(deps(), { dryRun: false, batchSize: 100 });

    expect(outcome.status).toBe('succeeded');
    const runs = await stack.db.jobRun.findMany();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ jobName: KEY_CLEANUP_JOB_NAME, status: 'succeeded', dryRun: false, error: null });
    expect(runs[0]?.finishedAt).toBeInstanceOf(Date);
    expect(runs[0]?.stats).toMatchObject({ found: 4, deleted: 4 });
  });

  test('when a run covers one session only, then it is the last cleanup of that session but not of all sessions nor of another', async () => {
    await seedSession('shop', 2);
    await seedSession('other', 2);
    const health = createSessionHealth({ db: stack.db, pool: stack.pool, thresholds: { expiredKeysWarning: 100, expiredKeysCritical: 500, filesWarning: 200, filesCritical: 300 } });
    const snapshot = createSnapshotReader(stack.pool, { timeoutMs: 5_000, cacheMs: 0 });

    expect((await runKeyCleanupJob(deps(), { dryRun: false, sessionId: 'shop', batchSize: 100 })).status).toBe('succeeded');

    const [run] = await stack.db.jobRun.findMany();
    expect(run?.stats).toMatchObject({ sessionId: 'shop' });
    expect((await health.checkSessionHealth('shop')).lastCleanupAt).toBe(run?.finishedAt?.toISOString());
    expect((await health.checkSessionHealth('other')).lastCleanupAt).toBeNull();
    expect((await health.checkSessionHealth()).lastCleanupAt).toBeNull();
    expect((await snapshot()).lastCleanupSeconds).toBeUndefined();
  });

  test('when a run covers all sessions, then it is the last cleanup of all sessions and of each one', async () => {
    await seedSession('shop', 2);
    const health = createSessionHealth({ db: stack.db, pool: stack.pool, thresholds: { expiredKeysWarning: 100, expiredKeysCritical: 500, filesWarning: 200, filesCritical: 300 } });
    const snapshot = createSnapshotReader(stack.pool, { timeoutMs: 5_000, cacheMs: 0 });

    await runKeyCleanupJob(deps(), { dryRun: false, batchSize: 100 });

    const [run] = await stack.db.jobRun.findMany();
    expect(run?.stats).toMatchObject({ sessionId: null });
    const at = run?.finishedAt?.toISOString();
    expect((await health.checkSessionHealth()).lastCleanupAt).toBe(at);
    expect((await health.checkSessionHealth('other')).lastCleanupAt).toBe(at);
    expect((await snapshot()).lastCleanupSeconds).toBeCloseTo((run?.finishedAt?.getTime() ?? 0) / 1000, 3);
  });

  test('when the database refuses the delete, then the run is recorded as failed and reported to Sentry', async () => {
    await seedSession('shop', 4);
    await stack.pool.query(`CREATE FUNCTION refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'no deletes today'; END $$;
      CREATE TRIGGER refuse_delete BEFORE DELETE ON whatsapp_keys FOR EACH ROW EXECUTE FUNCTION refuse_delete();`);
    try {
      const outcome = await runKeyCleanupJob(deps(), { dryRun: false, batchSize: 100 });

      expect(outcome.status).toBe('failed');
      expect(await stack.db.jobRun.findMany({ select: { status: true } })).toEqual([{ status: 'failed' }]);
      expect(reports.map((r) => [r.component, r.operation])).toEqual([['jobs', KEY_CLEANUP_JOB_NAME]]);
      expect(await expiredRows()).toHaveLength(4);
    } finally {
      await stack.pool.query('DROP TRIGGER refuse_delete ON whatsapp_keys; DROP FUNCTION refuse_delete();');
    }
  });

  test('when the job lock has a connection of its own (DIRECT_DATABASE_URL), then the lock is held there and the run succeeds', async () => {
    await seedSession('shop', 6);
    let holders: string[] = [];
    const outcome = await runExclusiveJob(
      { ...deps(), pool: stack.pool, lockConnection: { connectionString: stack.database.url }, name: KEY_CLEANUP_JOB_NAME, dryRun: false },
      async () => {
        holders = (
          await stack.pool.query<{ application_name: string }>(
            `SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
             WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
          )
        ).rows.map((r) => r.application_name);
        return cleanupExpiredKeys({ db: stack.db, pool: stack.pool }, { dryRun: false, batchSize: 100 });
      },
    );
    expect(outcome.status).toBe('succeeded');
    // Not one of the pool's connections (those are named ai-admin-data-test): the lock's own session.
    expect(holders).toEqual(['ai-admin-data-job-lock']);
    expect(await expiredRows()).toHaveLength(0);
  });

  test('when the direct lock connection cannot be reached, then the run fails with a reason, is reported, and deletes nothing', async () => {
    await seedSession('shop', 6);
    const closedPort = new URL(stack.database.url);
    closedPort.port = '1';
    const outcome = await runKeyCleanupJob({ ...deps(), lockConnection: { connectionString: closedPort.href, connectionTimeoutMillis: 2_000 } }, { dryRun: false, batchSize: 100 });
    expect(outcome.status).toBe('failed');
    expect(String((outcome as { error: Error }).error.message)).toMatch(/^could not open the lock connection for job whatsapp-key-cleanup: ECONNREFUSED$/);
    expect(reports.map((r) => [r.component, r.operation])).toEqual([['jobs', KEY_CLEANUP_JOB_NAME]]);
    expect(await expiredRows()).toHaveLength(6);
  });

  test('when two workers start the cleanup at the same moment, then one runs and the other skips', async () => {
    await seedSession('shop', 10);
    const secondWorkerPool = new pg.Pool({ connectionString: stack.database.url, max: 2 });
    try {
      // The job that gets the lock waits here until the other has given up, so the two really overlap.
      let openGate: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => (openGate = resolve));
      const job = (pool: pg.Pool) =>
        runExclusiveJob({ ...deps(), pool, name: KEY_CLEANUP_JOB_NAME, dryRun: false }, async () => {
          await gate;
          return cleanupExpiredKeys({ db: stack.db, pool }, { dryRun: false, batchSize: 100 });
        });
      const runs = [job(stack.pool), job(secondWorkerPool)];
      const first = await Promise.race(runs);
      openGate();
      const outcomes = await Promise.all(runs);

      expect(first.status).toBe('skipped');
      expect(outcomes.map((o) => o.status).sort()).toEqual(['skipped', 'succeeded']);
      expect((await stack.db.jobRun.findMany({ select: { status: true }, orderBy: { id: 'asc' } })).map((r) => r.status).sort()).toEqual([
        'skipped',
        'succeeded',
      ]);
      expect(await expiredRows()).toHaveLength(0);
    } finally {
      await secondWorkerPool.end();
    }
  });
});
