-- Policy engine: versioned tenant policies, monthly usage, exactly-once decisions, held
-- messages, in-flight tracking, rate limiter state, suppression lists, prepaid balances.
-- CreateEnum
CREATE TYPE "policy_outcome" AS ENUM ('accepted', 'rejected', 'held');

-- CreateEnum
CREATE TYPE "deferral_stage" AS ENUM ('window', 'paced');

-- CreateEnum
CREATE TYPE "balance_reservation_state" AS ENUM ('reserved', 'settled', 'released');

-- CreateTable
CREATE TABLE "tenant_policies" (
    "tenant_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "document" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by" TEXT NOT NULL,

    CONSTRAINT "tenant_policies_pkey" PRIMARY KEY ("tenant_id","version")
);

-- CreateTable
CREATE TABLE "tenant_usage" (
    "tenant_id" TEXT NOT NULL,
    "month" TEXT NOT NULL,
    "messages" INTEGER NOT NULL DEFAULT 0,
    "parts" INTEGER NOT NULL DEFAULT 0,
    "warned_at" TIMESTAMPTZ(3),

    CONSTRAINT "tenant_usage_pkey" PRIMARY KEY ("tenant_id","month")
);

-- CreateTable
CREATE TABLE "policy_decisions" (
    "message_id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "outcome" "policy_outcome" NOT NULL,
    "month" TEXT,
    "parts" INTEGER NOT NULL,
    "detail" TEXT NOT NULL,
    "reason" TEXT,
    "decided_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "policy_decisions_pkey" PRIMARY KEY ("message_id")
);

-- CreateTable
CREATE TABLE "deferred_messages" (
    "message_id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "stage" "deferral_stage" NOT NULL,
    "release_at" TIMESTAMPTZ(3) NOT NULL,
    "message" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "deferred_messages_pkey" PRIMARY KEY ("message_id")
);

-- CreateTable
CREATE TABLE "in_flight_messages" (
    "message_id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "since" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "in_flight_messages_pkey" PRIMARY KEY ("message_id")
);

-- CreateTable
CREATE TABLE "rate_limit_states" (
    "tenant_id" TEXT NOT NULL,
    "tat_ms" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "rate_limit_states_pkey" PRIMARY KEY ("tenant_id")
);

-- CreateTable
CREATE TABLE "suppressions" (
    "tenant_id" TEXT NOT NULL,
    "number" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "suppressions_pkey" PRIMARY KEY ("tenant_id","number")
);

-- CreateTable
CREATE TABLE "tenant_balances" (
    "tenant_id" TEXT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "available_minor" BIGINT NOT NULL DEFAULT 0,
    "reserved_minor" BIGINT NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tenant_balances_pkey" PRIMARY KEY ("tenant_id")
);

-- CreateTable
CREATE TABLE "balance_reservations" (
    "message_id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "amount_minor" BIGINT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "state" "balance_reservation_state" NOT NULL DEFAULT 'reserved',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "settled_at" TIMESTAMPTZ(3),

    CONSTRAINT "balance_reservations_pkey" PRIMARY KEY ("message_id")
);

-- CreateIndex
CREATE INDEX "policy_decisions_decided_at_idx" ON "policy_decisions"("decided_at");

-- CreateIndex
CREATE INDEX "deferred_messages_release_at_idx" ON "deferred_messages"("release_at");

-- CreateIndex
CREATE INDEX "in_flight_messages_tenant_id_idx" ON "in_flight_messages"("tenant_id");

-- CreateIndex
CREATE INDEX "balance_reservations_tenant_id_state_idx" ON "balance_reservations"("tenant_id", "state");
