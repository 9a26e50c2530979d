-- Hard-storage queueing (all-in-one mode). While the in-memory backlog of the gateway's bus is
-- over BUS_BACKLOG_LIMIT, ingress commits new messages with parked_at set and does not publish
-- them; the gateway's feeder publishes them, oldest first, as the backlog drains, clearing
-- parked_at in the statement that claims them.
--
-- Partial: the index holds only the parked rows, so it costs nothing while nothing is parked,
-- and updates that leave parked_at alone (every status change) stay HOT.
ALTER TABLE "messages" ADD COLUMN "parked_at" TIMESTAMPTZ(3);

CREATE INDEX "messages_parked_at_id_idx" ON "messages" ("parked_at", "id")
  WHERE "parked_at" IS NOT NULL;
