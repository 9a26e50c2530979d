#!/usr/bin/env bash
# Runs one benchmark against every system side by side, the Kannel baseline first:
#   bash bench/run.sh ingress [--systems=kannel,all-in-one-postgres] [--seconds=15]
#   bash bench/run.sh carrier
#   bash bench/run.sh dlr
#   bash bench/run.sh retention    (PostgreSQL systems; its own baseline: the load without deletes)
# Starts PostgreSQL and Kafka (cluster mode needs them), installs Kannel and wrk, builds, and prints
# a markdown block for bench/RESULTS.md. Run it on an otherwise idle machine.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/env.sh"
cd "$TUXHAT_ROOT"
name="${1:?usage: bench/run.sh ingress|carrier|dlr|retention [--systems=...] [--seconds=N]}"
shift
infra_env="$(bash scripts/infra/up.sh)"
eval "$infra_env"
bash bench/kannel/install.sh >&2
# The saturation rows drive HTTP with wrk (bench/lib/wrk.ts).
bash scripts/bench/wrk.sh install
bash scripts/build.sh >&2
node --disable-warning=TimeoutNegativeWarning "dist/bench/${name}.js" "$@"
