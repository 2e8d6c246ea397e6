#!/usr/bin/env bash
# The kubectl differential test (packages/core/src/test-support/kubectl) compares our parser
# with kubectl. Where kubectl is missing, this builds its stand-in instead: scripts/yaml-oracle,
# a small Go program over sigs.k8s.io/yaml v1.4.0 (the library kubectl uses), installed as
# $(go env GOPATH)/bin/kube-yaml-oracle. Idempotent; does nothing when kubectl is on PATH.
set -euo pipefail
if command -v kubectl >/dev/null 2>&1; then
  echo "yaml-oracle: not needed, kubectl is at $(command -v kubectl)"
  exit 0
fi
source "$(dirname "$0")/go-oracle.sh"
build_go_oracle yaml-oracle kube-yaml-oracle "kubectl differential test"
