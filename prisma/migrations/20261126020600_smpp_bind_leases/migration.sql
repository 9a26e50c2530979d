-- SMPP bind slots held by connector pods: a carrier's maxBinds is never exceeded however many
-- pods run (libs/services/smpp-connector/README.md, "Bind limit"). No foreign key to carriers:
-- a lease of a carrier that is gone simply expires.
CREATE TABLE "smpp_bind_leases" (
    "carrier_id" TEXT NOT NULL,
    "slot" INTEGER NOT NULL,
    "holder" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "smpp_bind_leases_pkey" PRIMARY KEY ("carrier_id", "slot")
);

CREATE INDEX "smpp_bind_leases_holder_idx" ON "smpp_bind_leases"("holder");
