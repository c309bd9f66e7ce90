/**
 * npm run load [-- --conversations 20 --duration 30 --json]
 *
 * N concurrent simulated assistant conversations against the data layer for
 * a fixed duration, with the process pool as configured (default 3
 * connections). Each conversation: get client by phone, load and save the
 * dialog context, list services, find available staff, save the offer,
 * create the booking, save the result. Reports data-layer calls per second,
 * p50/p95/p99 latency (overall and per operation), errors (must be 0), peak
 * pool waiting count and peak process RSS. Exit code 1 when any call failed.
 *
 * Writes only to a scratch database (see load/load-database.ts), never to the
 * database DATABASE_URL names.
 */
import '../src/instrument.js';
import { loadConfig } from '../src/config.js';
import { createPool, getPoolStats, poolSettingsFromConfig, warmPool } from '../src/db/pool.js';
import { createDbClient } from '../src/db/prisma-client.js';
import { createDataLayer } from '../src/data-layer/index.js';
import { createLogger } from '../src/observability/logger.js';
import { noopReporter } from '../src/observability/error-reporter.js';
import { openLoadDatabase } from './load/load-database.js';
import { seedSalons } from './load/seed-salons.js';
import { runConversation, type AgentState } from './load/conversation.js';
import { LatencyRecorder } from './load/stats.js';
import { integerOption, parseCommandLine, positiveNumberOption } from './cli/command-line.js';
import { createProgress } from './cli/progress.js';

const { conversations, durationSeconds, asJson } = parseCommandLine(
  {
    invocation: 'npm run load --',
    summary:
      'Simulated assistant conversations against the data layer for a fixed time, with the pool as configured; reports calls per second, ' +
      'latency percentiles, errors and peak pool use. Writes only to a scratch database, never to the one DATABASE_URL names.',
    options: {
      conversations: { type: 'string', valueName: 'N', default: '20', description: 'concurrent conversations' },
      duration: { type: 'string', valueName: 'SECONDS', default: '30', description: 'how long to run' },
      json: { type: 'boolean', description: 'print the report as JSON on stdout (progress stays on stderr)' },
    },
    notes: ['exit codes: 0 no call failed, 1 a call failed or the run could not start, 2 wrong invocation'],
  },
  (values) => ({
    conversations: integerOption(values.conversations, 'conversations', 20),
    durationSeconds: positiveNumberOption(values.duration, 'duration', 30),
    asJson: values.json === true,
  }),
);

async function main(): Promise<void> {
  const progress = createProgress('load');
  const config = loadConfig();
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn', name: 'load' });

  progress.step('preparing a scratch database');
  const database = await openLoadDatabase(config.DATABASE_URL, logger);
  const pool = createPool(poolSettingsFromConfig(config, database.url, 'ai-admin-data-load'), { logger, reporter: noopReporter });
  let dbOperations = 0;
  const db = createDbClient(pool, { logger, reporter: noopReporter, slowQueryMs: config.SLOW_QUERY_MS, onOperation: () => void (dbOperations += 1) });
  try {
    await warmPool(pool, Math.max(1, config.POSTGRES_MIN_CONNECTIONS));
    const layer = createDataLayer(db, {
      logger,
      reporter: noopReporter,
      transactionTimeoutMs: config.TRANSACTION_TIMEOUT_MS,
      transactionMaxRetries: config.TRANSACTION_MAX_RETRIES,
    });
    progress.step(`seeding ${conversations} salons`);
    const salons = await seedSalons(layer, db, conversations);

    const latency = new LatencyRecorder();
    const failures = new Map<string, number>();
    let completed = 0;
    let peakWaiting = 0;
    let peakInUse = 0;
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      const stats = getPoolStats(pool);
      peakWaiting = Math.max(peakWaiting, stats.waiting);
      peakInUse = Math.max(peakInUse, stats.inUse);
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 5);

    dbOperations = 0;
    const started = performance.now();
    const deadline = started + durationSeconds * 1000;
    progress.step(`running ${conversations} conversations for ${durationSeconds} s`);
    const stopProgress = progress.every(5_000, () => {
      const errors = [...failures.values()].reduce((sum, n) => sum + n, 0);
      return `${Math.round((performance.now() - started) / 1000)} of ${durationSeconds} s, ${completed} conversations completed, ${errors} errors`;
    });
    await Promise.all(
      salons.map(async (salon, index) => {
        const agent: AgentState = { dayIndex: 0, conversations: 0 };
        while (performance.now() < deadline) {
          // Phones repeat every 200 conversations per salon: returning clients with a saved context.
          const phone = `79${String(index).padStart(3, '0')}${String(agent.conversations % 200).padStart(6, '0')}`;
          const outcome = await runConversation(layer, salon, agent, phone, latency);
          if (outcome.ok) completed += 1;
          else {
            const key = `${outcome.failedOperation}:${outcome.errorCode}`;
            failures.set(key, (failures.get(key) ?? 0) + 1);
          }
        }
      }),
    );
    const elapsedSeconds = (performance.now() - started) / 1000;
    stopProgress();
    clearInterval(sampler);

    const overall = latency.summary();
    const errors = [...failures.values()].reduce((sum, n) => sum + n, 0);
    const report = {
      conversationsConcurrent: conversations,
      durationSeconds: Number(elapsedSeconds.toFixed(1)),
      poolMax: config.POSTGRES_MAX_CONNECTIONS,
      database: database.where,
      conversationsCompleted: completed,
      conversationsPerSecond: Number((completed / elapsedSeconds).toFixed(1)),
      requests: overall.count,
      requestsPerSecond: Number((overall.count / elapsedSeconds).toFixed(1)),
      databaseOperationsPerSecond: Number((dbOperations / elapsedSeconds).toFixed(1)),
      latencyMs: { p50: round(overall.p50), p95: round(overall.p95), p99: round(overall.p99), max: round(overall.max) },
      byOperation: Object.fromEntries(
        latency.operations().map((operation) => {
          const s = latency.summary(operation);
          return [operation, { count: s.count, p50: round(s.p50), p95: round(s.p95), p99: round(s.p99) }];
        }),
      ),
      errors,
      errorsByOperation: Object.fromEntries(failures),
      peakPoolWaiting: peakWaiting,
      peakPoolInUse: peakInUse,
      peakRssMb: Math.round(peakRss / 1024 / 1024),
      node: process.version,
    };
    if (asJson) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else printReport(report);
    process.exitCode = errors === 0 ? 0 : 1;
  } finally {
    await db.$disconnect().catch(() => undefined);
    await pool.end().catch(() => undefined);
    await database.dispose();
  }
}

const round = (ms: number) => Number(ms.toFixed(2));

function printReport(report: {
  [key: string]: unknown;
  byOperation: Record<string, { count: number; p50: number; p95: number; p99: number }>;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
}): void {
  const lines = [
    `load: ${report.conversationsConcurrent} concurrent conversations for ${report.durationSeconds} s, pool max ${report.poolMax}, ${report.database}`,
    `conversations completed: ${report.conversationsCompleted} (${report.conversationsPerSecond}/s)`,
    `data-layer calls: ${report.requests} (${report.requestsPerSecond}/s); database operations ${report.databaseOperationsPerSecond}/s`,
    `latency ms: p50 ${report.latencyMs.p50}  p95 ${report.latencyMs.p95}  p99 ${report.latencyMs.p99}  max ${report.latencyMs.max}`,
    `errors: ${report.errors} ${JSON.stringify(report.errorsByOperation)}`,
    `peak pool waiting: ${report.peakPoolWaiting} (in use ${report.peakPoolInUse}); peak RSS ${report.peakRssMb} MB; node ${report.node}`,
    '',
    'operation             count      p50      p95      p99',
    ...Object.entries(report.byOperation).map(
      ([name, s]) => `${name.padEnd(20)} ${String(s.count).padStart(6)} ${s.p50.toFixed(2).padStart(8)} ${s.p95.toFixed(2).padStart(8)} ${s.p99.toFixed(2).padStart(8)}`,
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`load: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
