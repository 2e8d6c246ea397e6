#!/usr/bin/env bash
# Installs the pinned cosign v2 with the ordinary Go client (idempotent).
# Prints the path of the binary on its last line.
set -euo pipefail

COSIGN_VERSION="v2.6.5"
GOBIN_DIR="$(go env GOPATH)/bin"
BIN="${GOBIN_DIR}/cosign"

installed_version() {
  "$BIN" version --json 2>/dev/null | sed -n 's/.*"gitVersion": *"\([^"]*\)".*/\1/p'
}

if [ -x "$BIN" ] && [ "$(installed_version)" = "$COSIGN_VERSION" ]; then
  echo "cosign ${COSIGN_VERSION} already installed" >&2
else
  echo "installing cosign ${COSIGN_VERSION} with go install (a large build: several minutes)" >&2
  start=$(date +%s)
  go install -ldflags "-X sigs.k8s.io/release-utils/version.gitVersion=${COSIGN_VERSION}" \
    "github.com/sigstore/cosign/v2/cmd/cosign@${COSIGN_VERSION}"
  echo "built in $(( $(date +%s) - start ))s" >&2
fi
echo "$BIN"
