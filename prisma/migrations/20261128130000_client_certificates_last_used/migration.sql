-- When a tenant's client certificate last authenticated a request, as api_keys.last_used_at
-- (written in batches by ingress, forward only): operators see which certificates are still in
-- use before they revoke one.
ALTER TABLE "client_certificates" ADD COLUMN "last_used_at" TIMESTAMPTZ(3);
