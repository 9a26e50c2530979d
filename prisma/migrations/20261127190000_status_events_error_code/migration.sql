-- The machine-readable error code a status event carries (the policy's `quota-exceeded`, a
-- carrier's or a receipt's error code), kept on its history row: the tenant's view of a message
-- shows it on each step of the history, and the current status's code at the top, so a tenant
-- need not parse it out of the free-text detail. The view reads it from the history rather than
-- from `messages`: the row every status event updates stays as it is.
-- Nullable and without a default: adding the column rewrites nothing, and the statuses without
-- an error (most of them) store a null in the null bitmap.
ALTER TABLE "message_status_events" ADD COLUMN "error_code" TEXT;
