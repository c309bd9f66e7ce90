/**
 * A fingerprint of every salon table: row count and an md5 of every row's
 * text, per table. Any write, even an in-place update, changes it, so a test
 * can prove that a refused call wrote nothing.
 */
import type pg from 'pg';

export const DOMAIN_TABLES = ['companies', 'clients', 'services', 'staff', 'staff_schedules', 'appointments', 'dialog_contexts'] as const;

export async function domainSnapshot(pool: pg.Pool): Promise<Record<string, string>> {
  const sql = DOMAIN_TABLES.map(
    (table) => `SELECT '${table}' AS name, count(*)::text || ':' || coalesce(md5(string_agg(t::text, ',' ORDER BY t.id)), '-') AS sum FROM "${table}" t`,
  ).join(' UNION ALL ');
  const { rows } = await pool.query<{ name: string; sum: string }>(sql);
  return Object.fromEntries(rows.map((row) => [row.name, row.sum]));
}
