-- Accounting and billing (issue 5): accounting records follow a message from its first status
-- event (steps, cost, price, revisions, publication state); tenant tariffs; billing rules.

-- AlterTable: renamed columns keep their data.
ALTER TABLE "accounting_records" RENAME COLUMN "submitted_at" TO "accepted_at";
ALTER TABLE "accounting_records" RENAME COLUMN "currency" TO "price_currency";
ALTER TABLE "accounting_records" RENAME COLUMN "version" TO "revision";

ALTER TABLE "accounting_records" ALTER COLUMN "final_status" DROP NOT NULL,
ALTER COLUMN "final_at" DROP NOT NULL,
ALTER COLUMN "cost_minor" SET DEFAULT 0,
ALTER COLUMN "price_minor" SET DEFAULT 0,
ALTER COLUMN "revision" SET DEFAULT 0,
ADD COLUMN "class_of_service" TEXT NOT NULL DEFAULT 'transactional',
ADD COLUMN "source" TEXT NOT NULL DEFAULT '',
ADD COLUMN "destination" TEXT NOT NULL DEFAULT '',
ADD COLUMN "country" CHAR(2),
ADD COLUMN "network" TEXT,
ADD COLUMN "client_reference" TEXT,
ADD COLUMN "metadata" JSONB,
ADD COLUMN "error_code" TEXT,
ADD COLUMN "cost_currency" CHAR(3),
ADD COLUMN "list_price_minor" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "tariff_id" TEXT,
ADD COLUMN "billing_mode" TEXT,
ADD COLUMN "charge_on" TEXT,
ADD COLUMN "charged" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN "adjustments" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN "routed_at" TIMESTAMPTZ(3),
ADD COLUMN "sent_at" TIMESTAMPTZ(3),
ADD COLUMN "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN "published_revision" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "publish_pending" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN "publish_claimed_at" TIMESTAMPTZ(3),
ADD COLUMN "row_version" INTEGER NOT NULL DEFAULT 0;

-- Backfill the records written before: every one was final, cost and price in one currency.
UPDATE "accounting_records" AS r
SET "class_of_service" = m."priority",
    "source" = m."source",
    "destination" = m."destination",
    "client_reference" = m."client_reference",
    "metadata" = m."metadata"
FROM "messages" AS m
WHERE m."id" = r."message_id";
UPDATE "accounting_records"
SET "cost_currency" = "price_currency",
    "list_price_minor" = "price_minor",
    "charged" = "price_minor" > 0,
    "published_revision" = CASE WHEN "published_at" IS NULL THEN 0 ELSE "revision" END,
    "publish_pending" = "published_at" IS NULL;

ALTER TABLE "accounting_records" ALTER COLUMN "cost_currency" SET NOT NULL,
ALTER COLUMN "class_of_service" DROP DEFAULT,
ALTER COLUMN "source" DROP DEFAULT,
ALTER COLUMN "destination" DROP DEFAULT;

-- Usage and export read by tenant and acceptance time; the publisher reads its work list.
DROP INDEX "accounting_records_tenant_id_final_at_idx";
CREATE INDEX "accounting_records_tenant_id_accepted_at_idx" ON "accounting_records"("tenant_id", "accepted_at");
CREATE INDEX "accounting_records_publish_pending_idx" ON "accounting_records"("publish_pending");

-- CreateTable
CREATE TABLE "tariffs" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT,
    "prefix" TEXT NOT NULL DEFAULT '',
    "class_of_service" TEXT,
    "price_minor" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tariffs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "billing_rules" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT,
    "rule" TEXT NOT NULL,
    "params" JSONB NOT NULL DEFAULT '{}',
    "position" INTEGER NOT NULL DEFAULT 0,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "billing_rules_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "tariffs_tenant_id_idx" ON "tariffs"("tenant_id");

-- CreateIndex
CREATE INDEX "billing_rules_tenant_id_idx" ON "billing_rules"("tenant_id");

-- Invariants Prisma cannot express; the admin API validates the same before writing.
ALTER TABLE "tariffs" ADD CONSTRAINT "tariffs_prefix_check"
    CHECK ("prefix" ~ '^[0-9]{0,15}$');
ALTER TABLE "tariffs" ADD CONSTRAINT "tariffs_class_of_service_check"
    CHECK ("class_of_service" IN ('otp', 'transactional', 'bulk'));
ALTER TABLE "tariffs" ADD CONSTRAINT "tariffs_price_check"
    CHECK ("price_minor" >= 0 AND "currency" ~ '^[A-Z]{3}$');
