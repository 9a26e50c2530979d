#!/usr/bin/env bash
# Installs what scripts/chart/test.sh needs, from package registries only (no GitHub downloads):
#   helm                 built from the Go module proxy with `go install` (minutes the first time;
#                        cached in $(go env GOPATH)/bin, or GOBIN)
#   kubernetes-validate  PyPI package that ships the Kubernetes API JSON schemas, installed in a
#                        venv (offline schema validation of rendered manifests, --strict mode)
# Idempotent: a tool already at its pinned version is left alone. Prints what it did and the time.
#   bash scripts/chart/install-tools.sh        # then: source scripts/chart/tools.env
set -euo pipefail

HELM_VERSION="${HELM_VERSION:-v3.22.0}"
KUBERNETES_VALIDATE_VERSION="${KUBERNETES_VALIDATE_VERSION:-1.37.0}"

ms() { echo $(( $(date +%s%N) / 1000000 )); }
log() { echo "[chart-tools] $*" >&2; }
started=$(ms)

command -v go >/dev/null || { log "go is required (to build helm from the Go module proxy)"; exit 1; }
command -v python3 >/dev/null || { log "python3 is required"; exit 1; }

gobin="${GOBIN:-$(go env GOPATH)/bin}"
helm="$gobin/helm"
helm_installed() { [ -x "$helm" ] && go version -m "$helm" 2>/dev/null | awk '$1 == "mod" { print $3 }' | grep -qx "$HELM_VERSION"; }
if helm_installed; then
  log "helm $HELM_VERSION: cached at $helm"
else
  t=$(ms)
  log "helm $HELM_VERSION: building with go install (first time: a few minutes)"
  GOBIN="$gobin" GOFLAGS="${GOFLAGS:-} -mod=mod" go install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
  helm_installed || { log "helm build did not produce $HELM_VERSION at $helm"; exit 1; }
  log "helm $HELM_VERSION: built in $(( ($(ms) - t) / 1000 )) s"
fi
