-- Safe retries of createBooking: the caller's idempotency key (unique per
-- salon) and a fingerprint of the request it was first used with.
-- Existing rows get NULL in both columns, so the unique index cannot find
-- duplicates among them (NULLs are distinct) and no data is converted.

-- AlterTable
ALTER TABLE "appointments" ADD COLUMN     "idempotency_key" TEXT,
ADD COLUMN     "request_fingerprint" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "appointments_company_id_idempotency_key_key" ON "appointments"("company_id", "idempotency_key");

-- Hand-written: a key is only useful with the fingerprint it is compared by,
-- and is bounded like the input schema bounds it.
ALTER TABLE "appointments"
  ADD CONSTRAINT "appointments_idempotency_key_with_fingerprint"
  CHECK ("idempotency_key" IS NULL OR ("request_fingerprint" IS NOT NULL AND length("idempotency_key") BETWEEN 1 AND 200));
