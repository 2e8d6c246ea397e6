#!/usr/bin/env bash
# The secrets differential test (packages/rules/src/secrets/differential.test.ts) compares what
# our secrets rules read from a Secret with what the API server stores. Its oracle is
# scripts/secret-oracle, a small Go program over k8s.io/api and k8s.io/apimachinery v0.37.2 and
# sigs.k8s.io/json (the API server's decoder), installed as $(go env GOPATH)/bin/secret-oracle.
# Idempotent. Without Go it says so; the test then fails under CI=true.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

if ! command -v go >/dev/null 2>&1; then
  echo "secret-oracle: Go is not installed; the secrets differential test will fail under CI=true"
  exit 0
fi
binary="$(go env GOPATH)/bin/secret-oracle"
(cd "$root/scripts/secret-oracle" && go build -o "$binary" .)
echo "secret-oracle: $binary"
