/**
 * Readiness facts shared by the health routes: can we reach the database, in
 * what state is the pool, are the migrations on disk all applied. Every check
 * has its own short timeout so a dead database answers 503 quickly instead of
 * holding the request for the pool's acquire timeout.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { withTimeout } from '../async/with-timeout.js';
import { getPoolStats, type PoolStats } from '../db/pool.js';
import { projectRoot } from '../db/migrations.js';

export interface DatabaseCheck {
  ok: boolean;
  latencyMs?: number;
  error?: string;
}

export interface MigrationCheck {
  ok: boolean;
  expected: number;
  applied?: number;
}

let migrationNamesCache: string[] | undefined;
function migrationNamesOnDisk(): string[] {
  migrationNamesCache ??= readdirSync(path.join(projectRoot, 'prisma', 'migrations'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
  return migrationNamesCache;
}

export class ReadinessProbe {
  constructor(
    private readonly pool: pg.Pool,
    private readonly timeoutMs = 2_000,
  ) {}

  poolStats(): PoolStats {
    return getPoolStats(this.pool);
  }

  async database(): Promise<DatabaseCheck> {
    const started = performance.now();
    try {
      await withTimeout(this.pool.query('SELECT 1'), this.timeoutMs);
      return { ok: true, latencyMs: Math.round(performance.now() - started) };
    } catch (error) {
      const code = (error as { code?: string }).code;
      return { ok: false, error: code === undefined ? 'database unreachable' : `database unreachable (${code})` };
    }
  }

  async migrations(): Promise<MigrationCheck> {
    const expected = migrationNamesOnDisk();
    try {
      const result = await withTimeout(
        this.pool.query<{ applied: string }>(
          'SELECT count(*)::text AS applied FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL AND migration_name = ANY($1)',
          [expected],
        ),
        this.timeoutMs,
      );
      const applied = Number(result.rows[0]?.applied ?? 0);
      return { ok: applied === expected.length, expected: expected.length, applied };
    } catch {
      return { ok: false, expected: expected.length };
    }
  }
}
