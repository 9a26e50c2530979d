-- dlr service: receipt correlation keys, per-part receipts, expiry deadlines, customized DLR
-- paths and webhook signing secrets, the webhook delivery outbox, DLR triggers, MO handlers,
-- concatenated MO parts and the MO log.
-- CreateEnum
CREATE TYPE "dlr_path_kind" AS ENUM ('webhook', 'kafka');

-- CreateEnum
CREATE TYPE "webhook_delivery_state" AS ENUM ('pending', 'delivered', 'abandoned');

-- CreateEnum
CREATE TYPE "dlr_trigger_action" AS ENUM ('webhook', 'ops_topic', 'reroute');

-- CreateEnum
CREATE TYPE "mo_handler_kind" AS ENUM ('webhook', 'kafka', 'auto_reply');

-- CreateTable
CREATE TABLE "dlr_carrier_keys" (
    "carrier_id" TEXT NOT NULL,
    "lookup_key" TEXT NOT NULL,
    "message_id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "part_index" INTEGER NOT NULL,
    "part_count" INTEGER NOT NULL,
    "carrier_message_id" TEXT NOT NULL,
    "route_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dlr_carrier_keys_pkey" PRIMARY KEY ("carrier_id","lookup_key","message_id","part_index")
);

-- CreateTable
CREATE TABLE "dlr_part_receipts" (
    "event_id" TEXT NOT NULL,
    "message_id" TEXT NOT NULL,
    "carrier_id" TEXT NOT NULL,
    "part_index" INTEGER NOT NULL,
    "state" TEXT NOT NULL,
    "raw_state" TEXT NOT NULL,
    "error_code" TEXT,
    "carrier_message_id" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dlr_part_receipts_pkey" PRIMARY KEY ("event_id")
);

-- CreateTable
CREATE TABLE "dlr_deadlines" (
    "message_id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "carrier_id" TEXT NOT NULL,
    "route_id" TEXT NOT NULL,
    "part_count" INTEGER NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "lease_until" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dlr_deadlines_pkey" PRIMARY KEY ("message_id")
);

-- CreateTable
CREATE TABLE "dlr_paths" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "kind" "dlr_path_kind" NOT NULL,
    "url" TEXT,
    "statuses" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dlr_paths_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dlr_webhook_secrets" (
    "tenant_id" TEXT NOT NULL,
    "secret" TEXT NOT NULL,
    "previous_secret" TEXT,
    "previous_valid_until" TIMESTAMPTZ(3),
    "rotated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dlr_webhook_secrets_pkey" PRIMARY KEY ("tenant_id")
);

-- CreateTable
CREATE TABLE "webhook_deliveries" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "event_id" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "state" "webhook_delivery_state" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL,
    "lease_until" TIMESTAMPTZ(3),
    "give_up_at" TIMESTAMPTZ(3) NOT NULL,
    "last_error" TEXT,
    "last_status_code" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "delivered_at" TIMESTAMPTZ(3),

    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dlr_triggers" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT,
    "route_id" TEXT,
    "carrier_id" TEXT,
    "states" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "error_codes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "action" "dlr_trigger_action" NOT NULL,
    "url" TEXT,
    "priority" INTEGER NOT NULL DEFAULT 100,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "description" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dlr_triggers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "mo_handlers" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "destination" TEXT NOT NULL,
    "keyword" TEXT NOT NULL DEFAULT '',
    "kind" "mo_handler_kind" NOT NULL,
    "url" TEXT,
    "reply_template" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "mo_handlers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "mo_parts" (
    "carrier_id" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "destination" TEXT NOT NULL,
    "reference" INTEGER NOT NULL,
    "total" INTEGER NOT NULL,
    "seq" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "event_id" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL,
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "mo_parts_pkey" PRIMARY KEY ("carrier_id","source","destination","reference","total","seq")
);

-- CreateTable
CREATE TABLE "mo_messages" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT,
    "carrier_id" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "destination" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "keyword" TEXT NOT NULL,
    "handler_id" TEXT,
    "action" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "mo_messages_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "dlr_carrier_keys_message_id_idx" ON "dlr_carrier_keys"("message_id");

-- CreateIndex
CREATE INDEX "dlr_part_receipts_message_id_idx" ON "dlr_part_receipts"("message_id");

-- CreateIndex
CREATE INDEX "dlr_deadlines_expires_at_idx" ON "dlr_deadlines"("expires_at");

-- CreateIndex
CREATE INDEX "dlr_paths_tenant_id_idx" ON "dlr_paths"("tenant_id");

-- CreateIndex
CREATE INDEX "webhook_deliveries_state_next_attempt_at_idx" ON "webhook_deliveries"("state", "next_attempt_at");

-- CreateIndex
CREATE INDEX "webhook_deliveries_tenant_id_created_at_idx" ON "webhook_deliveries"("tenant_id", "created_at");

-- CreateIndex
CREATE INDEX "dlr_triggers_tenant_id_idx" ON "dlr_triggers"("tenant_id");

-- CreateIndex
CREATE INDEX "mo_handlers_tenant_id_idx" ON "mo_handlers"("tenant_id");

-- CreateIndex
CREATE UNIQUE INDEX "mo_handlers_destination_keyword_key" ON "mo_handlers"("destination", "keyword");

-- CreateIndex
CREATE INDEX "mo_parts_received_at_idx" ON "mo_parts"("received_at");

-- CreateIndex
CREATE INDEX "mo_messages_tenant_id_received_at_idx" ON "mo_messages"("tenant_id", "received_at");
