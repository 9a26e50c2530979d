#!/usr/bin/env bash
# The test command (npm test): starts the real infrastructure the tests need (Kafka,
# PostgreSQL, the SNS emulator) through the project's own scripts, builds, and runs every jest
# project: unit, integration (real Kafka/PostgreSQL/SMPP over TCP), e2e (services as processes).
#   npm test                               everything
#   npm test -- --selectProjects unit      only unit tests (any jest arguments pass through)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$TUXHAT_ROOT"

# Assigned first: a failed start must stop the run here, not leave the tests without infrastructure.
infra_env="$(bash scripts/infra/up.sh)"
eval "$infra_env"
bash scripts/infra/moto.sh start >&2
bash scripts/infra/moto.sh wait >&2
export SNS_ENDPOINT="${SNS_ENDPOINT:-http://127.0.0.1:${MOTO_PORT:-5055}}"
# Python peers the tests drive: schemathesis (fuzzing the REST API from its OpenAPI spec) and
# smpplib (an SMPP implementation not written here, for interoperability).
bash scripts/fuzz/ingress.sh setup >&2
bash scripts/infra/smpplib.sh install >&2
export FUZZ_MAX_TIME="${FUZZ_MAX_TIME:-60}"
bash scripts/build.sh

# Free disk before and after: a first run takes about 2 GB (dependencies, the Python peers,
# Kafka's log, embedded databases), and a machine short of disk fails tests far from the cause
# (ENOSPC in whichever process writes next).
free_disk() {
  df -Pk . "${TMPDIR:-/tmp}" | awk -v when="$1" 'NR > 1 { printf "[test] disk %s: %d MB free on %s\n", when, $4 / 1024, $6 }' | sort -u >&2
}
free_disk "before jest"

mkdir -p .local
results=.local/jest-results.json
status=0
NODE_OPTIONS="--experimental-vm-modules --disable-warning=ExperimentalWarning --disable-warning=TimeoutNegativeWarning" \
  jest --json --outputFile="$results" "$@" || status=$?
free_disk "after jest"
# One plain summary line for tools that do not read jest's own output.
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests + r.numRuntimeErrorTestSuites} failed`);
' "$results" || true
exit "$status"
