/**
 * npm run bench [-- --quick] [-- --only data-core]
 *
 * Runs every bench/*.bench.ts module, each on a fresh database cloned from one
 * migrated template, prints a table and writes bench-results.json: an array of
 * { name, unit, value, baseline, ratio } where baseline is the same work by
 * raw `pg` in the same run and ratio = value / baseline (higher = better).
 * Resident memory (lower = better, so it has no place in that array) goes to
 * bench-memory.json: the built API process, the data stack under tsx and a
 * raw-pg process, each after warm-up. `--only=memory` runs just that step;
 * `--only=<prefix>` runs the modules whose file starts with it and updates
 * their entries in bench-results.json, keeping the other modules' entries.
 *
 * PostgreSQL: DATABASE_URL's server when set (needs CREATEDB; the bench
 * databases are created and dropped next to the configured one), else an
 * embedded PostgreSQL on a free port in a temp folder, removed afterwards.
 */
import '../src/instrument.js';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { quoteIdent, runAdminSql, withDatabaseName } from '../src/db/admin-sql.js';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../src/db/embedded-postgres.js';
import { applyMigrations, projectRoot } from '../src/db/migrations.js';
import { freePort } from '../src/net/free-port.js';
import { silentLogger } from '../src/observability/logger.js';
import { scrubText } from '../src/observability/scrub.js';
import { round, type BenchModule, type BenchResult } from '../bench/types.js';
import { API_COMMAND, measureApiProcessMemory, type ApiProcessMemory } from '../bench/support/api-process-memory.js';
import { parseCommandLine } from './cli/command-line.js';

const { quick, only } = parseCommandLine(
  {
    invocation: 'npm run bench --',
    summary:
      'Runs every bench/*.bench.ts module on a fresh database cloned from one migrated template, against raw `pg` doing the same work ' +
      'in the same run; prints a table and writes bench-results.json (ratios) and bench-memory.json (resident memory).',
    options: {
      quick: { type: 'boolean', default: false, description: 'fewer rounds and smaller data: a quick check, not figures to publish' },
      only: {
        type: 'string',
        valueName: 'PREFIX',
        description: 'only the modules whose file starts with PREFIX (their entries in bench-results.json are updated, the rest kept); "memory" runs only the memory step',
      },
    },
    notes: [
      "PostgreSQL: DATABASE_URL's server when set (needs CREATEDB), else an embedded one in a temp folder, removed afterwards.",
      'exit codes: 0 every module ran, 1 a module or the run failed, 2 wrong invocation',
    ],
  },
  (values) => ({ quick: values.quick === true, only: values.only }),
);
const benchDir = path.join(projectRoot, 'bench');
const log = (line: string) => process.stdout.write(`${line}\n`);

/** RSS of a child process that ran the app stack (or raw pg) warm; see bench/support/memory-probe.ts. */
function probeMemory(mode: 'app' | 'pg', databaseUrl: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--import', './src/instrument.ts', 'bench/support/memory-probe.ts', mode], {
      cwd: projectRoot,
      env: { ...process.env, BENCH_DATABASE_URL: databaseUrl, BENCH_QUICK: quick ? '1' : '0', LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const match = /RSS_MB=([\d.]+)/.exec(out);
      if (code === 0 && match) resolve(Number(match[1]));
      else reject(new Error(`memory probe (${mode}) failed with exit code ${code}`));
    });
  });
}

/** The content of bench-memory.json; a figure whose step failed is null. */
interface MemoryReport {
  unit: 'MB';
  apiProcess: ApiProcessMemory | { rssMb: null; command: string };
  dataStack: { rssMb: number | null };
  rawPg: { rssMb: number | null };
  dataStackOverRawPg: number | null;
  note: string;
}

const errorText = (error: unknown) => scrubText(error instanceof Error ? error.message : String(error));

/**
 * Runs the three memory measurements on one database. Each is independent: one
 * failing sets the exit code and leaves its figure null, the others still count.
 */
async function measureMemory(databaseUrl: string): Promise<MemoryReport> {
  const attempt = async <T>(label: string, measure: () => Promise<T>): Promise<T | null> => {
    try {
      return await measure();
    } catch (error) {
      process.exitCode = 1;
      log(`   ${label} FAILED: ${errorText(error)}`);
      return null;
    }
  };
  log('-- memory');
  const dataStack = await attempt('memory probe (data stack)', () => probeMemory('app', databaseUrl));
  const rawPg = await attempt('memory probe (raw pg)', () => probeMemory('pg', databaseUrl));
  const api = await attempt('API process memory', () => measureApiProcessMemory({ databaseUrl, quick, log: (line) => log(`   ${line}`) }));
  return {
    unit: 'MB',
    apiProcess: api ?? { rssMb: null, command: API_COMMAND },
    dataStack: { rssMb: dataStack === null ? null : round(dataStack) },
    rawPg: { rssMb: rawPg === null ? null : round(rawPg) },
    dataStackOverRawPg: dataStack !== null && rawPg !== null ? round(dataStack / rawPg, 3) : null,
    note: 'lower is better; RSS after warm-up',
  };
}

function printMemory(memory: MemoryReport): void {
  const mb = (value: number | null) => (value === null ? 'FAILED' : `${value} MB`);
  log('');
  log(`memory (RSS after warm-up, lower is better): API process (${memory.apiProcess.command}): ${mb(memory.apiProcess.rssMb)}`);
  log(`memory (RSS after warm-up, lower is better): data stack under tsx: ${mb(memory.dataStack.rssMb)}`);
  log(`memory (RSS after warm-up, lower is better): raw pg process under tsx: ${mb(memory.rawPg.rssMb)}${memory.dataStackOverRawPg === null ? '' : ` (data stack / raw pg = ${memory.dataStackOverRawPg})`}`);
}

function printTable(results: BenchResult[]): void {
  const rows = results.map((r) => [r.name, r.unit, String(r.value), String(r.baseline), r.ratio.toFixed(3)]);
  const header = ['name', 'unit', 'value', 'raw pg / ref', 'ratio'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] as string).length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column >= 2 ? cell.padStart(widths[column] as number) : cell.padEnd(widths[column] as number))).join('  ');
  log('');
  log(line(header));
  log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows) log(line(row));
}

/**
 * With --only, the other modules' entries of the last bench-results.json stay
 * (each entry is a ratio measured within one run, so entries of different runs
 * can sit side by side); a full run writes only its own.
 */
function withEarlierResults(results: BenchResult[]): BenchResult[] {
  if (!only) return results;
  const file = path.join(projectRoot, 'bench-results.json');
  if (!existsSync(file)) return results;
  const fresh = new Set(results.map((result) => result.name));
  const earlier = (JSON.parse(readFileSync(file, 'utf8')) as BenchResult[]).filter((result) => !fresh.has(result.name));
  return [...earlier, ...results];
}

async function main(): Promise<void> {
  const started = performance.now();
  let embedded: EmbeddedPostgresHandle | undefined;
  let embeddedRoot: string | undefined;
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    embeddedRoot = mkdtempSync(path.join(tmpdir(), 'ai-admin-bench-pg-'));
    embedded = await startEmbeddedPostgres({
      dataDir: path.join(embeddedRoot, 'data'),
      port: await freePort(),
      password: randomBytes(12).toString('hex'),
      logger: silentLogger,
      ephemeral: true,
    });
    serverUrl = embedded.adminUrl;
    log(`embedded PostgreSQL started on port ${embedded.port}`);
  } else {
    log('using the server of DATABASE_URL');
  }
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const template = `bench_tpl_${runId}`;
  const results: BenchResult[] = [];
  let memory: MemoryReport | undefined;
  try {
    await runAdminSql(serverUrl, `CREATE DATABASE ${quoteIdent(template)}`);
    await applyMigrations(withDatabaseName(serverUrl, template));
    const modules = readdirSync(benchDir)
      .filter((file) => file.endsWith('.bench.ts'))
      .filter((file) => !only || file.startsWith(only))
      .sort();
    for (const file of modules) {
      const name = file.replace(/\.bench\.ts$/, '');
      const database = `bench_${name.replace(/[^a-z0-9]/gi, '_')}_${runId}`;
      await runAdminSql(serverUrl, `CREATE DATABASE ${quoteIdent(database)} TEMPLATE ${quoteIdent(template)}`);
      const moduleStarted = performance.now();
      log(`-- ${name}`);
      try {
        const module = (await import(pathToFileURL(path.join(benchDir, file)).href)) as BenchModule;
        const produced = await module.run({ databaseUrl: withDatabaseName(serverUrl, database), quick, log: (line) => log(`   ${line}`) });
        results.push(...produced);
        log(`   ${produced.length} result(s) in ${Math.round((performance.now() - moduleStarted) / 1000)} s`);
      } catch (error) {
        process.exitCode = 1;
        log(`   FAILED: ${scrubText(error instanceof Error ? error.message : String(error))}`);
      } finally {
        await runAdminSql(serverUrl, `DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`);
      }
    }
    if (!only || only === 'memory') {
      const database = `bench_memory_${runId}`;
      await runAdminSql(serverUrl, `CREATE DATABASE ${quoteIdent(database)} TEMPLATE ${quoteIdent(template)}`);
      try {
        memory = await measureMemory(withDatabaseName(serverUrl, database));
      } finally {
        await runAdminSql(serverUrl, `DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`);
      }
    }
  } finally {
    await runAdminSql(serverUrl, `DROP DATABASE IF EXISTS ${quoteIdent(template)} WITH (FORCE)`).catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    if (embeddedRoot) rmSync(embeddedRoot, { recursive: true, force: true });
  }
  const written: string[] = [];
  // --only=memory runs no bench module: an empty array would only wipe the last results.
  if (only !== 'memory') {
    printTable(results);
    writeFileSync(path.join(projectRoot, 'bench-results.json'), `${JSON.stringify(withEarlierResults(results), null, 2)}\n`);
    written.push(`${results.length} results to bench-results.json`);
  }
  if (memory) {
    printMemory(memory);
    writeFileSync(path.join(projectRoot, 'bench-memory.json'), `${JSON.stringify(memory, null, 2)}\n`);
    written.push('memory to bench-memory.json');
  }
  log(`\n${written.join(', ')} written in ${Math.round((performance.now() - started) / 1000)} s${quick ? ' (--quick)' : ''}`);
  log('ratio = value / raw pg (or the named reference): higher is better for every entry; memory (bench-memory.json): lower is better.');
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${scrubText(error instanceof Error ? error.message : String(error))}\n`);
  process.exit(1);
});
