-- Message options from the tenant API: class of service, validity, schedule, DLR path override, metadata.
ALTER TABLE "messages" ADD COLUMN "priority" TEXT NOT NULL DEFAULT 'transactional',
ADD COLUMN "valid_until" TIMESTAMPTZ(3),
ADD COLUMN "scheduled_at" TIMESTAMPTZ(3),
ADD COLUMN "callback_url" TEXT,
ADD COLUMN "metadata" JSONB;

-- CreateTable
CREATE TABLE "config_revision" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "revision" BIGINT NOT NULL DEFAULT 0,
    "changed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "config_revision_pkey" PRIMARY KEY ("id")
);

INSERT INTO "config_revision" ("id", "revision") VALUES (1, 0);
