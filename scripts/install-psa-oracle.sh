#!/usr/bin/env bash
# The Pod Security admission differential test (packages/cli/src/psa-differential.test.ts)
# judges generated pods with the real checks of k8s.io/pod-security-admission. This builds
# scripts/psa-oracle, a small Go program over that module (v0.37.2, every k8s.io module at the
# same release), as $(go env GOPATH)/bin/psa-oracle. Idempotent; the test finds it there or at
# $PSA_ORACLE_PATH.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

if ! command -v go >/dev/null 2>&1; then
  echo "psa-oracle: Go is not installed; the Pod Security admission differential test will fail under CI=true"
  exit 0
fi
binary="$(go env GOPATH)/bin/psa-oracle"
(cd "$root/scripts/psa-oracle" && go build -o "$binary" .)
echo "psa-oracle: $binary"
