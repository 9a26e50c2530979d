#!/usr/bin/env bash
# Installs what scripts/chart/test.sh needs, from package registries only (no GitHub downloads):
#   helm                 built from the Go module proxy with `go install`, with the ldflags of
#                        Helm's own Makefile (its version, and the Kubernetes version that
#                        `helm template` assumes: the client-go minor helm is built with);
#                        cached in $(go env GOPATH)/bin (or GOBIN). First build: ~3 minutes.
#   kubernetes-validate  the PyPI package that ships the Kubernetes API JSON schemas (every
#                        minor from 1.25 on, strict variants too): offline validation of rendered
#                        manifests. Installed in a venv with its pinned dependencies.
# Idempotent: a tool already at its pinned version is left alone. Prints what it did and the time.
#   bash scripts/chart/install-tools.sh
# Prints nothing on stdout but `export` lines, so a caller can `eval "$(bash install-tools.sh)"`:
#   HELM=<path to helm>  CHART_PYTHON=<python of the venv>
set -euo pipefail

HELM_VERSION="${HELM_VERSION:-v3.22.0}"
KUBERNETES_VALIDATE_VERSION="${KUBERNETES_VALIDATE_VERSION:-1.37.0}"
TOOLS_DIR="${TUXHAT_CHART_TOOLS_DIR:-$HOME/.cache/tuxhat/chart-tools}"

ms() { echo $(($(date +%s%N) / 1000000)); }
log() { echo "[chart-tools] $*" >&2; }
started=$(ms)

command -v go >/dev/null || { log "go is required (helm is built from the Go module proxy)"; exit 1; }
command -v python3 >/dev/null || { log "python3 is required"; exit 1; }

# --- helm ------------------------------------------------------------------------------------
gobin="${GOBIN:-$(go env GOPATH)/bin}"
helm="$gobin/helm"
helm_ok() {
  [ -x "$helm" ] &&
    go version -m "$helm" 2>/dev/null | awk '$1 == "mod" { print $3 }' | grep -qx "$HELM_VERSION" &&
    [ "$("$helm" version --template '{{.Version}}' 2>/dev/null)" = "$HELM_VERSION" ]
}
if helm_ok; then
  log "helm $HELM_VERSION: cached at $helm"
else
  t=$(ms)
  log "helm $HELM_VERSION: building with go install (first time: a few minutes)"
  # Helm's sources and the build cache take over 1 GB and only the binary is kept: both go to a
  # directory removed afterwards, so the first CI run on a machine short of disk keeps that GB.
  gowork=$(mktemp -d)
  trap 'rm -rf "$gowork"' EXIT
  export GOMODCACHE="$gowork/mod" GOCACHE="$gowork/cache" GOFLAGS="${GOFLAGS:-} -modcacherw"
  # The Kubernetes minor helm assumes without a cluster (.Capabilities.KubeVersion), as Helm's
  # Makefile derives it: from the k8s.io/client-go version in helm's go.mod (v0.37.x -> 1.37).
  gomod=$(go mod download -json "helm.sh/helm/v3@$HELM_VERSION" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["GoMod"])')
  k8s_minor=$(awk '$1 == "k8s.io/client-go" { split($2, v, "."); print v[2] }' "$gomod")
  [ -n "$k8s_minor" ] || { log "cannot read the client-go version from $gomod"; exit 1; }
  pkg=helm.sh/helm/v3
  ldflags="-s -w -X $pkg/internal/version.version=$HELM_VERSION"
  ldflags+=" -X $pkg/internal/version.gitTreeState=clean"
  ldflags+=" -X $pkg/pkg/chartutil.k8sVersionMajor=1 -X $pkg/pkg/chartutil.k8sVersionMinor=$k8s_minor"
  ldflags+=" -X $pkg/pkg/lint/rules.k8sVersionMajor=1 -X $pkg/pkg/lint/rules.k8sVersionMinor=$k8s_minor"
  GOBIN="$gobin" GOFLAGS="${GOFLAGS:-} -mod=mod" CGO_ENABLED=0 \
    go install -trimpath -ldflags "$ldflags" "$pkg/cmd/helm@$HELM_VERSION"
  helm_ok || { log "the build did not produce helm $HELM_VERSION at $helm"; exit 1; }
  log "helm $HELM_VERSION (Kubernetes 1.$k8s_minor by default): built in $((($(ms) - t) / 1000)) s"
fi

# --- kubernetes-validate (venv) --------------------------------------------------------------
venv="$TOOLS_DIR/venv"
stamp="$venv/.tuxhat-stamp"
want="kubernetes-validate==$KUBERNETES_VALIDATE_VERSION"
if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  log "$want: cached in $venv"
else
  t=$(ms)
  log "$want: installing into $venv"
  rm -rf "$venv"
  mkdir -p "$TOOLS_DIR"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-input "$want" "PyYAML>=6"
  "$venv/bin/python" -c 'import kubernetes_validate, yaml' # fails loudly if broken
  echo "$want" >"$stamp"
  log "$want: installed in $((($(ms) - t) / 1000)) s"
fi

log "tools ready in $((($(ms) - started) / 1000)) s"
echo "export HELM='$helm'"
echo "export CHART_PYTHON='$venv/bin/python'"
