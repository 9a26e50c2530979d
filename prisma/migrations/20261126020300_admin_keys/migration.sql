-- Operators' admin API keys (separate from tenants' api_keys): prefix + SHA-256 only.
-- CreateTable
CREATE TABLE "admin_keys" (
    "id" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "secret_hash" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "admin_keys_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "admin_keys_prefix_key" ON "admin_keys"("prefix");
