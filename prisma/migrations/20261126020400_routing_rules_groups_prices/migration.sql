-- Routing (issue 4): richer rules, server groups, number ranges and carrier prices.

-- CreateEnum
CREATE TYPE "routing_strategy" AS ENUM ('failover', 'weighted', 'least_cost');

-- AlterTable: a rule matches on more than tenant and prefix, and targets a carrier or a group.
ALTER TABLE "routes" ALTER COLUMN "carrier_id" DROP NOT NULL,
ADD COLUMN "enabled" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN "class_of_service" TEXT,
ADD COLUMN "country" TEXT,
ADD COLUMN "network" TEXT,
ADD COLUMN "sender" TEXT,
ADD COLUMN "short_code" TEXT,
ADD COLUMN "keyword" TEXT,
ADD COLUMN "content_pattern" TEXT,
ADD COLUMN "time_zone" TEXT,
ADD COLUMN "window_start" TEXT,
ADD COLUMN "window_end" TEXT,
ADD COLUMN "window_days" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
ADD COLUMN "server_group_id" TEXT,
ADD COLUMN "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateTable
CREATE TABLE "server_groups" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "strategy" "routing_strategy" NOT NULL DEFAULT 'failover',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "server_groups_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "server_group_members" (
    "server_group_id" TEXT NOT NULL,
    "carrier_id" TEXT NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    "weight" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "server_group_members_pkey" PRIMARY KEY ("server_group_id","carrier_id")
);

-- CreateTable
CREATE TABLE "number_ranges" (
    "prefix" TEXT NOT NULL,
    "network" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "number_ranges_pkey" PRIMARY KEY ("prefix")
);

-- CreateTable
CREATE TABLE "carrier_prices" (
    "id" TEXT NOT NULL,
    "carrier_id" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "class_of_service" TEXT,
    "price_minor" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "carrier_prices_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "routes_server_group_id_idx" ON "routes"("server_group_id");

-- CreateIndex
CREATE INDEX "server_group_members_carrier_id_idx" ON "server_group_members"("carrier_id");

-- CreateIndex
CREATE UNIQUE INDEX "carrier_prices_carrier_id_prefix_class_of_service_key" ON "carrier_prices"("carrier_id", "prefix", "class_of_service");

-- AddForeignKey
ALTER TABLE "routes" ADD CONSTRAINT "routes_server_group_id_fkey" FOREIGN KEY ("server_group_id") REFERENCES "server_groups"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "server_group_members" ADD CONSTRAINT "server_group_members_server_group_id_fkey" FOREIGN KEY ("server_group_id") REFERENCES "server_groups"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "server_group_members" ADD CONSTRAINT "server_group_members_carrier_id_fkey" FOREIGN KEY ("carrier_id") REFERENCES "carriers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "carrier_prices" ADD CONSTRAINT "carrier_prices_carrier_id_fkey" FOREIGN KEY ("carrier_id") REFERENCES "carriers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Invariants Prisma cannot express; the admin API validates the same before writing.
ALTER TABLE "routes" ADD CONSTRAINT "routes_one_target_check"
    CHECK (("carrier_id" IS NULL) <> ("server_group_id" IS NULL));
ALTER TABLE "routes" ADD CONSTRAINT "routes_class_of_service_check"
    CHECK ("class_of_service" IN ('otp', 'transactional', 'bulk'));
ALTER TABLE "routes" ADD CONSTRAINT "routes_window_check"
    CHECK (("window_start" IS NULL) = ("window_end" IS NULL)
       AND ("window_start" IS NULL OR "window_start" ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$')
       AND ("window_end" IS NULL OR "window_end" ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'));
ALTER TABLE "server_group_members" ADD CONSTRAINT "server_group_members_weight_check"
    CHECK ("weight" >= 0);
ALTER TABLE "number_ranges" ADD CONSTRAINT "number_ranges_prefix_check"
    CHECK ("prefix" ~ '^[0-9]{1,15}$');
ALTER TABLE "carrier_prices" ADD CONSTRAINT "carrier_prices_prefix_check"
    CHECK ("prefix" ~ '^[0-9]{0,15}$');
ALTER TABLE "carrier_prices" ADD CONSTRAINT "carrier_prices_class_of_service_check"
    CHECK ("class_of_service" IN ('otp', 'transactional', 'bulk'));
ALTER TABLE "carrier_prices" ADD CONSTRAINT "carrier_prices_price_check"
    CHECK ("price_minor" >= 0 AND "currency" ~ '^[A-Z]{3}$');
