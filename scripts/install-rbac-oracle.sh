#!/usr/bin/env bash
# The RBAC differential test (packages/rules/src/rbac-differential.test.ts) judges our rbac/*
# rules against the Kubernetes RBAC code itself: scripts/rbac-oracle, a small Go program over
# k8s.io/kubernetes v1.37.2 (the RBAC authorizer, the bootstrap ClusterRoles, the API server's
# validation of RBAC objects) with every k8s.io module at v0.37.2, installed as
# $(go env GOPATH)/bin/rbac-oracle. Idempotent; about four minutes on a cold module cache (two shared cores).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

if ! command -v go >/dev/null 2>&1; then
  echo "rbac-oracle: Go is not installed; the RBAC differential test will fail under CI=true"
  exit 0
fi
binary="$(go env GOPATH)/bin/rbac-oracle"
(cd "$root/scripts/rbac-oracle" && go build -o "$binary" .)
echo "rbac-oracle: $binary"
