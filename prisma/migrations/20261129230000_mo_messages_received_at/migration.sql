-- Message retention (MESSAGE_RETENTION_DAYS): the dlr deletes MO received longer ago than the
-- retention, across all tenants. The (tenant_id, received_at) index cannot find them without a
-- tenant, so each batch would scan the whole table.
--
-- Not CONCURRENTLY: a migration runs in a transaction. MO is a small stream, and the build
-- holds off only the writes to this table for as long as it takes.
CREATE INDEX "mo_messages_received_at_idx" ON "mo_messages"("received_at");
