-- Late parts of a concatenated MO. Once an MO is routed (whole, or with the parts that came by
-- the reassembly timeout), its concatenation key is remembered for moPartRetentionMs: a part
-- of it that comes after that is routed as its late fragment, linked by the MO's id, instead of
-- starting a new partial MO that would time out and reach the tenant as an unexplained piece.
-- One row per key: a later MO under the same key replaces it.
CREATE TABLE "mo_reassemblies" (
    "carrier_id" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "destination" TEXT NOT NULL,
    "reference" INTEGER NOT NULL,
    "total" INTEGER NOT NULL,
    "mo_id" TEXT NOT NULL,
    "keyword" TEXT NOT NULL,
    "parts" INTEGER[],
    "handled_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "mo_reassemblies_pkey" PRIMARY KEY ("carrier_id","source","destination","reference","total")
);

-- The sweeper forgets them by age.
CREATE INDEX "mo_reassemblies_handled_at_idx" ON "mo_reassemblies"("handled_at");

-- The MO log says which earlier MO a late fragment belongs to. Nullable, no default: adding it
-- rewrites nothing.
ALTER TABLE "mo_messages" ADD COLUMN "late_fragment_of" TEXT;
