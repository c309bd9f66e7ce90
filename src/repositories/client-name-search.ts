/**
 * The name search statement: a substring match on the name, folded on both
 * sides by the database function search_fold (case by Unicode's rules, ё as
 * е; see the *_client_name_search migration), so the answer does not depend
 * on the database's collation. A text of three characters or more is first
 * narrowed by the GIN index clients_name_search_idx (salon id + the folded
 * name's trigrams): a name can contain the text only if it has all of the
 * text's trigrams. Shorter texts have no trigram and read the salon's clients
 * through its btree index. Built here, apart from the repository, so tests and
 * the benchmark can EXPLAIN exactly the statement the repository runs.
 */
import { escapeLike } from './filters.js';
import { ParamList } from './sql.js';
import { selectList } from './statements.js';
import { clientTable } from './table-specs.js';

/** Folding keeps the number of characters (code points) of these scripts, so this counts the folded text's too. */
const hasTrigrams = (query: string) => [...query].length >= 3;

export function nameSearchStatement(companyId: number, query: string, limit: number): { sql: string; params: unknown[] } {
  const params = new ParamList();
  const company = params.add(companyId, 'int');
  const narrowing = hasTrigrams(query) ? `AND search_trigrams(search_fold("name")) @> search_trigrams(search_fold(${params.add(query, 'text')})) ` : '';
  const sql =
    `SELECT ${selectList(clientTable)} FROM "clients" WHERE "company_id" = ${company} ${narrowing}` +
    // The user's text matches literally: %, _ and \ are escaped before folding (folding leaves them as they are).
    `AND search_fold("name") LIKE '%' || search_fold(${params.add(escapeLike(query), 'text')}) || '%' ` +
    `ORDER BY "name", "id" LIMIT ${Math.trunc(limit)}`;
  return { sql, params: params.values };
}
