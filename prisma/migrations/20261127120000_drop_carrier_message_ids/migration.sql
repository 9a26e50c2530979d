-- One row less per message part (performance pass, PostgreSQL CPU per message).
--
-- carrier_message_ids held, for every part a carrier accepted, the carrier's id and the message,
-- and only the connectors' replay guard read it ("which carriers hold ids for this message?").
-- dlr_carrier_keys holds the same parts (one row per part, written by the same statement of the
-- dlr service, for the same messages) with an index on message_id, so the replay guard reads
-- that instead, and every sent part costs one heap row and two index entries less.

DROP TABLE "carrier_message_ids";
