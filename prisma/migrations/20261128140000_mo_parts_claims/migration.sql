-- A concatenated MO's parts are claimed by whoever routes them (the intake that completes the
-- MO, or the reassembly sweeper of any dlr replica) until it marks them handled: two of them
-- taking the same parts at once routed the MO twice (the sweeper a partial MO, the intake the
-- whole one from a part that came meanwhile). A claim that outlives its holder (a crash)
-- expires. Nullable, no default: adding it rewrites nothing.
ALTER TABLE "mo_parts" ADD COLUMN "claimed_until" TIMESTAMPTZ(3);
