-- The current status's machine-readable error code, on the message itself: the listing
-- (GET /v1/messages, gRPC List) shows it on every item without reading the history. The status
-- projector sets it with the status, in the UPDATE every status event already makes: the row is
-- rewritten anyway (MVCC), so a short or null text adds nothing measurable, and without an
-- index on it the update stays HOT.
-- Nullable and without a default: adding the column rewrites nothing. Rows projected before it
-- read as null; the single-message view then still finds the code in the history.
ALTER TABLE "messages" ADD COLUMN "status_error_code" TEXT;
