import type { EmbeddedPostgresHandle } from '../../src/db/embedded-postgres.js';

/** Shared between globalSetup and globalTeardown (same process). */
export const testRun: {
  embedded?: EmbeddedPostgresHandle;
  embeddedRoot?: string;
  adminUrl?: string;
  templateName?: string;
  runId?: string;
} = ((globalThis as Record<string, unknown>).__aiAdminTestRun ??= {}) as never;
