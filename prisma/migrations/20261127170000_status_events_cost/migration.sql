-- The carrier cost a routing decision carries, kept on its `routed` history row. Accounting
-- writes a message's record once, when the message is final, and keeps the steps before it in
-- memory; a record it has to build without that memory (after a restart, or when the steps
-- went to another replica) takes its route, cost and times from the history.
-- Nullable and without a default: adding the columns rewrites nothing, and every other
-- status's row stores two nulls in its null bitmap.
ALTER TABLE "message_status_events" ADD COLUMN "cost_minor" INTEGER;
ALTER TABLE "message_status_events" ADD COLUMN "cost_currency" CHAR(3);
