-- The trace of a message continues with its delivery receipt (docs/operations.md, Traces): the
-- dlr service stores the message's W3C traceparent with the carrier's ids when the carrier
-- accepts it, and continues that trace when the receipt arrives. Nullable: rows written before
-- this column, or with tracing off, have none.
ALTER TABLE "dlr_carrier_keys" ADD COLUMN "trace_parent" TEXT;
