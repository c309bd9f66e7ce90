import { mockDeep } from 'jest-mock-extended';
import type pg from 'pg';
import { startBaileysService } from '../../src/whatsapp/baileys-service.js';
import { loadConfig } from '../../src/config.js';
import type { Db } from '../../src/db/prisma-client.js';
import { silentLogger } from '../../src/observability/logger.js';
import { noopReporter } from '../../src/observability/error-reporter.js';

describe('startBaileysService', () => {
  test('when WHATSAPP_ENABLED is not true, then it refuses to start and touches neither the database nor WhatsApp', async () => {
    const db = mockDeep<Db>();
    const pool = mockDeep<pg.Pool>();

    await expect(
      startBaileysService({ config: loadConfig({ WHATSAPP_ENABLED: 'false' }), db, pool, logger: silentLogger, reporter: noopReporter }),
    ).rejects.toThrow(/WHATSAPP_ENABLED=true/);
    expect(pool.connect).not.toHaveBeenCalled();
    expect(db.$queryRawUnsafe).not.toHaveBeenCalled();
  });
});
