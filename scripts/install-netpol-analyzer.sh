#!/usr/bin/env bash
# Installs np-guard's netpol-analyzer (the `netpolicy` binary) for the differential test of
# packages/netpol. Idempotent. The binary goes to $(go env GOPATH)/bin/netpolicy.
#
# Why not `go install ...@v1.4.4`: it asks the Go module proxy for the module's version list
# (to check deprecation), which the proxy here refuses (403) for
# github.com/np-guard/netpol-analyzer, and `go get` then fails on checksum-database lookups
# of github.com/np-guard/models@v0.5.7 (404). The module zip itself is served, and its own
# go.sum pins every dependency, so we download it and build inside it.
set -euo pipefail

VERSION="v1.4.4"
MODULE="github.com/np-guard/netpol-analyzer"
BIN_DIR="$(go env GOPATH)/bin"
BIN="$BIN_DIR/netpolicy"
STAMP="$BIN_DIR/.netpolicy-version"

if [[ -x "$BIN" && -f "$STAMP" && "$(cat "$STAMP")" == "$VERSION" ]]; then
  echo "netpol-analyzer $VERSION already installed at $BIN"
  exit 0
fi

if GOFLAGS=-mod=mod go install "$MODULE/cmd/netpolicy@$VERSION" 2>/dev/null; then
  echo "$VERSION" >"$STAMP"
  echo "netpol-analyzer $VERSION installed at $BIN (go install)"
  exit 0
fi

SRC="$(go mod download -json "$MODULE@$VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
if [[ -z "$SRC" || ! -d "$SRC" ]]; then
  echo "could not download $MODULE@$VERSION from the Go module proxy" >&2
  exit 1
fi
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cp -r "$SRC/." "$WORK/"
chmod -R u+w "$WORK"
mkdir -p "$BIN_DIR"
(cd "$WORK" && go build -o "$BIN" ./cmd/netpolicy)
echo "$VERSION" >"$STAMP"
echo "netpol-analyzer $VERSION installed at $BIN"
