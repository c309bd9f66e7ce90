/**
 * The name search statement: a substring match on the name, folded on both
 * sides by the database function search_fold (case by Unicode's rules, ё as
 * е; see its migration), so the answer does not depend on the database's
 * collation and the trigram index clients_name_search_idx (salon id + folded
 * name) serves it. Built here, apart from the repository, so tests and the
 * benchmark can EXPLAIN exactly the statement the repository runs.
 */
import { escapeLike } from './filters.js';
import { ParamList } from './sql.js';
import { selectList } from './statements.js';
import { clientTable } from './table-specs.js';

export function nameSearchStatement(companyId: number, query: string, limit: number): { sql: string; params: unknown[] } {
  const params = new ParamList();
  const sql =
    `SELECT ${selectList(clientTable)} FROM "clients" WHERE "company_id" = ${params.add(companyId, 'int')} ` +
    // The user's text matches literally: %, _ and \ are escaped before folding (folding leaves them as they are).
    `AND search_fold("name") LIKE '%' || search_fold(${params.add(escapeLike(query), 'text')}) || '%' ` +
    `ORDER BY "name", "id" LIMIT ${Math.trunc(limit)}`;
  return { sql, params: params.values };
}
