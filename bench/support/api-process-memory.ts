/**
 * Resident memory of the real API process after warm-up: the built
 * `node --import ./dist/instrument.js dist/index.js` that `npm start` and PM2
 * run, not the data stack under tsx (bench/support/memory-probe.ts measures that).
 * Used by scripts/bench.ts; Linux only (reads /proc/<pid>/status).
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { freePort } from '../../src/net/free-port.js';
import { ensureBuilt, exited, sleep, startBuiltApi, stop, waitForHealth } from './server-process.js';

export const API_COMMAND = 'node --import ./dist/instrument.js dist/index.js';

export interface ApiProcessMemory {
  rssMb: number;
  warmUpRequests: number;
  command: string;
}

const WARM_UP_PATHS = ['/health/ready', '/api/companies/1', '/api/companies/1/services', '/api/companies/1/staff', '/metrics'];

/** A salon with a few services and staff, so the catalogue routes do real reads rather than answer 404. */
async function seed(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`INSERT INTO companies (id, title, updated_at) VALUES (1, 'Salon', now()) ON CONFLICT DO NOTHING`);
    await client.query(
      `INSERT INTO services (company_id, crm_id, title, updated_at)
       SELECT 1, n, 'Service ' || n, now() FROM generate_series(1, 10) AS n ON CONFLICT DO NOTHING`,
    );
    await client.query(
      `INSERT INTO staff (company_id, crm_id, name, updated_at)
       SELECT 1, n, 'Master ' || n, now() FROM generate_series(1, 5) AS n ON CONFLICT DO NOTHING`,
    );
  } finally {
    await client.end();
  }
}

/** Sequential requests over the read routes; any non-200 means the figure would not be of a working API. */
async function warmUp(base: string, count: number): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    const route = WARM_UP_PATHS[i % WARM_UP_PATHS.length] as string;
    const res = await fetch(`${base}${route}`);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`warm-up: GET ${route} answered ${res.status}`);
  }
}

function readRssMb(pid: number): number {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) / 1024;
}

export async function measureApiProcessMemory(options: {
  databaseUrl: string;
  quick: boolean;
  log: (line: string) => void;
}): Promise<ApiProcessMemory> {
  const warmUpRequests = options.quick ? 1_000 : 3_000;
  await ensureBuilt(options.log);
  await seed(options.databaseUrl);
  const port = await freePort();
  const api = startBuiltApi(options.databaseUrl, port);
  const { child } = api;
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitForHealth(base, api);
    await warmUp(base, warmUpRequests);
    // Let the last responses' buffers go before reading, as memory-probe.ts does.
    await sleep(300);
    if (exited(child) || child.pid === undefined) throw new Error('API process exited during warm-up');
    return { rssMb: Math.round(readRssMb(child.pid) * 10) / 10, warmUpRequests, command: API_COMMAND };
  } finally {
    await stop(child);
  }
}
