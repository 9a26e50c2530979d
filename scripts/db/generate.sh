#!/usr/bin/env bash
# Generates the Prisma client (libs/database/src/generated/prisma, git-ignored) from
# prisma/schema.prisma. Needs no network and nothing from Prisma's own download site:
#
# - The Prisma CLI looks for its native schema engine before any command and downloads it from
#   binaries.prisma.sh when missing; `generate` never runs it. PRISMA_SCHEMA_ENGINE_BINARY
#   pointing at an existing file skips the download; here that is a stub that fails loudly if
#   something does run it. A real engine already in the variable is kept.
# - CHECKPOINT_DISABLE=1 turns off the CLI's version check (a request to checkpoint.prisma.io).
# - PRISMA_ENGINES_CHECKSUM_IGNORE_MISSING is deliberately not set: it only relaxes the checksum
#   check of engine downloads, which never happen here.
# The client itself (prisma-client generator, query compiler in WASM, driver adapters) needs no
# native engine at runtime.
#
#   scripts/db/generate.sh        # prints the time taken
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"
cd "$TUXHAT_ROOT"

if [ -z "${PRISMA_SCHEMA_ENGINE_BINARY:-}" ] || [ ! -f "$PRISMA_SCHEMA_ENGINE_BINARY" ]; then
  export PRISMA_SCHEMA_ENGINE_BINARY="$TUXHAT_ROOT/scripts/db/schema-engine-unavailable.sh"
fi
export CHECKPOINT_DISABLE=1
export PRISMA_HIDE_UPDATE_MESSAGE=1

started=$(date +%s%N)
prisma generate --schema prisma/schema.prisma
echo "[db:generate] done in $(( ($(date +%s%N) - started) / 1000000 )) ms" >&2
