/** job_runs: one row per run of a background job; "last cleanup" is read from here. */
import type { Db } from '../db/prisma-client.js';

type Stats = Record<string, unknown>;
const json = (stats: Stats) => JSON.parse(JSON.stringify(stats)) as never;

export async function recordJobStart(db: Db, jobName: string, dryRun: boolean): Promise<number> {
  const run = await db.jobRun.create({ data: { jobName, dryRun, status: 'running' }, select: { id: true } });
  return run.id;
}

export async function recordJobEnd(db: Db, id: number, outcome: { status: 'succeeded'; stats: Stats } | { status: 'failed'; error: string; stats?: Stats }): Promise<void> {
  await db.jobRun.update({
    where: { id },
    data: {
      status: outcome.status,
      finishedAt: new Date(),
      ...(outcome.stats ? { stats: json(outcome.stats) } : {}),
      ...(outcome.status === 'failed' ? { error: outcome.error } : {}),
    },
  });
}

export async function recordJobSkipped(db: Db, jobName: string, dryRun: boolean, reason: string): Promise<number> {
  const now = new Date();
  const run = await db.jobRun.create({
    data: { jobName, dryRun, status: 'skipped', startedAt: now, finishedAt: now, stats: json({ reason }) },
    select: { id: true },
  });
  return run.id;
}
