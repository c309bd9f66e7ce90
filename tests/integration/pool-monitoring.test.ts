import { pino } from 'pino';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config.js';
import { createPool, getPoolStats, poolSettingsFromConfig } from '../../src/db/pool.js';
import { noopReporter } from '../../src/observability/error-reporter.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { waitFor } from '../helpers/wait-for.js';

function capturingLogger() {
  const lines: Array<{ msg: string; level: number; pool?: unknown }> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

describe('pool monitoring', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  test('when every connection of the pool is in use, then one usage warning is logged for the burst, with the figures', async () => {
    const { logger, lines } = capturingLogger();
    const pool = createPool(poolSettingsFromConfig(loadConfig({ POSTGRES_MAX_CONNECTIONS: '3' }), database.url), { logger, reporter: noopReporter });
    try {
      for (let round = 0; round < 3; round += 1) {
        const clients = await Promise.all([pool.connect(), pool.connect(), pool.connect()]);
        expect(getPoolStats(pool)).toMatchObject({ inUse: 3, max: 3, usagePercent: 100 });
        clients.forEach((client) => client.release());
      }
      const warnings = lines.filter((line) => line.msg === 'database pool usage above 80%');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.pool).toMatchObject({ max: 3, inUse: 3 });
      expect(lines.filter((line) => line.msg === 'database connection opened')).toHaveLength(3);
    } finally {
      await pool.end();
    }
    // 'remove' is emitted once each connection has finished closing, after end() resolved.
    await waitFor(() => lines.filter((line) => line.msg === 'database connection closed').length === 3);
  });

  test('when usage stays at or below 80 %, then nothing is warned', async () => {
    const { logger, lines } = capturingLogger();
    const pool = createPool(poolSettingsFromConfig(loadConfig({ POSTGRES_MAX_CONNECTIONS: '5' }), database.url), { logger, reporter: noopReporter });
    try {
      const clients = await Promise.all(Array.from({ length: 4 }, () => pool.connect()));
      clients.forEach((client) => client.release());
      expect(lines.some((line) => line.msg.startsWith('database pool usage above'))).toBe(false);
    } finally {
      await pool.end();
    }
  });
});
