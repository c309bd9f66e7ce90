import '../src/instrument.js';
/**
 * `npm run import:multifile-auth -- --dir PATH --session ID [--force]`
 * Imports a Baileys useMultiFileAuthState folder into PostgreSQL and checks
 * that every file reads back identically. Idempotent. Stop the bot first: the
 * import takes the session's lock and refuses if a running socket holds it.
 * Refuses (exit 3, nothing written) a session that already has different
 * creds in PostgreSQL, unless --force: see src/whatsapp/import-multifile-auth.ts.
 * Exits 0 only when every file was imported and verified.
 */
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { createLogger } from '../src/observability/logger.js';
import { sentryReporter } from '../src/observability/error-reporter.js';
import { importMultiFileAuth, ImportWouldOverwriteError } from '../src/whatsapp/import-multifile-auth.js';
import { keyExpiryPolicy } from '../src/whatsapp/key-expiry.js';
import { acquireSessionLock } from '../src/whatsapp/session-lock.js';
import { runScript } from './cli/run-script.js';
import { parseCommandLine, requiredOption } from './cli/command-line.js';
import { createProgress } from './cli/progress.js';

const values = parseCommandLine(
  {
    invocation: 'npm run import:multifile-auth --',
    summary:
      'Imports a Baileys useMultiFileAuthState folder into PostgreSQL and checks that every file reads back identically. Idempotent. ' +
      'Stop the bot first: the import takes the session lock and refuses while a running socket holds it.',
    options: {
      dir: { type: 'string', valueName: 'PATH', required: true, description: 'the auth folder' },
      session: { type: 'string', valueName: 'ID', required: true, description: 'the session id to import into' },
      force: { type: 'boolean', default: false, description: 'replace creds PostgreSQL already has for the session, even if they differ' },
    },
    notes: [
      'exit codes: 0 every file imported and verified; 1 failed; 2 wrong invocation;',
      '            3 refused, nothing written (the session has different creds: --force overrides); 4 some file did not verify (keep the folder)',
    ],
  },
  (raw) => ({ dir: requiredOption(raw.dir, 'dir'), session: requiredOption(raw.session, 'session'), force: raw.force === true }),
);

async function main(): Promise<number> {
  const progress = createProgress('import:multifile-auth');
  const config = loadConfig();
  const logger = createLogger({ name: 'import-multifile-auth', level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL });
  const database = await openDatabase({ config, logger, reporter: sentryReporter, applicationName: 'ai-admin-data-import' });
  try {
    progress.step(`taking the lock of session "${values.session}"`);
    const lock = await acquireSessionLock(database.pool.options, values.session, logger);
    try {
      progress.step(`importing ${values.dir}`);
      const report = await importMultiFileAuth({
        dir: values.dir,
        sessionId: values.session,
        db: database.db,
        pool: database.pool,
        encryptionKey: config.WHATSAPP_KEYS_ENCRYPTION_KEY,
        expiryPolicy: keyExpiryPolicy(config),
        reporter: sentryReporter,
        logger,
        force: values.force,
      }).catch((error: unknown) => {
        // An expected refusal, not a failure for Sentry: the operator decides.
        if (error instanceof ImportWouldOverwriteError) return error;
        throw error;
      });
      if (report instanceof ImportWouldOverwriteError) {
        process.stderr.write(`import-multifile-auth: ${report.message}\n`);
        return 3;
      }
      const lines = [
        `imported folder into session "${values.session}"${config.WHATSAPP_KEYS_ENCRYPTION_KEY ? ' (encrypted at rest)' : ''}`,
        `  files:        ${report.files}`,
        `  creds:        ${report.credsImported ? 'imported' : 'no creds.json in the folder'}`,
        `  keys:         ${report.keysImported}`,
        ...Object.entries(report.byType).map(([type, count]) => `    ${type}: ${count}`),
        `  verified:     ${report.verified}`,
        `  mismatched:   ${report.mismatched}`,
        `  unrecognised: ${report.unrecognised}`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
      const ok = report.mismatched === 0 && report.unrecognised === 0;
      process.stdout.write(ok ? 'every file reads back identically from PostgreSQL\n' : 'NOT every file was imported and verified: keep the folder\n');
      return ok ? 0 : 4;
    } finally {
      await lock.release();
    }
  } finally {
    await database.close();
  }
}

await runScript('import-multifile-auth', main);
