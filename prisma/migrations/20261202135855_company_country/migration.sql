-- AlterTable
ALTER TABLE "companies" ADD COLUMN     "country" CHAR(2) NOT NULL DEFAULT 'RU';

-- Hand-written: the salon's region is an upper-case ISO 3166-1 alpha-2 code.
-- Which codes have numbering rules is checked by the application (libphonenumber-js).
-- Existing salons get 'RU' from the default above: what every phone was read as until now.
ALTER TABLE "companies"
  ADD CONSTRAINT "companies_country_iso_alpha2" CHECK ("country" ~ '^[A-Z]{2}$');
