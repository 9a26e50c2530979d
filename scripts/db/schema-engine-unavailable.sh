#!/bin/sh
# Stand-in for Prisma's native schema engine, which Prisma downloads from its own site (not
# reachable from the machines this project builds on). `prisma generate` only needs the path to
# exist; anything that really runs the engine (migrate dev/deploy/diff, db push/pull) ends here.
echo "Prisma's schema engine is not installed here (scripts/db/generate.sh points" >&2
echo "PRISMA_SCHEMA_ENGINE_BINARY at this stub). Apply migrations with scripts/db/migrate.ts;" >&2
echo "see libs/database/README.md for writing migrations without the engine." >&2
exit 1
