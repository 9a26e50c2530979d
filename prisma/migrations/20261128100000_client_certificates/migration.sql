-- TLS client certificates as tenant credentials (mutual TLS on the tenant API): registered by
-- operators through the admin API, found by ingress by the SHA-256 fingerprint of the
-- certificate a connection presented. Deleted with their tenant, like API keys.
CREATE TABLE "client_certificates" (
    "fingerprint" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "issuer" TEXT NOT NULL,
    "serial_number" TEXT NOT NULL,
    "not_after" TIMESTAMPTZ(3) NOT NULL,
    "scopes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "client_certificates_pkey" PRIMARY KEY ("fingerprint")
);

CREATE INDEX "client_certificates_tenant_id_idx" ON "client_certificates"("tenant_id");

ALTER TABLE "client_certificates" ADD CONSTRAINT "client_certificates_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
