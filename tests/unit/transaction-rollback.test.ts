import { TimeoutError } from '../../src/db/errors.js';
import type { Db } from '../../src/db/prisma-client.js';
import { withTransaction } from '../../src/db/transaction.js';
import { noopReporter } from '../../src/observability/error-reporter.js';

/** A client whose $transaction runs the work, then fails at COMMIT when told to: what a real one does when COMMIT times out. */
const client = (commitFailure?: Error) =>
  ({
    $transaction: async (work: (tx: object) => Promise<unknown>) => {
      const value = await work({});
      if (commitFailure) throw commitFailure;
      return value;
    },
  }) as unknown as Db;

const options = { reporter: noopReporter, maxRetries: 0 };

describe('withTransaction: did it roll back?', () => {
  test('when the work fails, then the error says the transaction rolled back (COMMIT was never sent)', async () => {
    const failure = withTransaction(client(), async () => {
      throw new TimeoutError('the statement was cancelled by the statement timeout', { sqlState: '57014', retryable: false });
    }, options);
    await expect(failure).rejects.toMatchObject({ code: 'TIMEOUT', rolledBack: true });
  });

  test('when the work finished and COMMIT fails, then the error does not claim a rollback: the outcome is unknown', async () => {
    const failure = withTransaction(client(new TimeoutError('COMMIT was cancelled', { sqlState: '57014', retryable: false })), async () => 'done', options);
    await expect(failure).rejects.toMatchObject({ code: 'TIMEOUT', rolledBack: false });
  });
});
