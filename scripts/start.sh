#!/usr/bin/env bash
# npm start: the all-in-one gateway (every service in one process, embedded PostgreSQL, the
# built-in SMSC simulator as its carrier). Needs nothing but this repository.
# Configure with environment variables (README.md, "Configuration").
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$TUXHAT_ROOT"

bash scripts/build.sh
exec node --disable-warning=TimeoutNegativeWarning dist/apps/gateway/src/main.js
