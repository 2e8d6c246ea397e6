#!/usr/bin/env bash
# Installs actionlint (checks the workflows and action.yml in packages/action's tests).
# Idempotent; prints where the binary is.
set -euo pipefail
VERSION=v1.7.12
BIN="$(go env GOPATH)/bin/actionlint"
if [ -x "$BIN" ] && "$BIN" -version | head -1 | grep -qx "$VERSION"; then
  echo "actionlint $VERSION: $BIN"
  exit 0
fi
go install "github.com/rhysd/actionlint/cmd/actionlint@$VERSION"
echo "actionlint $VERSION: $BIN"
