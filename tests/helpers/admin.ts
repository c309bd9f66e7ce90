/**
 * Kept only for tests/integration/faults-http-fuzz.test.ts, which was being
 * edited by someone else when the scratch-database helpers moved to
 * src/db/admin-sql.ts; new tests import from there. Remove once that file does.
 */
export { quoteIdent, runAdminSql as runAdmin, withDatabaseName } from '../../src/db/admin-sql.js';
