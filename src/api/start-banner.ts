/**
 * What a person starting the API in a terminal needs to see: where it
 * listens, which routes it serves and what to do next. Plain text; the entry
 * point prints it only to a terminal or with LOG_FORMAT=pretty, so JSON log
 * readers never meet a line that is not JSON (the "listening" log line carries
 * the same facts as fields).
 */
import path from 'node:path';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
export interface StartBannerFacts {
  url: string;
  routes: string[];
  /** "embedded PostgreSQL on port 54329 (data in .data/postgres)" or "DATABASE_URL". */
  database: string;
  startupMs: number;
  /** Names of the keys taken from the env file, and the file. */
  envFile?: { file: string; keys: number } | undefined;
}

/** http://localhost:PORT for a wildcard listen address (what a browser or curl on this machine uses). */
export function listenUrl(host: string, port: number): string {
  const shown = host === '0.0.0.0' || host === '::' || host === '' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${shown}:${port}`;
}

export const DEMO_COMPANY_ID = 962302;

export function nextStep(url: string): string {
  return `npm run db:seed (a demo salon), then: curl ${url}/api/companies/${DEMO_COMPANY_ID}/staff`;
}

export function startBanner(facts: StartBannerFacts): string {
  return [
    '',
    `ai-admin-data is listening on ${facts.url} (started in ${(facts.startupMs / 1000).toFixed(1)} s)`,
    `  database: ${facts.database}`,
    ...(facts.envFile ? [`  env file: ${facts.envFile.file} (${facts.envFile.keys} keys; variables already in the environment win)`] : []),
    '  routes:',
    ...facts.routes.map((route) => `    ${route}`),
    `  next: ${nextStep(facts.url)}`,
    '  stop: Ctrl-C',
    '',
  ].join('\n');
}

export function describeDatabase(config: Pick<Config, 'DATABASE_URL' | 'EMBEDDED_PG_PORT'>, database: Pick<Database, 'embedded'>): string {
  if (config.DATABASE_URL) return 'DATABASE_URL';
  if (database.embedded) return `embedded PostgreSQL on port ${database.embedded.port} (data in ${path.relative(process.cwd(), database.embedded.dataDir) || '.'})`;
  return `the embedded PostgreSQL already running on port ${config.EMBEDDED_PG_PORT}`;
}
