-- Hand-written: Prisma's schema language cannot express extensions it does not
-- manage, SQL functions or expression indexes. The schema engine leaves them
-- alone (no drift), see tests/integration/migrations.test.ts.

-- pg_trgm: trigram GIN indexes serve LIKE '%text%'. btree_gin: lets the salon
-- id sit in the same GIN index, so a search reads only that salon's entries.
-- Both ship with PostgreSQL (contrib).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gin;

-- The text a name search compares, on both sides: lower case by Unicode's
-- rules whatever the database's collation (the ICU root collation, present in
-- every PostgreSQL built with ICU; lower() under the database's own collation
-- leaves Cyrillic as is when that collation is "C"), then letters read as
-- the same: ё as е. To fold more (say й as и), extend both strings of
-- translate() in a new migration (CREATE OR REPLACE FUNCTION), then
-- REINDEX INDEX clients_name_search_idx: the index stores folded text.
--
-- PL/pgSQL rather than SQL on purpose: a SQL function is inlined, and the
-- planner then prices the fold as nearly free and prefers reading every
-- client of the salon through the (company_id, ...) btree indexes, folding
-- each name; the declared COST makes it use the trigram index instead.
CREATE FUNCTION search_fold(value text) RETURNS text
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 500
  AS $$
BEGIN
  RETURN translate(lower(value COLLATE "und-x-icu"), 'ё', 'е');
END
$$;

-- Building it holds back writes to clients (reads go on) while it runs:
-- measured in the README's benchmark section, per million clients.
CREATE INDEX "clients_name_search_idx" ON "clients" USING gin ("company_id", search_fold("name") gin_trgm_ops);
