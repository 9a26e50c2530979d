#!/usr/bin/env bash
# Compiles every app, service and lib into dist/ (CommonJS, Node >= 22.12).
#   scripts/build.sh            incremental: only what changed is recompiled
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$TUXHAT_ROOT"

bash scripts/db/generate.sh >/dev/null
tsc -p tsconfig.build.json
tsc-alias -p tsconfig.build.json
# Files read at run time, next to the code that reads them.
mkdir -p dist/libs/contracts/src/proto
cp libs/contracts/src/proto/*.proto dist/libs/contracts/src/proto/
mkdir -p dist/libs/services/admin
cp libs/services/admin/openapi.yaml dist/libs/services/admin/
mkdir -p dist/libs/services/ingress
cp libs/services/ingress/openapi.yaml dist/libs/services/ingress/
