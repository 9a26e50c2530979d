#!/usr/bin/env bash
# Tests of the Helm chart (charts/tuxhat), offline, without a cluster:
#   helm lint --strict and helm template of every CI scenario (charts/tuxhat/ci/*-values.yaml)
#   and deploy/values example; every rendered manifest validated against the Kubernetes API
#   schemas (1.29 and 1.37, strict); assertions on the rendered objects; values the chart must
#   refuse; drift between the chart and the code. Details: scripts/chart/chart-test.py.
# Installs its tools first (scripts/chart/install-tools.sh: helm from the Go module proxy,
# kubernetes-validate from PyPI; cached, a few minutes the first time). Node 24 (scripts/env.sh)
# runs libs/config's zod schemas from source: the values schema's gateway config part is
# generated from them, and the rendered config files are checked against them.
#   bash scripts/chart/test.sh              # ends with `chart: N passed, M failed`
#   bash scripts/chart/test.sh -k shard     # only the tests whose name contains "shard"
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

# The tests print the total time (tools included) before their closing line, which stays last.
CHART_STARTED_NS=$(date +%s%N)
export CHART_STARTED_NS
source scripts/env.sh
tools="$(bash scripts/chart/install-tools.sh)"
eval "$tools"
exec "$CHART_PYTHON" scripts/chart/chart-test.py --helm "$HELM" "$@"
