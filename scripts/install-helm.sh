#!/usr/bin/env bash
# Installs the pinned Helm v3 with the ordinary Go client (idempotent).
# Prints the path of the binary on its last line.
set -euo pipefail

HELM_VERSION="v3.22.0"
GOBIN_DIR="$(go env GOPATH)/bin"
BIN="${GOBIN_DIR}/helm"

installed_version() {
  "$BIN" version --template '{{.Version}}' 2>/dev/null || true
}

if [ -x "$BIN" ] && [ "$(installed_version)" = "$HELM_VERSION" ]; then
  echo "helm ${HELM_VERSION} already installed" >&2
else
  echo "installing helm ${HELM_VERSION} with go install (a large build: several minutes)" >&2
  start=$(date +%s)
  # Without the ldflag, `helm version` reports a dev version and the check above never matches.
  go install -ldflags "-X helm.sh/helm/v3/internal/version.version=${HELM_VERSION}" \
    "helm.sh/helm/v3/cmd/helm@${HELM_VERSION}"
  echo "built in $(( $(date +%s) - start ))s" >&2
fi
echo "$BIN"
