-- Hand-written: Prisma's schema language cannot express these constraints.
-- The schema engine leaves them alone (no drift), see tests/integration/migrations.test.ts.

-- btree_gist lets an exclusion constraint combine "=" on an integer with "&&" on a range.
CREATE EXTENSION IF NOT EXISTS btree_gist;

ALTER TABLE "appointments"
  ADD CONSTRAINT "appointments_end_after_start" CHECK ("end_at" > "start_at");

-- One staff member cannot have two overlapping appointments unless one is cancelled.
-- Enforced by the database, so it holds under any concurrency; violations are
-- SQLSTATE 23P01 (exclusion_violation), mapped to a booking conflict.
ALTER TABLE "appointments"
  ADD CONSTRAINT "appointments_no_overlap"
  EXCLUDE USING gist (
    "staff_id" WITH =,
    tstzrange("start_at", "end_at", '[)') WITH &&
  ) WHERE ("status" <> 'cancelled');

-- Phones are stored as E.164 digits; anything else is a bug upstream.
ALTER TABLE "clients"
  ADD CONSTRAINT "clients_phone_e164_digits" CHECK ("phone" ~ '^[1-9][0-9]{6,14}$');
ALTER TABLE "dialog_contexts"
  ADD CONSTRAINT "dialog_contexts_phone_e164_digits" CHECK ("phone" ~ '^[1-9][0-9]{6,14}$');

ALTER TABLE "clients"
  ADD CONSTRAINT "clients_counters_non_negative" CHECK ("visit_count" >= 0 AND "total_spent" >= 0);
