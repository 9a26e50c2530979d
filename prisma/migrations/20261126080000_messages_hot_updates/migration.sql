-- Less write amplification per message (performance pass, PostgreSQL CPU per message).
--
-- 1. messages: status updates become HOT (heap-only: no new entry in any index). Every status
--    event updates messages.status, and an update of an indexed column can never be HOT, so
--    each one added an entry to all three indexes. Nothing needs an index on status: listings
--    filter a tenant's rows (messages_tenant_id_created_at_idx), the replay guard and the dlr
--    look rows up by id, billing by tenant and time; only the boot-time redrive of all-in-one
--    mode selects by status alone, and it pages through the primary key. A partial index on
--    the unfinished statuses would still block HOT (its predicate reads status). The lower
--    fillfactor leaves room on each page for the new row versions a message's 2-3 status
--    updates make (HOT needs the same page). Measured on the write pattern of one message
--    (insert, routed, sent, carrier id, delivered; batches of 500): 40% of updates HOT at
--    fillfactor 80, 65% at 70, 80% at 60; existing pages keep their layout until rewritten.
--
-- 2. message_status_events and carrier_message_ids: no foreign key to messages. Each row
--    inserted ran the check `SELECT 1 FROM messages WHERE id = $1 FOR KEY SHARE` (~15 us) and
--    locked the message row, which the status projector updates right after (lock upgrades,
--    multixacts). Both tables are append-only and written only for messages that exist: the
--    status projector and the dlr correlation check the message (and its tenant) in the same
--    statement; ingress and the dlr write the first history row with the message itself. No
--    code deletes messages (deleting a tenant with messages is refused), so the cascade never
--    ran. The Prisma relations stay (queries join on them); only the constraints go.
--
-- Together, measured back to back against the previous schema (3 pairs of 20,000 messages):
-- 233 -> 181 us of PostgreSQL CPU per message for these writes; the carrier ids' insert alone
-- 21 -> 9 us.


DROP INDEX "messages_status_idx";

ALTER TABLE "messages" SET (fillfactor = 70);

ALTER TABLE "message_status_events" DROP CONSTRAINT "message_status_events_message_id_fkey";

ALTER TABLE "carrier_message_ids" DROP CONSTRAINT "carrier_message_ids_message_id_fkey";
