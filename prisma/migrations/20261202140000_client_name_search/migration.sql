-- Hand-written: Prisma's schema language cannot express SQL functions or
-- expression indexes. The schema engine leaves them alone (no drift), see
-- tests/integration/migrations.test.ts.

-- btree_gin: lets the salon id sit in the same GIN index as the name's
-- trigrams, so a search reads only that salon's entries. Ships with PostgreSQL.
CREATE EXTENSION IF NOT EXISTS btree_gin;

-- The text a name search compares, on both sides: lower case by Unicode's
-- rules whatever the database's collation (the ICU root collation, present
-- in every PostgreSQL built with ICU; lower() under the database's own
-- collation leaves Cyrillic as is when that is "C"), then letters read as the
-- same: ё as е. To fold more (say й as и), extend both strings of translate()
-- in a new migration (CREATE OR REPLACE FUNCTION), then
-- REINDEX INDEX clients_name_search_idx: the index stores folded trigrams.
--
-- PL/pgSQL rather than SQL on purpose: a SQL function is inlined, and the
-- planner then prices folding as nearly free and prefers reading every client
-- of the salon through a btree index, folding each name; the declared COST
-- makes it use the trigram index below instead.
CREATE FUNCTION search_fold(value text) RETURNS text
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 500
  AS $$
BEGIN
  RETURN translate(lower(value COLLATE "und-x-icu"), 'ё', 'е');
END
$$;

-- Every run of three characters of a (folded) text, spaces and punctuation
-- included: a name contains a search text only if it contains all of the
-- text's trigrams, which a GIN index answers. Not pg_trgm: pg_trgm keeps only
-- letters and digits as the database's LC_CTYPE classifies them, and under
-- LC_CTYPE "C" (a built-in C.UTF-8 locale included) that drops every
-- Cyrillic letter, so its index could not serve these names.
-- It takes folded text rather than folding itself: the index expression below
-- names both functions, resolved once, while a call from inside a function
-- would be looked up on the search_path, which PostgreSQL 17 narrows to
-- pg_catalog during ANALYZE, VACUUM and index builds.
CREATE FUNCTION search_trigrams(folded text) RETURNS text[]
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 500
  AS $$
DECLARE
  trigrams text[] := '{}';
BEGIN
  FOR position IN 1 .. length(folded) - 2 LOOP
    trigrams := trigrams || substr(folded, position, 3);
  END LOOP;
  RETURN trigrams;
END
$$;

-- Building it holds back writes to clients (reads go on) while it runs:
-- measured in the README's benchmark section, per million clients.
CREATE INDEX "clients_name_search_idx" ON "clients" USING gin ("company_id", search_trigrams(search_fold("name")));
