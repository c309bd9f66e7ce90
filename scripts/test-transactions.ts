/**
 * npm run test:transactions
 *
 * Proves, against the configured database (DATABASE_URL, else the embedded
 * PostgreSQL of `npm start`), that transactions behave: a COMMIT is visible,
 * a ROLLBACK leaves nothing, an inner withTransaction joins the outer one,
 * a failing statement rolls the whole transaction back with a typed error,
 * the repository helpers (withTransaction, findOneTx, upsertTx, bulkUpsertTx)
 * take part, and every connection goes back to the pool. It works in a
 * throwaway company and deletes it at the end: no data is left behind.
 */
import '../src/instrument.js';
import { randomInt } from 'node:crypto';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { DataError } from '../src/db/errors.js';
import { getPoolStats } from '../src/db/pool.js';
import { withTransaction } from '../src/db/transaction.js';
import { sentryReporter } from '../src/observability/error-reporter.js';
import { createLogger } from '../src/observability/logger.js';
import { ClientRepository } from '../src/repositories/client-repository.js';
import { CompanyRepository } from '../src/repositories/company-repository.js';
import { parseCommandLine } from './cli/command-line.js';

parseCommandLine({
  invocation: 'npm run test:transactions --',
  summary:
    'Proves against the configured database (DATABASE_URL, else the embedded PostgreSQL of `npm start`) that COMMIT, ROLLBACK, nested ' +
    'transactions, typed errors and the repository helpers behave, and that every connection goes back to the pool. Works in a throwaway ' +
    'company and deletes it at the end.',
  options: {},
  notes: ['exit codes: 0 every check passed, 1 a check failed or the database could not be reached, 2 wrong invocation'],
});

const out = (line: string) => process.stdout.write(`${line}\n`);
let failures = 0;

function check(condition: boolean, what: string): void {
  if (condition) out(`  ok    ${what}`);
  else {
    failures += 1;
    out(`  FAIL  ${what}`);
  }
}

class Rollback extends Error {}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  // Errors only: the script's own output is the report (expected rollbacks log warnings).
  const logger = createLogger({ level: config.LOG_LEVEL === 'info' ? 'error' : config.LOG_LEVEL, name: 'test-transactions' });
  const database = await openDatabase({ config, logger, reporter: sentryReporter, applicationName: 'ai-admin-test-transactions' });
  const { db, pool } = database;
  out(`database: ${config.DATABASE_URL ? 'DATABASE_URL' : `embedded PostgreSQL on port ${database.embedded?.port}`}`);
  const companies = new CompanyRepository(db, { logger });
  const clients = new ClientRepository(db, { logger });
  // A company id no CRM uses (CRM ids are small positive numbers), unique per run.
  const companyId = 2_000_000_000 + randomInt(100_000_000);
  const phone = (n: number) => String(79_990_000_000 + n);
  const baseline = getPoolStats(pool);

  try {
    out('1. COMMIT');
    await withTransaction(db, async (tx) => {
      await companies.upsertTx(tx, { id: companyId, title: 'test-transactions (temporary)' }, ['id']);
      await clients.upsertTx(tx, { companyId, phone: phone(1), name: 'Commit check' }, ['companyId', 'phone']);
    }, { name: 'test-transactions.commit', logger });
    check((await clients.count({ companyId })) === 1, 'the committed client is visible outside the transaction');

    out('2. ROLLBACK on throw');
    let seenInside = 0;
    try {
      await withTransaction(db, async (tx) => {
        await clients.upsertTx(tx, { companyId, phone: phone(2), name: 'Rollback check' }, ['companyId', 'phone']);
        seenInside = await clients.countTx(tx, { companyId });
        throw new Rollback('deliberate');
      }, { name: 'test-transactions.rollback', logger });
    } catch (error) {
      check(error instanceof Rollback, 'the thrown error comes back unchanged');
    }
    check(seenInside === 2, 'inside the transaction its own write was visible');
    check((await clients.count({ companyId })) === 1, 'after the rollback the write is gone');

    out('3. Nested withTransaction joins the outer one');
    try {
      await withTransaction(db, async (outer) => {
        await clients.upsertTx(outer, { companyId, phone: phone(3), name: 'Outer' }, ['companyId', 'phone']);
        await withTransaction(outer, async (inner) => {
          check(inner === outer, 'the inner call got the outer transaction client');
          await clients.upsertTx(inner, { companyId, phone: phone(4), name: 'Inner' }, ['companyId', 'phone']);
        });
        throw new Rollback('roll back both');
      }, { logger });
    } catch (error) {
      if (!(error instanceof Rollback)) throw error;
    }
    check((await clients.count({ companyId })) === 1, 'rolling back the outer transaction also undid the inner write');

    out('4. A failing statement rolls back the transaction with a typed error');
    try {
      await clients.withTransaction(async (tx) => {
        await clients.upsertTx(tx, { companyId, phone: phone(5), name: 'Before failure' }, ['companyId', 'phone']);
        await clients.upsertTx(tx, { companyId: companyId + 1, phone: phone(6) }, ['companyId', 'phone']);
      });
      check(false, 'the foreign-key violation was raised');
    } catch (error) {
      check(error instanceof DataError && error.code === 'FOREIGN_KEY_VIOLATION', `a typed error came back (${error instanceof DataError ? error.code : 'untyped'})`);
    }
    check((await clients.count({ companyId })) === 1, 'the write before the failure was rolled back');

    out('5. Repository helpers inside one transaction');
    const result = await clients.withTransaction(async (tx) => {
      const bulk = await clients.bulkUpsertTx(tx, [10, 11, 12].map((n) => ({ companyId, phone: phone(n), name: `Bulk ${n}` })), ['companyId', 'phone']);
      const found = await clients.findOneTx(tx, { companyId, phone: phone(11) });
      const updated = await clients.upsertTx(tx, { companyId, phone: phone(11), name: 'Bulk 11 renamed' }, ['companyId', 'phone']);
      return { bulk, foundName: found?.name, updatedName: updated.name };
    });
    check(result.bulk.inserted === 3, 'bulkUpsertTx inserted 3 rows');
    check(result.foundName === 'Bulk 11' && result.updatedName === 'Bulk 11 renamed', 'findOneTx and upsertTx saw the rows of the same transaction');
    check((await clients.count({ companyId })) === 4, 'all of it committed together');
  } finally {
    out('6. Cleanup');
    await db.$executeRawUnsafe('DELETE FROM clients WHERE company_id = $1', companyId);
    await db.$executeRawUnsafe('DELETE FROM companies WHERE id = $1', companyId);
    check((await clients.count({ companyId })) === 0 && (await companies.findOne({ id: companyId })) === null, 'the temporary company and its clients are deleted');
    const after = getPoolStats(pool);
    check(after.inUse === 0 && after.waiting === 0, `every connection is back in the pool (in use ${after.inUse}, idle ${after.idle}, baseline idle ${baseline.idle})`);
    await database.close();
  }
  out(failures === 0 ? '\nall transaction checks passed' : `\n${failures} check(s) FAILED`);
  process.exitCode = failures === 0 ? 0 : 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`test-transactions failed: ${error instanceof DataError ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
